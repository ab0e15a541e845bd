/**
 * How Fastify's own per-request log lines are written: at debug (a busy /metrics scrape is
 * not news), and with the path only (query strings may carry tokens; headers never appear).
 */
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/** Request lines at debug; errors keep Fastify's levels. */
export class RequestLogController extends LogController {
  override incomingRequest(): void {
    // One line per request is enough: requestCompleted writes it.
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const fields = { req: request, statusCode: reply.statusCode, ms: reply.elapsedTime };
    if (error) reply.log.error({ ...fields, err: error }, 'http request errored');
    else reply.log.debug(fields, 'http request');
  }

  override routeNotFound(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'http route not found');
  }
}

/** What a log line says about a request: method and path, never the query string or headers. */
export function describeRequest(request: { method?: string; url?: string }): { method?: string; path?: string } {
  return { method: request.method, path: request.url?.split('?', 1)[0] };
}
