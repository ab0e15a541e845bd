/**
 * The one HTTP client for every URL the hub fetches (attachments, file re-uploads, paste
 * services), under the egress policy: http/https only, every address of every hop checked
 * (resolve.ts) and connected to as checked (request.ts), redirects followed by hand up to
 * `maxRedirects`, every body cut at its cap, and every request bounded in time (the message's
 * budget, or a timeout).
 */
import { AllowList } from './allow-list.js';
import { EgressBudget } from './budget.js';
import type { EgressConfig } from './config.js';
import type { Egress, EgressRequestOptions, EgressResponse } from '../../core/egress.js';
import { abortedFetchError, EgressError } from './errors.js';
import type { ExchangeResponse } from './request.js';
import { checkTarget, systemResolver, type Resolver } from './resolve.js';

/** Statuses whose Location is followed. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers not sent on to another origin after a redirect. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/** Fetches URLs under the hub's egress policy (`egress:` in the config). */
export class EgressClient implements Egress {
  private readonly allow: AllowList;
  private readonly resolve: Resolver;

  /**
   * @param config - the policy (`egress:` with defaults applied)
   * @param resolve - how host names are resolved (default: the system resolver)
   * @throws Error when an allow-list entry is invalid
   */
  constructor(readonly config: EgressConfig, resolve: Resolver = systemResolver) {
    this.allow = new AllowList(config.allow);
    this.resolve = resolve;
  }

  /** A new budget for one message (`messageBudgetMs`, `maxLinksPerMessage`). */
  budget(): EgressBudget {
    return new EgressBudget(this.config.messageBudgetMs, this.config.maxLinksPerMessage);
  }

  /**
   * Sends one request, following redirects as allowed.
   *
   * @throws EgressError for a refused URL or address, a too large body, too many redirects,
   *   a link over the message's cap, time running out, or a network failure. An HTTP error
   *   status is not an error: check `ok`.
   */
  async request(url: string, options: EgressRequestOptions = {}): Promise<EgressResponse> {
    if (options.link && options.budget && !options.budget.claim(url)) {
      throw new EgressError('link-cap', `this message's first ${this.config.maxLinksPerMessage} links were fetched already; no more are`);
    }
    const signal = this.signalFor(options);
    const maxBytes = Math.min(options.maxBytes ?? this.config.maxBodyBytes, this.config.maxBodyBytes);
    let current = parseUrl(url);
    let method: string = options.method ?? 'GET';
    let body = options.body;
    let headers: Readonly<Record<string, string>> = options.headers ?? {};
    // node:http and node:https load with the first request: a hub that fetches nothing never loads them.
    const { exchange } = await import('./request.js');
    for (let hops = 0; ; hops++) {
      if (signal.aborted) throw abortedFetchError(signal);
      const target = await untilAborted(checkTarget(current, this.allow, this.resolve), signal);
      const response = await exchange(target, { method, headers, ...(body === undefined ? {} : { body }), maxBytes, signal });
      const location = response.headers.location;
      if (options.redirect === 'manual' || !REDIRECTS.has(response.status) || location === undefined) {
        return { ...response, url: current.href, ok: response.status >= 200 && response.status < 300, header: (name) => headerValue(response, name) };
      }
      if (hops >= this.config.maxRedirects) throw new EgressError('too-many-redirects', `more than ${this.config.maxRedirects} redirects`);
      const next = parseUrl(location, current);
      if (next.origin !== current.origin) headers = withoutCredentials(headers);
      if ((response.status === 303 && method !== 'HEAD') || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        headers = withoutBodyHeaders(headers);
      }
      current = next;
    }
  }

  private signalFor(options: EgressRequestOptions): AbortSignal {
    const signals: AbortSignal[] = [];
    if (options.budget) signals.push(options.budget.signal);
    const timeoutMs = options.timeoutMs ?? (options.budget ? undefined : this.config.messageBudgetMs);
    if (timeoutMs !== undefined) signals.push(AbortSignal.timeout(timeoutMs));
    return signals.length === 1 ? signals[0]! : AbortSignal.any(signals);
  }
}

function parseUrl(text: string, base?: URL): URL {
  try {
    return new URL(text, base);
  } catch {
    throw new EgressError('bad-url', 'not a valid URL');
  }
}

function headerValue(response: ExchangeResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function withoutCredentials(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !CREDENTIAL_HEADERS.has(name.toLowerCase())));
}

function withoutBodyHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !name.toLowerCase().startsWith('content-')));
}

/** `promise`, or a rejection as soon as `signal` fires (DNS lookups cannot be cancelled). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortedFetchError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
