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
  /**
   * Records under way, by source message and by the id of each copy: the one promise (nearly
   * always one per key), or a set of them when there are several.
   */
  private readonly pending = new Map<string, Promise<unknown> | Set<Promise<unknown>>>();

  /**
   * Notes that the copies `copyIds` on `network` of the source message `source` are recorded
   * when `recorded` settles (either way).
   */
  add(source: { readonly network: string; readonly messageId: string }, network: string, copyIds: readonly string[], recorded: Promise<unknown>): void {
    const keys: string[] = [key(source.network, source.messageId)];
    for (const id of copyIds) keys.push(key(network, id));
    for (const k of keys) this.note(k, recorded);
    const done = (): void => {
      for (const k of keys) this.forget(k, recorded);
    };
    recorded.then(done, done);
  }

  /** Resolves once the records under way for message `messageId` on `network` (as source or copy) are settled. */
  async settled(network: string, messageId: string): Promise<void> {
    const under = this.pending.get(key(network, messageId));
    if (under === undefined) return;
    await raceDeadline(Promise.allSettled(under instanceof Set ? [...under] : [under]), WAIT_MS, undefined);
  }

  /** Records under way (a gauge for tests and status). */
  get size(): number {
    return this.pending.size;
  }

  private note(k: string, recorded: Promise<unknown>): void {
    const under = this.pending.get(k);
    if (under === undefined) this.pending.set(k, recorded);
    else if (under instanceof Set) under.add(recorded);
    else if (under !== recorded) this.pending.set(k, new Set([under, recorded]));
  }

  private forget(k: string, recorded: Promise<unknown>): void {
    const under = this.pending.get(k);
    if (under === recorded) {
      this.pending.delete(k);
    } else if (under instanceof Set) {
      under.delete(recorded);
      if (under.size === 0) this.pending.delete(k);
    }
  }
}
