/**
 * What a web resource is (the request a handler sees, the response it gives, the paths it may
 * take), and the resources registered by modules (`api.registerWebResource`): the first module to
 * register a path wins, later ones are ignored with a warning; paths under `/_switchboard/`
 * and the server's own paths cannot be taken. The HTTP server mounts `list()` at start.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '../core/log.js';

/** The prefix of paths the hub keeps for itself. */
export const CORE_PATH_PREFIX = '/_switchboard/';

/** A request as a web resource handler sees it. */
export interface WebRequest {
  readonly method: string;
  /** The path and query string as sent, e.g. `/relay/status?verbose=1`. */
  readonly url: string;
  /** Lower-case header names. */
  readonly headers: IncomingHttpHeaders;
  /**
   * The body: an object or array for JSON, a string for `text/plain`, a Buffer for any other
   * content type, undefined when there is none.
   */
  readonly body: unknown;
  /** Values of `:name` segments (and `*` as `'*'`) in the resource's path. */
  readonly params: Readonly<Record<string, string>>;
  /** The parsed query string. */
  readonly query: Readonly<Record<string, string | string[]>>;
}

/** What a web resource handler answers. */
export interface WebResponse {
  /** An HTTP status, 100..599. */
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string or Buffer is sent as-is; anything else is sent as JSON. */
  readonly body: string | Buffer | object;
}

/** An HTTP handler a module mounts on the hub's server. */
export interface WebResource {
  /** The route, mounted as-is (Fastify syntax: `/relay/status`, `/relay/:id`, `/relay/*`). */
  readonly path: string;
  /** The module that registered it (for logs). */
  readonly module: string;
  readonly handler: (request: WebRequest) => Promise<WebResponse>;
}

/** Paths the server itself serves; no module may take them. */
export const RESERVED_PATHS: readonly string[] = ['/health', '/metrics'];

/** A module's web resource cannot be mounted (bad or taken path). */
export class WebResourceError extends Error {
  override readonly name = 'WebResourceError';

  constructor(
    readonly module: string,
    readonly path: string,
    problem: string,
  ) {
    super(`module ${module}: web resource ${JSON.stringify(path)}: ${problem}`);
  }
}

/**
 * Checks a resource path before mounting; throws a {@link WebResourceError} saying what is
 * wrong. `taken` holds paths already in use.
 */
export function checkWebResourcePath(module: string, path: string, taken: ReadonlySet<string> = new Set()): void {
  if (!path.startsWith('/')) throw new WebResourceError(module, path, 'the path must start with "/"');
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\s\u0000-\u001f\u007f?#]/.test(path)) {
    throw new WebResourceError(module, path, 'the path must not contain spaces, control characters, "?" or "#"');
  }
  if (RESERVED_PATHS.includes(path)) throw new WebResourceError(module, path, 'the path is reserved by the hub');
  if (taken.has(path)) throw new WebResourceError(module, path, 'another web resource already uses this path');
}

export type WebHandler = (request: WebRequest) => Promise<WebResponse> | WebResponse;

export class WebResourceRegistry {
  private readonly resources = new Map<string, WebResource>();
  private frozen = false;

  constructor(private readonly log: Logger) {}

  /**
   * Registers `handler` at `path` for `module`. Returns true when mounted, false when an
   * earlier module has the path (logged). Throws WebResourceError for an invalid or core
   * path, or once the HTTP server has started (register in `setup`).
   */
  register(module: string, path: string, handler: WebHandler): boolean {
    if (this.frozen) throw new WebResourceError(module, path, 'web resources must be registered in setup(), before the HTTP server starts');
    if (typeof handler !== 'function') throw new WebResourceError(module, path, 'the handler must be a function');
    if (path === CORE_PATH_PREFIX.slice(0, -1) || path.startsWith(CORE_PATH_PREFIX) || RESERVED_PATHS.includes(path)) {
      throw new WebResourceError(module, path, `paths under ${CORE_PATH_PREFIX} and ${RESERVED_PATHS.join(', ')} belong to Switchboard`);
    }
    checkWebResourcePath(module, path);
    const existing = this.resources.get(path);
    if (existing) {
      this.log.warn({ module, path, owner: existing.module }, 'web resource path already registered by an earlier module; ignored');
      return false;
    }
    this.resources.set(path, { path, module, handler: async (request) => handler(request) });
    return true;
  }

  /** Stops registrations (the server is about to mount the list). */
  freeze(): void {
    this.frozen = true;
  }

  /** The resources to mount, in registration order. */
  list(): WebResource[] {
    return [...this.resources.values()];
  }
}
