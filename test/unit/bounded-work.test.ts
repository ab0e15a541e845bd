/**
 * Work per message stays in proportion to its size (issue 11, finding 5): quotes read only the
 * start of a message, and XEP-0393 parsing of a line full of openers without closers is linear.
 * These check the results on large and random inputs; the time is measured in bench/.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { quoteStart, QUOTE_LENGTH } from '../../src/features/relay/jobs.js';
import { parseStyling } from '../../src/networks/xmpp/styling-parse.js';
import { renderStyling } from '../../src/networks/xmpp/styling-render.js';

/** The quote as first specified: every whitespace run collapsed, trimmed, cut by code points. */
function referenceQuote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length <= QUOTE_LENGTH ? flat : `${chars.slice(0, QUOTE_LENGTH).join('')}…`;
}

describe('bounded work per message', () => {
  it('property: quoteStart reads the start only and gives the same quote as collapsing the whole text', () => {
    const text = fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.constantFrom(' ', '\n', '\t', '\u00a0', '  \n ')), { maxLength: 12 }).map((p) => p.join(''));
    fc.assert(fc.property(text, (t) => assert.equal(quoteStart(t), referenceQuote(t))));
    assert.equal(quoteStart(`  ${'word '.repeat(60_000)}`), `${'word '.repeat(QUOTE_LENGTH / 5)}…`);
  });

  it('parses a 256 KB line of openers without closers, keeping every character', () => {
    const line = '_a *b ~c `d '.repeat(256 * 1024 / 12);
    const parsed = parseStyling(line);
    assert.deepEqual(parsed, [{ type: 'text', text: line }]);
    assert.equal(renderStyling(parsed), line);
  });
});
