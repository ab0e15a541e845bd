/**
 * What the hub writes to IRC: rich text rendered and split into lines (splitMessage). No line
 * may contain CR, LF or NUL (that would inject commands), none may exceed the byte budget, and
 * the line limit holds.
 */
import fc from 'fast-check';
import { splitMessage, MIN_SPLIT_BYTES } from '../../src/networks/irc/split.js';
import type { RichText } from '../../src/core/richtext.js';
import { richTextArbitrary, chatStringArbitrary } from '../../test/unit/arbitraries.js';
import type { FuzzTarget } from '../harness.js';

/** Throws when any of `lines` contains CR, LF or NUL. */
export function assertNoLineBreaks(lines: readonly string[], what: string): void {
  for (const line of lines) {
    if (/[\r\n\0]/.test(line)) throw new Error(`${what} contains CR, LF or NUL: ${JSON.stringify(line)}`);
  }
}

/** A long body: many pieces of chat text with newlines, as one text node or a tree. */
const longText: fc.Arbitrary<RichText> = fc
  .array(chatStringArbitrary('any'), { minLength: 1, maxLength: 200 })
  .map((pieces) => [{ type: 'text' as const, text: pieces.join('') }]);

export const ircOutput: FuzzTarget<{ body: RichText; maxBytes: number; maxLines: number }> = {
  name: 'irc-split',
  description: 'rich text rendered and split into IRC lines: no CR/LF/NUL, within the byte budget and line limit',
  input: fc.record({
    body: fc.oneof(richTextArbitrary(), longText),
    maxBytes: fc.integer({ min: MIN_SPLIT_BYTES, max: 450 }),
    maxLines: fc.integer({ min: 2, max: 12 }),
  }),
  check({ body, maxBytes, maxLines }) {
    const lines = splitMessage(body, { maxBytes, maxLines });
    assertNoLineBreaks(lines, 'an IRC line');
    if (lines.length > maxLines) throw new Error(`${lines.length} lines, limit ${maxLines}`);
    for (const line of lines) {
      const bytes = Buffer.byteLength(line, 'utf8');
      if (bytes > maxBytes) throw new Error(`a line of ${bytes} bytes, budget ${maxBytes}: ${JSON.stringify(line)}`);
    }
  },
};
