/**
 * Which person's puppet sent which of the hub's messages in a room, so that a retraction
 * (XEP-0424) goes out from the occupant that said the message: clients accept a retraction only
 * from the message's sender. In memory and bounded (the least recently used are forgotten): a
 * message older than that, or from before a restart, is retracted by the bot.
 */
import { LRUCache } from 'lru-cache';

/** Messages remembered. */
const DEFAULT_LIMIT = 40_000;

export class PuppetMessages {
  private readonly senders: LRUCache<string, string>;

  constructor(limit = DEFAULT_LIMIT) {
    this.senders = new LRUCache({ max: limit });
  }

  /** The messages `ids` in `room` were sent by the puppet whose full JID is `jid` (it stays across nick changes). */
  sent(room: string, ids: readonly string[], jid: string): void {
    for (const id of ids) this.senders.set(`${room}\u0000${id}`, jid);
  }

  /** The full JID of the puppet that sent `id` in `room`, if known. */
  senderOf(room: string, id: string): string | undefined {
    return this.senders.get(`${room}\u0000${id}`);
  }
}
