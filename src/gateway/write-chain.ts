/**
 * Writes per person, one after the other (a write reads the stored value again, so two at once
 * would lose one): each write waits for the previous one of the same person, a failure is logged
 * and never rejects, and {@link WriteChain.settled} waits for every write issued so far.
 */
import type { Logger } from '../core/log.js';

export class WriteChain {
  readonly #writes = new Map<string, Promise<void>>();

  constructor(
    private readonly log: Logger,
    /** What the log says when a write fails. */
    private readonly failure: string,
  ) {}

  /** Runs `write` after `jid`'s previous writes. Never rejects. */
  run(jid: string, write: () => Promise<void>): Promise<void> {
    const previous = this.#writes.get(jid) ?? Promise.resolve();
    const next = previous.then(write).catch((error: unknown) => this.log.warn({ user: jid, err: error }, this.failure));
    this.#writes.set(jid, next);
    void next.then(() => {
      if (this.#writes.get(jid) === next) this.#writes.delete(jid);
    });
    return next;
  }

  /** Resolves once `jid`'s writes issued so far are done. */
  async pending(jid: string): Promise<void> {
    await this.#writes.get(jid);
  }

  /** Resolves once every write issued so far is done (before the store closes). */
  async settled(): Promise<void> {
    await Promise.all([...this.#writes.values()]);
  }
}
