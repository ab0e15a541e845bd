/**
 * Web resources registered by modules (`api.registerWebResource`): the first module to
 * register a path wins, later ones are ignored with a warning; paths under `/_switchboard/`
 * and the server's own paths cannot be taken. The HTTP server mounts `list()` at start.
 */
import type { Logger } from '../core/log.js';
import { checkWebResourcePath, RESERVED_PATHS, type WebRequest, type WebResource, type WebResponse } from '../http/resources.js';
import { WebResourceError } from '../http/errors.js';

/** The prefix of paths the hub keeps for itself. */
export const CORE_PATH_PREFIX = '/_switchboard/';

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
