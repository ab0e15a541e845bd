/**
 * The egress budget of one message: every fetch made for it (spam checks, size queries,
 * re-uploads, on every target) shares one deadline, and only the first `maxLinks` distinct
 * links of the message may be fetched at all.
 */
import { EgressError } from './errors.js';
import type { EgressBudget as MessageBudget } from '../../core/egress.js';

export class EgressBudget implements MessageBudget {
  private readonly links = new Set<string>();
  /** When the message's time is up (ms since the epoch). */
  private readonly deadline: number;
  private controller: AbortController | undefined;

  /**
   * The clock starts now; the abort signal and its timer are only made when a fetch asks for
   * them: most messages fetch nothing, and a timer per message would keep every message's
   * budget alive for `timeMs` (measured: a large share of the relay's garbage collection).
   */
  constructor(private readonly timeMs: number, private readonly maxLinks: number, private readonly now: () => number = Date.now) {
    this.deadline = now() + timeMs;
  }

  /** Fires when the message's time is up; every fetch for the message stops then. */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      const controller = new AbortController();
      this.controller = controller;
      const abort = (): void => controller.abort(new EgressError('budget', `the ${this.timeMs} ms this message may spend fetching are used up`));
      const left = this.deadline - this.now();
      if (left <= 0) abort();
      else setTimeout(abort, left).unref();
    }
    return this.controller.signal;
  }

  /**
   * Claims `url` as one of the message's fetched links: true when it already was one, or when
   * fewer than `maxLinks` are claimed (it becomes one); false when the cap is reached.
   */
  claim(url: string): boolean {
    if (this.links.has(url)) return true;
    if (this.links.size >= this.maxLinks) return false;
    this.links.add(url);
    return true;
  }

  /** true when the message's time is up. */
  get expired(): boolean {
    return this.controller?.signal.aborted === true || this.now() >= this.deadline;
  }
}
