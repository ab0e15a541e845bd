/**
 * Module web resources (`ModuleApi.registerWebResource(path, handler)`): HTTP handlers a
 * module mounts on the hub's server, isolated so that a failing module gets a logged 500
 * and nothing else.
 */
import { validateHeaderName, validateHeaderValue, type IncomingMessage, type ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest, RawServerDefault } from 'fastify';
import type { Logger } from '../core/log.js';
import { checkWebResourcePath, type WebRequest, type WebResource, type WebResponse } from '../modules/web-resources.js';

/** The hub's Fastify instance: the default HTTP server, logging through our pino logger. */
export type HttpApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>;

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** The body sent when a module's handler failed; details go to the log only. */
const GENERIC_FAILURE = { error: 'internal error' } as const;

/** Checks every resource (see {@link checkWebResourcePath}) and mounts them on `app`. */
export function mountWebResources(app: HttpApp, resources: readonly WebResource[], log: Logger): void {
  const taken = new Set<string>();
  for (const resource of resources) {
    checkWebResourcePath(resource.module, resource.path, taken);
    taken.add(resource.path);
  }
  for (const resource of resources) {
    const resourceLog = log.child({ module: resource.module, path: resource.path });
    app.route({
      method: [...METHODS],
      url: resource.path,
      exposeHeadRoute: false,
      handler: (request, reply) => serve(resource, resourceLog, request, reply),
    });
  }
}

async function serve(resource: WebResource, log: Logger, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  let response: WebResponse;
  try {
    response = await resource.handler(toWebRequest(request));
  } catch (error) {
    log.error({ err: error, method: request.method }, 'web resource handler failed');
    return reply.code(500).send(GENERIC_FAILURE);
  }
  const problem = responseProblem(response);
  if (problem !== undefined) {
    log.error({ method: request.method, problem }, 'web resource handler returned an invalid response');
    return reply.code(500).send(GENERIC_FAILURE);
  }
  reply.code(response.status);
  if (response.headers) reply.headers(response.headers);
  return reply.send(response.body);
}

function toWebRequest(request: FastifyRequest): WebRequest {
  return {
    method: request.method,
    url: request.url,
    headers: request.headers,
    body: request.body,
    // Plain copies: Fastify's are null-prototype objects.
    params: { ...(request.params as Record<string, string> | undefined) },
    query: { ...(request.query as Record<string, string | string[]> | undefined) },
  };
}

/** What is wrong with a handler's answer, or undefined when it can be sent. */
function responseProblem(response: unknown): string | undefined {
  if (typeof response !== 'object' || response === null) return `expected { status, body }, got ${typeof response}`;
  const { status, headers, body } = response as Partial<WebResponse>;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    return `status must be an integer 100..599, got ${String(status)}`;
  }
  if (body === undefined || body === null || !['string', 'object'].includes(typeof body)) {
    return `body must be a string, Buffer or object, got ${body === null ? 'null' : typeof body}`;
  }
  for (const [name, value] of Object.entries(headers ?? {}) as Array<[string, unknown]>) {
    if (typeof value !== 'string') return `header ${JSON.stringify(name)}: the value must be a string`;
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch (error) {
      return `header ${JSON.stringify(name)}: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return undefined;
}
