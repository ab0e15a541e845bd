/**
 * Coalesces the stanzas written in one turn of the event loop into one socket write: a burst of
 * room messages (one stanza per message and resource) costs one write and one promise per turn
 * instead of one each, and the server reads them in one go. Order is kept: stanzas leave in the
 * order given, and {@link WriteBatch.flush} writes what waits before anything is written past the
 * batch (an IQ request, the stream's close).
 */

/** Most characters waiting before they are written at once (a turn that writes more is split). */
const MAX_WAITING_CHARS = 256 * 1024;

export class WriteBatch {
  #waiting: string[] = [];
  #chars = 0;
  #scheduled = false;

  /** `write` takes the serialized stanzas of one batch, joined (it must not throw). */
  constructor(private readonly write: (text: string) => void) {}

  /** Queues one serialized stanza; written at the end of this turn (at once past MAX_WAITING_CHARS). */
  add(text: string): void {
    this.#waiting.push(text);
    this.#chars += text.length;
    if (this.#chars >= MAX_WAITING_CHARS) return this.flush();
    if (this.#scheduled) return;
    this.#scheduled = true;
    process.nextTick(() => this.flush());
  }

  /** Writes what waits now (nothing when nothing waits). */
  flush(): void {
    this.#scheduled = false;
    if (this.#waiting.length === 0) return;
    const text = this.#waiting.length === 1 ? this.#waiting[0]! : this.#waiting.join('');
    this.#waiting = [];
    this.#chars = 0;
    this.write(text);
  }
}
