/**
 * Recognises a message the relay itself sent when it comes back (an echo that slipped past the
 * adapter's own filter), without a storage read for every message.
 *
 * Ids the relay sends in this run are remembered in memory (the most recent `capacity` of
 * them: an echo comes back within seconds). Ids sent by an earlier run are only in the message
 * map, so for `lookBackMs` after the start a message unknown in memory is also looked up there
 * (an echo of something sent just before a restart); after that a miss is a miss.
 */
import type { MessageMapStore } from '../../store/message-map.js';

/** How many sent ids are remembered. */
const DEFAULT_CAPACITY = 50_000;
/** How long after the start the message map is asked about ids not seen in this run. */
const DEFAULT_LOOK_BACK_MS = 60_000;

export interface EchoGuardOptions {
  readonly messages: MessageMapStore;
  readonly now?: () => number;
  readonly capacity?: number;
  readonly lookBackMs?: number;
}

export class EchoGuard {
  private readonly sent = new Set<string>();
  private readonly now: () => number;
  private readonly capacity: number;
  private readonly askStorageUntil: number;

  constructor(private readonly options: EchoGuardOptions) {
    this.now = options.now ?? Date.now;
    this.capacity = options.capacity ?? DEFAULT_CAPACITY;
    this.askStorageUntil = this.now() + (options.lookBackMs ?? DEFAULT_LOOK_BACK_MS);
  }

  /** Remembers that the relay sent `messageId` on `network` (call as soon as the send returns its ids). */
  sentBy(network: string, messageId: string): void {
    const key = keyOf(network, messageId);
    this.sent.delete(key);
    this.sent.add(key);
    if (this.sent.size > this.capacity) this.sent.delete(this.sent.values().next().value as string);
  }

  /** true when `messageId` on `network` is a message the relay sent. */
  async isEcho(network: string, messageId: string): Promise<boolean> {
    if (this.sent.has(keyOf(network, messageId))) return true;
    if (this.now() >= this.askStorageUntil) return false;
    return (await this.options.messages.findSource(network, messageId)) !== undefined;
  }
}

function keyOf(network: string, messageId: string): string {
  return `${network}\u0000${messageId}`;
}
