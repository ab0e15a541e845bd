/**
 * The hub's HTTP server (Fastify): GET /health, GET /metrics and the modules' web resources.
 */
import { fastify, type FastifyError, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../core/log.js';
import type { HubMetrics } from '../core/metrics.js';
import { HttpListenError, formatHostPort } from './errors.js';
import { healthHttpStatus, type HealthReport } from './health.js';
import { hostPolicy, type HostPolicy } from './allowed-hosts.js';
import { RequestLogController, describeRequest } from './request-log.js';
import { mountWebResources, type HttpApp } from './resources.js';
import type { WebResource } from '../modules/web-resources.js';

export interface HttpServerOptions {
  /** The address to bind, e.g. `127.0.0.1` or `::1`. */
  readonly host: string;
  /** The port to bind; 0 picks a free one (see {@link RunningHttpServer.port}). */
  readonly port: number;
  /** The logger for the server and its requests (request lines at debug); give it context first. */
  readonly log: Logger;
  readonly metrics: HubMetrics;
  /** Builds the /health body; called on every request. */
  readonly health: () => HealthReport;
  /** Module web resources, mounted at their paths as-is. */
  readonly resources?: ReadonlyArray<WebResource>;
  /**
   * Names besides the listen address accepted in the `Host` header (`http.hosts`); requests
   * with any other `Host` are refused with 421 (allowed-hosts.ts).
   */
  readonly allowedHosts?: readonly string[];
}

export interface RunningHttpServer {
  /** The base URL, e.g. `http://127.0.0.1:8480` (as Fastify's `listen()` reports it). */
  readonly address: string;
  /** The bound IP address, e.g. `127.0.0.1` or `::1`. */
  readonly host: string;
  /** The bound port (the one picked when 0 was asked for). */
  readonly port: number;
  /** Stops accepting connections, closes idle ones and waits for requests in flight. */
  close(): Promise<void>;
}

/**
 * Starts the server and resolves once it listens.
 *
 * @throws HttpListenError when the address cannot be bound (port in use, no permission,
 *   host not local); the message says what to change in `http.listen`.
 * @throws WebResourceError when a resource path is invalid, reserved or taken twice.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const log = options.log.child({}, { serializers: { req: describeRequest } });
  const app = fastify({ loggerInstance: log, logController: new RequestLogController(), schemaController: { compilersFactory: lazySchemaCompilers() } });
  let policy = hostPolicy({ host: options.host, port: options.port, names: options.allowedHosts });
  refuseForeignHosts(app, () => policy);
  try {
    configure(app, options);
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await app.close();
    if (isListenFailure(error)) throw new HttpListenError(formatHostPort(options.host, options.port), error);
    throw error;
  }
  const bound = app.server.address() as AddressInfo;
  policy = hostPolicy({ host: options.host, port: bound.port, names: options.allowedHosts });
  return {
    address: `http://${formatHostPort(bound.address, bound.port)}`,
    host: bound.address,
    port: bound.port,
    close: () => app.close(),
  };
}

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type BuildValidator = NonNullable<CompilersFactory['buildValidator']>;
type BuildSerializer = NonNullable<CompilersFactory['buildSerializer']>;

/**
 * Fastify's own schema compilers (Ajv and fast-json-stringify), loaded only when a route with
 * a schema needs them. Fastify otherwise loads both when the instance is created, about 25 ms
 * and several MB of start-up; no route here has a schema and web resources cannot declare one.
 * Both are dependencies of ours, at the versions Fastify itself depends on.
 */
function lazySchemaCompilers(): CompilersFactory {
  const load = createRequire(import.meta.url);
  // Each package exports a factory of the builder Fastify calls: (externalSchemas, options) => compiler.
  const onFirstUse = <F>(id: string): F =>
    ((...args: unknown[]) => (load(id) as () => (...builderArgs: unknown[]) => unknown)()(...args)) as unknown as F;
  return {
    buildValidator: onFirstUse<BuildValidator>('@fastify/ajv-compiler'),
    buildSerializer: onFirstUse<BuildSerializer>('@fastify/fast-json-stringify-compiler'),
  };
}

/** Distinct refused Host headers logged at warn; later ones go to debug. */
const MAX_REPORTED_HOSTS = 32;

/**
 * Answers 421 to a request whose `Host` the policy does not accept, before any route (module
 * resources and 404s included) sees it.
 */
function refuseForeignHosts(app: HttpApp, policy: () => HostPolicy): void {
  const reported = new Set<string>();
  app.addHook('onRequest', async (request, reply) => {
    const current = policy();
    const host = request.headers.host;
    if (current.allows(host)) return;
    // Each refused Host is logged once (a hostile page may repeat requests without end).
    const key = (host ?? '').slice(0, 200);
    const firstTime = !reported.has(key) && reported.size < MAX_REPORTED_HOSTS;
    if (firstTime) reported.add(key);
    request.log[firstTime ? 'warn' : 'debug']({ req: request, host: key }, 'http request refused: Host not accepted (add it to http.hosts if it is yours)');
    await reply
      .code(421)
      .header('content-type', 'text/plain; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(`421 Misdirected Request: this server answers only for Host ${current.accepted.join(', ')}; add the name to http.hosts in the Switchboard config to allow another (DNS rebinding protection)\n`);
  });
}

function configure(app: HttpApp, options: HttpServerOptions): void {
  // Bodies of types Fastify does not parse reach web resources as Buffers.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.setErrorHandler(handleError);

  app.get('/health', async (_request, reply) => {
    const report = options.health();
    return reply.code(healthHttpStatus(report)).header('cache-control', 'no-store').send(report);
  });
  app.get('/metrics', async (_request, reply) => {
    const body = await options.metrics.render();
    return reply.header('content-type', options.metrics.contentType).header('cache-control', 'no-store').send(body);
  });
  mountWebResources(app, options.resources ?? [], app.log);
}

/** Client errors keep Fastify's message; server errors are logged and answered generically. */
function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
  if (status >= 500) {
    request.log.error({ err: error, req: request }, 'http request failed');
    void reply.code(500).send({ error: 'internal error' });
    return;
  }
  request.log.debug({ err: error, req: request }, 'http request refused');
  void reply.code(status).send({ error: error.message });
}

function isListenFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('E') || code === 'ERR_SOCKET_BAD_PORT');
}
