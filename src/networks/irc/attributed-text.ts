/**
 * The text of one outgoing message, ready to cut into IRC lines: the attribution (who it is
 * from, such as `<alice@irc> `) rendered once as the start of every line, and the body split in
 * the room that leaves (split.ts), only as far as the line limit needs.
 */
import type { RichText } from '../../core/richtext.js';
import { renderLineStart } from './format-render.js';
import { richTextToRuns, type RunOptions } from './runs.js';
import { MIN_SPLIT_BYTES, splitFirstRuns, type HiddenParts } from './split.js';

/** What goes out in one message: who it is from (repeated on every line) and the text. */
export interface Content {
  readonly attribution: RichText;
  readonly body: RichText;
}

export interface AttributedText {
  /** The rendered attribution, in plain style at its end; every line starts with it. */
  readonly lineStart: string;
  /** The first rendered texts of the body (at most `maxLines`), without the line start; one empty text for an empty body. */
  readonly parts: string[];
  /** The parts beyond `parts`. */
  readonly hidden: HiddenParts;
  /** Bytes each part may take: the line's budget less the line start. */
  readonly maxBytes: number;
}

/**
 * Renders `content` for lines of `lineBudget` bytes of text (messageBudget), at most
 * `maxLines` parts. Throws when the attribution leaves less than MIN_SPLIT_BYTES for the text.
 */
export function attributedText(content: Content, lineBudget: number, maxLines: number, options: RunOptions): AttributedText {
  const lineStart = renderLineStart(content.attribution, options);
  const maxBytes = lineBudget - Buffer.byteLength(lineStart, 'utf8');
  if (maxBytes < MIN_SPLIT_BYTES) throw new Error(`the identity prefix leaves only ${maxBytes} bytes for text on an IRC line`);
  const { parts, hidden } = splitFirstRuns(richTextToRuns(content.body, options), maxBytes, maxLines);
  // An empty body still shows who sent it (as it did when the identity was part of the body).
  if (parts.length === 0 && lineStart !== '') parts.push('');
  return { lineStart, parts, hidden, maxBytes };
}
