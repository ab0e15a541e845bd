/**
 * Keeps one network connected: the reconnect policy lives here, not in adapters.
 *
 * A failed connect attempt or a lost connection emits DISCONNECT (with `wasSuccessful`) and
 * schedules the next attempt after the policy's delay (exponential backoff with jitter, reset
 * after a stable connection). A fatal loss (bad credentials, banned) stops retrying.
 */
import type { ConnectionLoss, Network, NetworkState } from './network.js';
import type { ReconnectPolicy } from './reconnect.js';
import type { Logger } from './log.js';
import { raceDeadline } from './deadline.js';

const TIMED_OUT = Symbol('timed out');

export interface SupervisorOptions {
  readonly log: Logger;
  readonly policy: ReconnectPolicy;
  /** Reports a DISCONNECT to the hub. */
  readonly onDisconnect: (wasSuccessful: boolean, reason: string) => void;
  /** Called before each retry (for the reconnects metric). */
  readonly onRetry?: () => void;
  /** Called on every state change (for /health and the network_up metric). */
  readonly onState?: (state: NetworkState) => void;
  /** A connect attempt still pending after this long counts as failed. Default 60 s. */
  readonly connectTimeoutMs?: number;
  readonly now?: () => number;
}

/** The supervisor's view of its network, for /health. */
export interface SupervisedStatus {
  readonly state: NetworkState;
  /** When the state last changed (ms since the epoch). */
  readonly since: number;
  readonly lastError?: string;
  readonly reconnects: number;
}

export class NetworkSupervisor {
  private current: NetworkState = 'idle';
  private changedAt: number;
  private lastError: string | undefined;
  private reconnects = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private readonly now: () => number;

  constructor(
    readonly network: Network,
    private readonly options: SupervisorOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.changedAt = this.now();
  }

  get status(): SupervisedStatus {
    return {
      state: this.current,
      since: this.changedAt,
      reconnects: this.reconnects,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  /**
   * Makes the first connect attempt. Resolves true when it connected, false when it failed
   * (retries then go on in the background unless the failure was fatal). Never rejects.
   */
  start(): Promise<boolean> {
    return this.connectOnce();
  }

  /**
   * The adapter lost its connection (NetworkContext.connectionLost). Ignored while a connect
   * attempt is pending (the attempt's own failure handles it) and after stop().
   */
  connectionLost(loss: ConnectionLoss): void {
    if (this.current !== 'connected') return;
    this.options.policy.disconnected(this.now());
    this.failed(loss.wasSuccessful, loss.reason, loss.fatal === true);
  }

  /** Stops retrying and disconnects, flushing queued output for up to `deadlineMs`. */
  async stop(deadlineMs: number, reason = 'shutting down'): Promise<void> {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const wasIdle = this.current === 'idle' || this.current === 'stopped';
    this.attempt++; // any attempt still pending is now stale
    this.setState('stopped');
    if (wasIdle) return;
    try {
      await this.network.disconnect({ deadlineMs, reason });
    } catch (error) {
      this.options.log.warn({ err: error }, 'error while disconnecting');
    }
  }

  private async connectOnce(): Promise<boolean> {
    const attempt = ++this.attempt;
    this.setState('connecting');
    const timeoutMs = this.options.connectTimeoutMs ?? 60_000;
    try {
      const outcome = await raceDeadline(this.network.connect(), timeoutMs, TIMED_OUT);
      if (outcome === TIMED_OUT) throw new Error(`connect timed out after ${timeoutMs} ms`);
    } catch (error) {
      if (attempt !== this.attempt) return false; // stopped meanwhile
      const reason = error instanceof Error ? error.message : String(error);
      // A timed-out attempt may still hold a socket: close it before the next one.
      await this.network.disconnect({ deadlineMs: 0, reason: 'connect failed' }).catch(() => undefined);
      this.failed(false, reason, isFatal(error));
      return false;
    }
    if (attempt !== this.attempt) return false;
    this.options.policy.connected(this.now());
    this.lastError = undefined;
    this.setState('connected');
    this.options.log.info({ reconnects: this.reconnects }, 'network connected');
    return true;
  }

  private failed(wasSuccessful: boolean, reason: string, fatal: boolean): void {
    this.lastError = reason;
    this.options.onDisconnect(wasSuccessful, reason);
    if (fatal) {
      this.setState('failed');
      this.options.log.error({ reason }, 'network failed; not retrying (fix the configuration and restart)');
      return;
    }
    const delay = this.options.policy.nextDelay();
    this.setState('reconnecting');
    this.options.log.warn({ reason, wasSuccessful, retryInMs: Math.round(delay) }, 'network disconnected; will retry');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.reconnects++;
      this.options.onRetry?.();
      void this.connectOnce();
    }, delay);
  }

  private setState(state: NetworkState): void {
    if (state === this.current) return;
    this.current = state;
    this.changedAt = this.now();
    this.options.onState?.(state);
  }
}

/** An error an adapter marks as not worth retrying: `Object.assign(new Error(...), { fatal: true })`. */
function isFatal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { fatal?: unknown }).fatal === true;
}
