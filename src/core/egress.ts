/**
 * What networks and modules fetch URLs through: the contract of the hub's egress client
 * (src/net/egress/ implements it under the `egress:` policy; docs/configuration.md).
 */
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The egress budget of one message: every fetch made for it shares one deadline, and only the
 * first links of the message may be fetched at all.
 */
export interface EgressBudget {
  /** Fires when the message's time is up; every fetch for the message stops then. */
  readonly signal: AbortSignal;
  /**
   * Claims `url` as one of the message's fetched links: true when it already was one, or when
   * the cap is not reached yet (it becomes one); false when the cap is reached.
   */
  claim(url: string): boolean;
  /** true when the message's time is up. */
  readonly expired: boolean;
}

export interface EgressRequestOptions {
  /** GET when absent. */
  readonly method?: 'GET' | 'HEAD' | 'POST' | 'PUT';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
  /** The most response body bytes read (never more than `egress.maxBodyBytes`). */
  readonly maxBytes?: number;
  /** `follow` (default): redirects are followed, each hop checked; `manual`: a redirect is the answer. */
  readonly redirect?: 'follow' | 'manual';
  /** The message this fetch is for: its deadline applies. */
  readonly budget?: EgressBudget;
  /** The URL is one of the message's links: it counts against `maxLinksPerMessage` (needs `budget`). */
  readonly link?: boolean;
  /** A deadline of this request's own (default: `messageBudgetMs` when there is no budget). */
  readonly timeoutMs?: number;
}

/** A response, its body read whole (within the cap). */
export interface EgressResponse {
  readonly status: number;
  /** Lower-case names, as node:http gives them. */
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The URL that answered (after redirects). */
  readonly url: string;
  /** true for a 2xx status. */
  readonly ok: boolean;
  /** A response header's value (the first one when repeated). */
  header(name: string): string | undefined;
}

/** Fetches URLs under the hub's egress policy. */
export interface Egress {
  /** A new budget for one message (`messageBudgetMs`, `maxLinksPerMessage`). */
  budget(): EgressBudget;
  /**
   * Sends one request, following redirects as allowed.
   *
   * @throws EgressError for a refused URL or address, a too large body, too many redirects,
   *   a link over the message's cap, time running out, or a network failure. An HTTP error
   *   status is not an error: check `ok`.
   */
  request(url: string, options?: EgressRequestOptions): Promise<EgressResponse>;
}
