/**
 * Deliveries that were sent but whose message ids are not in the message map yet: the relay
 * records them once the target confirmed them (an XMPP room's echo), which can come after an
 * edit, retraction, reaction or reply to the same message has arrived on another connection.
 * Lookups of a message's copies (or of a copy's source) first wait, briefly, for the records of
 * that message still under way, so that they find what was just sent.
 */
import { raceDeadline } from '../../core/deadline.js';

/** How long a lookup waits for records under way (a confirmation that never comes times out later). */
const WAIT_MS = 10_000;

const key = (network: string, messageId: string): string => `${network}\u0000${messageId}`;

export class PendingRecords {
  /** Records under way, by source message and by the id of each copy. */
  private readonly pending = new Map<string, Set<Promise<unknown>>>();

  /**
   * Notes that the copies `copyIds` on `network` of the source message `source` are recorded
   * when `recorded` settles (either way).
   */
  add(source: { readonly network: string; readonly messageId: string }, network: string, copyIds: readonly string[], recorded: Promise<unknown>): void {
    const keys = [key(source.network, source.messageId), ...copyIds.map((id) => key(network, id))];
    for (const k of keys) {
      const set = this.pending.get(k) ?? new Set();
      set.add(recorded);
      this.pending.set(k, set);
    }
    const done = (): void => {
      for (const k of keys) {
        const set = this.pending.get(k);
        set?.delete(recorded);
        if (set?.size === 0) this.pending.delete(k);
      }
    };
    recorded.then(done, done);
  }

  /** Resolves once the records under way for message `messageId` on `network` (as source or copy) are settled. */
  async settled(network: string, messageId: string): Promise<void> {
    const set = this.pending.get(key(network, messageId));
    if (set === undefined) return;
    await raceDeadline(Promise.allSettled([...set]), WAIT_MS, undefined);
  }

  /** Records under way (a gauge for tests and status). */
  get size(): number {
    return this.pending.size;
  }
}
