/**
 * The egress budget of one message: every fetch made for it (spam checks, size queries,
 * re-uploads, on every target) shares one deadline, and only the first `maxLinks` distinct
 * links of the message may be fetched at all.
 */
import { EgressError } from './errors.js';
import type { EgressBudget as MessageBudget } from '../../core/egress.js';

export class EgressBudget implements MessageBudget {
  /** Fires when the message's time is up; every fetch for the message stops then. */
  readonly signal: AbortSignal;
  private readonly links = new Set<string>();

  constructor(timeMs: number, private readonly maxLinks: number) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new EgressError('budget', `the ${timeMs} ms this message may spend fetching are used up`)), timeMs);
    timer.unref();
    this.signal = controller.signal;
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
    return this.signal.aborted;
  }
}
