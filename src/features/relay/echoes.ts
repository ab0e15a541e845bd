/**
 * Recognises a message the relay itself sent when it comes back (an echo that slipped past the
 * adapter's own filter), without a storage read per message.
 *
 * Ids the relay sends are remembered in memory (the most recent `capacity` of them: an echo
 * comes back within seconds). `load()` adds the ids an earlier run recorded in its last
 * `lookBackMs`, so that echoes of what it sent just before a restart are recognised too.
 */
import type { MessageMapStore } from '../../store/message-map.js';

/** How many sent ids are remembered. */
const DEFAULT_CAPACITY = 50_000;
/** How far back `load()` reaches. */
const DEFAULT_LOOK_BACK_MS = 5 * 60_000;

export interface EchoGuardOptions {
  readonly messages: MessageMapStore;
  readonly capacity?: number;
  readonly lookBackMs?: number;
}

export class EchoGuard {
  private readonly sent = new Set<string>();
  private readonly capacity: number;

  constructor(private readonly options: EchoGuardOptions) {
    this.capacity = options.capacity ?? DEFAULT_CAPACITY;
  }

  /** Remembers what was sent in the last `lookBackMs` (by an earlier run); call once at start. */
  async load(): Promise<void> {
    for (const { network, messageId } of await this.options.messages.sentWithin(this.options.lookBackMs ?? DEFAULT_LOOK_BACK_MS)) {
      this.sentBy(network, messageId);
    }
  }

  /** Remembers that the relay sent `messageId` on `network` (call as soon as the send returns its ids). */
  sentBy(network: string, messageId: string): void {
    const key = keyOf(network, messageId);
    this.sent.delete(key);
    this.sent.add(key);
    if (this.sent.size > this.capacity) this.sent.delete(this.sent.values().next().value as string);
  }

  /** true when `messageId` on `network` is a message the relay sent. */
  isEcho(network: string, messageId: string): boolean {
    return this.sent.has(keyOf(network, messageId));
  }
}

function keyOf(network: string, messageId: string): string {
  return `${network}\u0000${messageId}`;
}
