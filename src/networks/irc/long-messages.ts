/**
 * Messages longer than `maxLines` IRC lines: with a `paste` option the full text is uploaded
 * to the paste service and the message becomes its first lines plus `… (full text: <url>)`;
 * without one, or when the upload fails, the rest is replaced by the truncation note
 * (split.ts).
 *
 * Failures are logged once: the first one as a warning, the following ones at debug level
 * until an upload works again (logged once at info). After a failure no upload is tried for
 * `retryAfterMs`, so a dead service does not hold every long message up for `timeoutMs`.
 */
import type { Logger } from '../../core/log.js';
import type { PasteConfig } from './paste-config.js';
import { defaultEgressClient } from '../../net/egress/index.js';
import type { Egress } from '../../core/egress.js';
import { limitLines, pasteNote, withPasteLink, type HiddenParts } from './split.js';

/** How long after a failed upload the next one is tried. */
const PASTE_RETRY_AFTER_MS = 30_000;

/** One message, split for IRC: its first lines, and how many follow them. */
export interface LongMessage {
  /** The first rendered IRC texts of the message (splitFirstRuns: up to `maxLines`). */
  readonly parts: readonly string[];
  /** The parts beyond `parts`, not rendered (absent: none). */
  readonly hidden?: HiddenParts;
  readonly maxLines: number;
  /** Bytes available for one line's text (the paste note must fit). */
  readonly maxBytes: number;
  /** The full text to paste: the plain rendering, without IRC formatting. */
  plainText(): string;
}

export interface LongMessagesOptions {
  /** The network's `paste` option; without it long messages are truncated. */
  readonly paste?: PasteConfig;
  readonly log: Logger;
  /** The hub's HTTP client the upload goes through (default: one with the default egress policy). */
  readonly egress?: Egress;
  /** Uploads a text and returns its URL (default: uploadPaste with `paste`). */
  readonly upload?: (text: string) => Promise<string>;
  readonly now?: () => number;
  readonly retryAfterMs?: number;
}

export class LongMessages {
  private readonly upload: ((text: string) => Promise<string>) | undefined;
  private readonly now: () => number;
  private readonly retryAfterMs: number;
  /** When the last upload failed; undefined while uploads work. */
  private failedAt: number | undefined;

  constructor(private readonly options: LongMessagesOptions) {
    const { paste } = options;
    const egress = options.egress ?? defaultEgressClient();
    // The paste client is loaded with the first upload: a network without `paste` never loads it.
    this.upload = options.upload ?? (paste ? async (text) => (await import('./paste-client.js')).uploadPaste(text, paste, egress) : undefined);
    this.now = options.now ?? Date.now;
    this.retryAfterMs = options.retryAfterMs ?? PASTE_RETRY_AFTER_MS;
  }

  /** true when `fit` would upload this message (it is too long and uploads are on). */
  wouldPaste(message: Pick<LongMessage, 'parts' | 'hidden' | 'maxLines'>): boolean {
    if (!this.upload || message.parts.length + (message.hidden?.count ?? 0) <= Math.max(2, message.maxLines)) return false;
    return this.failedAt === undefined || this.now() - this.failedAt >= this.retryAfterMs;
  }

  /** The lines without an upload: the parts, cut with the truncation note beyond `maxLines`. */
  truncated(message: Pick<LongMessage, 'parts' | 'hidden' | 'maxLines'>): string[] {
    return limitLines(message.parts, message.maxLines, message.hidden);
  }

  /** The lines to send: as they are, the first lines plus a paste link, or truncated. Never rejects. */
  async fit(message: LongMessage): Promise<string[]> {
    if (!this.wouldPaste(message) || !this.upload) return this.truncated(message);
    const text = message.plainText();
    const bytes = Buffer.byteLength(text, 'utf8');
    const maxBytes = this.options.paste?.maxBytes ?? Infinity;
    if (bytes > maxBytes) {
      this.options.log.info({ bytes, maxBytes }, 'message too long for the paste service; truncated');
      return this.truncated(message);
    }
    try {
      const url = await this.upload(text);
      if (Buffer.byteLength(pasteNote(url), 'utf8') > message.maxBytes) throw new Error('the paste URL does not fit on one IRC line');
      this.succeeded();
      return withPasteLink(message.parts, message.maxLines, url);
    } catch (error) {
      this.failed(error instanceof Error ? error.message : String(error));
      return this.truncated(message);
    }
  }

  private succeeded(): void {
    if (this.failedAt === undefined) return;
    this.failedAt = undefined;
    this.options.log.info({ endpoint: this.endpoint() }, 'paste uploads work again');
  }

  private failed(reason: string): void {
    const first = this.failedAt === undefined;
    this.failedAt = this.now();
    const context = { endpoint: this.endpoint(), err: reason, retryAfterMs: this.retryAfterMs };
    if (first) this.options.log.warn(context, 'paste upload failed; long messages are truncated until an upload works again');
    else this.options.log.debug(context, 'paste upload failed again');
  }

  /** The endpoint for log lines: origin and path only (no credentials, no query string). */
  private endpoint(): string | undefined {
    if (!this.options.paste) return undefined;
    const url = new URL(this.options.paste.url);
    return `${url.origin}${url.pathname}`;
  }
}
