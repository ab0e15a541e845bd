/**
 * Bounded splitting (issue 11, finding 5): a huge message becomes at most `maxLines` lines,
 * the truncation note counting the rest exactly when it is small and as an estimate beyond.
 * (How long it takes is measured in bench/, never asserted here.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EXACT_COUNT_BYTES, splitFirstRuns, splitMessage, splitRuns, truncationNote } from '../../src/networks/irc/split.js';
import { richTextToRuns } from '../../src/networks/irc/runs.js';

const KB256 = 256 * 1024;
const graphemeList = (s: string): string[] => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)].map((g) => g.segment);

describe('bounded IRC splitting', () => {
  it('cuts a 256 KB message of one line to maxLines lines, the last an estimated note', () => {
    const parts = splitMessage([{ type: 'text', text: 'word '.repeat(KB256 / 5) }], { maxBytes: 400, maxLines: 5 });
    assert.equal(parts.length, 5);
    assert.match(parts[4] as string, /^… \(about \d+ more lines truncated\)$/);
  });

  it('cuts a 256 KB message of many short lines and one without any space the same way', () => {
    const lines = splitMessage([{ type: 'text', text: 'short line\n'.repeat(KB256 / 11) }], { maxBytes: 400, maxLines: 5 });
    assert.deepEqual(lines, [...Array(4).fill('short line'), truncationNote(Math.floor(KB256 / 11) - 4, true)]);
    const solid = splitMessage([{ type: 'bold', children: [{ type: 'text', text: 'x'.repeat(KB256) }] }], { maxBytes: 400, maxLines: 3 });
    assert.equal(solid.length, 3);
    assert.equal(solid[2], truncationNote(Math.ceil((KB256 - 2 * 399) / 400), true));
  });

  it('renders only the parts asked for and reports how many follow', () => {
    const runs = richTextToRuns([{ type: 'text', text: 'a\nb\nc\nd' }]);
    assert.deepEqual(splitFirstRuns(runs, 100, 2), { parts: ['a', 'b'], hidden: { count: 2, estimated: false } });
    assert.deepEqual(splitFirstRuns(runs, 100, 10), { parts: ['a', 'b', 'c', 'd'], hidden: { count: 0, estimated: false } });
  });

  it('property: graphemes that straddle the segmenter\'s 1024-unit chunks stay whole', () => {
    const PLAIN = { bold: false, italic: false, underline: false, strike: false, mono: false };
    const cluster = fc.constantFrom('👨‍👩‍👧‍👦', 'e\u0301\u0302\u0303', '🏳️‍🌈', '🇫🇷', 'a', '日', '𝕏');
    fc.assert(fc.property(fc.array(cluster, { minLength: 300, maxLength: 900 }), fc.nat({ max: 1023 }), (clusters, pad) => {
      const text = 'x'.repeat(pad) + clusters.join('');
      const parts = splitRuns([{ text, style: PLAIN }], { maxBytes: 64, maxLines: 100_000 });
      assert.deepEqual(parts.flatMap(graphemeList), graphemeList(text));
    }), { numRuns: 25 });
  });

  it('counts exactly up to EXACT_COUNT_BYTES after the kept lines', () => {
    const count = Math.floor(EXACT_COUNT_BYTES / 4);
    const text = Array.from({ length: count + 2 }, () => 'abc').join('\n');
    assert.equal(splitMessage([{ type: 'text', text }], { maxBytes: 100, maxLines: 3 })[2], truncationNote(count, false));
  });
});
