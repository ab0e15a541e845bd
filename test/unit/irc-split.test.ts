/* eslint-disable no-control-regex -- control characters are the subject of these tests */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { messageBudget, splitByGraphemes, splitLine, splitMessage, splitRuns, truncationNote } from '../../src/networks/irc/split.js';
import { parseIrcRuns } from '../../src/networks/irc/format-parse.js';
import { mergeRuns, richTextToRuns, type StyledRun } from '../../src/networks/irc/runs.js';
import { richTextArbitrary } from './arbitraries.js';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Runs with all whitespace removed and merged: splitting may drop one space per break. */
function withoutSpace(runs: readonly StyledRun[]): StyledRun[] {
  return mergeRuns(runs.map((run) => ({ ...run, text: run.text.replace(/\s/gu, '') })));
}

/**
 * true when the parts put back together give `text`: each part follows the previous one
 * directly or after exactly one dropped whitespace character (also after the last part).
 */
function reassembles(parts: readonly string[], text: string): boolean {
  let rest = text;
  for (const part of parts) {
    if (rest.startsWith(part)) rest = rest.slice(part.length);
    else if (/^\s/u.test(rest) && rest.slice([...rest][0]?.length ?? 1).startsWith(part)) rest = rest.slice(([...rest][0]?.length ?? 1) + part.length);
    else return false;
  }
  return rest === '' || /^\s$/u.test(rest);
}

const graphemeList = (s: string): string[] => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)].map((g) => g.segment);

describe('IRC line budget', () => {
  it('subtracts the prefix the server adds, CRLF and the ACTION wrapper', () => {
    const prefix = ':bot!~bot@host.example PRIVMSG #chan :';
    assert.equal(
      messageBudget({ nick: 'bot', user: '~bot', host: 'host.example', command: 'PRIVMSG', target: '#chan' }),
      512 - bytes(prefix) - 2,
    );
    assert.equal(
      messageBudget({ nick: 'bot', user: '~bot', host: 'host.example', command: 'PRIVMSG', target: '#chan', action: true }),
      512 - bytes(prefix) - 2 - 9,
    );
  });

  it('assumes a 63-byte host and an 11-byte user while they are unknown, and honours LINELEN', () => {
    const known = messageBudget({ nick: 'bot', user: '~'.padEnd(11, 'u'), host: 'h'.repeat(63), command: 'NOTICE', target: 'x' });
    assert.equal(messageBudget({ nick: 'bot', command: 'NOTICE', target: 'x' }), known);
    assert.equal(messageBudget({ lineLength: 1024, nick: 'bot', command: 'NOTICE', target: 'x' }), known + 512);
  });
});

describe('IRC line splitting', () => {
  it('keeps short messages whole and renders their formatting', () => {
    assert.deepEqual(splitMessage([{ type: 'bold', children: [{ type: 'text', text: 'hi' }] }], { maxBytes: 100, maxLines: 5 }), ['\x02hi']);
  });

  it('prefers word boundaries and drops the space at the break', () => {
    const text = 'lorem ipsum dolor sit amet consectetur adipiscing elit';
    assert.deepEqual(splitMessage([{ type: 'text', text }], { maxBytes: 40, maxLines: 5 }), ['lorem ipsum dolor sit amet consectetur', 'adipiscing elit']);
    assert.deepEqual(splitMessage([{ type: 'text', text: `${'a'.repeat(40)} b` }], { maxBytes: 40, maxLines: 5 }), ['a'.repeat(40), 'b']);
  });

  it('cuts inside a word when there is no whitespace in the second half of a part', () => {
    const parts = splitMessage([{ type: 'text', text: 'x' + 'y'.repeat(80) }], { maxBytes: 40, maxLines: 5 });
    assert.deepEqual(parts.map(bytes), [40, 40, 1]);
  });

  it('carries formatting over to every part', () => {
    const parts = splitMessage([{ type: 'bold', children: [{ type: 'text', text: 'a'.repeat(70) }] }], { maxBytes: 40, maxLines: 5 });
    assert.deepEqual(parts, ['\x02' + 'a'.repeat(39), '\x02' + 'a'.repeat(31)]);
  });

  it('never splits a multi-byte character or an emoji sequence', () => {
    const family = '👨‍👩‍👧‍👦';
    const parts = splitMessage([{ type: 'text', text: family.repeat(5) }], { maxBytes: 60, maxLines: 10 });
    assert.deepEqual(parts, [family.repeat(2), family.repeat(2), family]);
  });

  it('turns line breaks into separate lines and skips empty ones', () => {
    assert.deepEqual(splitMessage([{ type: 'text', text: 'one\r\n\ntwo\rthree' }], { maxBytes: 100, maxLines: 5 }), ['one', 'two', 'three']);
  });

  it('replaces lines beyond maxLines with a note', () => {
    const text = Array.from({ length: 9 }, (_, i) => `line ${i}`).join('\n');
    assert.deepEqual(splitMessage([{ type: 'text', text }], { maxBytes: 100, maxLines: 5 }), [
      'line 0', 'line 1', 'line 2', 'line 3', truncationNote(5),
    ]);
    assert.equal(truncationNote(1), '… (1 more line truncated)');
  });

  it('refuses a budget too small to hold a character', () => {
    assert.throws(() => splitMessage([{ type: 'text', text: 'x' }], { maxBytes: 5, maxLines: 5 }), /below/);
  });

  it('property: every line fits, is clean, and the parts add up to the message with its formatting', () => {
    fc.assert(
      fc.property(richTextArbitrary({ maxNodes: 6 }), fc.integer({ min: 32, max: 200 }), (text, maxBytes) => {
        const parts = splitMessage(text, { maxBytes, maxLines: 10_000 });
        for (const part of parts) {
          assert.ok(bytes(part) <= maxBytes, `${bytes(part)} > ${maxBytes}: ${JSON.stringify(part)}`);
          assert.doesNotMatch(part, /[\r\n\0\x01]/);
          assert.equal(Buffer.from(part, 'utf8').toString('utf8'), part, 'no broken surrogate pair');
        }
        const parsed = parts.map((part) => parseIrcRuns(part));
        assert.deepEqual(withoutSpace(parsed.flat()), withoutSpace(richTextToRuns(text)));
        const lines = richTextToRuns(text).map((r) => r.text).join('').split('\n').filter((l) => l !== '').join('');
        assert.ok(reassembles(parsed.map((runs) => runs.map((r) => r.text).join('')), lines), 'parts reassemble to the text');
      }),
      { numRuns: 400 },
    );
  });

  it('property: graphemes are never split when each fits the budget', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }).filter((s) => !/[\x00-\x1f\x7f\s]/u.test(s)), (text) => {
        const parts = splitRuns([{ text, style: { bold: false, italic: false, underline: false, strike: false, mono: false } }], { maxBytes: 64, maxLines: 1000 });
        assert.deepEqual(parts.flatMap(graphemeList), graphemeList(text));
      }),
    );
  });

  it('property: at most maxLines lines, the last one a note when something was cut', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 90, unit: 'grapheme-ascii' }).filter((s) => s.trim() !== ''), { maxLength: 12 }), fc.integer({ min: 2, max: 8 }), (lines, maxLines) => {
        const clean = lines.map((l) => l.replace(/[\x00-\x1f\x7f]/g, 'x'));
        const parts = splitMessage([{ type: 'text', text: clean.join('\n') }], { maxBytes: 40, maxLines });
        const all = splitMessage([{ type: 'text', text: clean.join('\n') }], { maxBytes: 40, maxLines: 10_000 });
        assert.ok(parts.length <= maxLines);
        if (all.length > maxLines) {
          assert.deepEqual(parts.slice(0, -1), all.slice(0, maxLines - 1));
          assert.equal(parts[parts.length - 1], truncationNote(all.length - maxLines + 1));
        } else assert.deepEqual(parts, all);
      }),
    );
  });

  it('a line that fits is one part, the same as the grapheme-by-grapheme split makes of it', () => {
    fc.assert(
      fc.property(richTextArbitrary({ maxNodes: 6 }), fc.integer({ min: 32, max: 600 }), (text, maxBytes) => {
        const runs = richTextToRuns(text).map((run) => ({ ...run, text: run.text.replace(/\n/gu, ' ') }));
        assert.deepEqual([...splitLine(runs, maxBytes)], [...splitByGraphemes(runs, maxBytes)]);
      }),
      { numRuns: 500 },
    );
  });
});
