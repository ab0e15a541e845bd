/* eslint-disable no-control-regex -- control characters are the subject of these tests */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { RichText } from '../../src/core/richtext.js';
import { parseIrcFormatting, parseIrcRuns, parseIrcRunsByChar } from '../../src/networks/irc/format-parse.js';
import { renderIrcLine } from '../../src/networks/irc/format-render.js';
import { ircNormalForm, PLAIN_STYLE, runsToRichText } from '../../src/networks/irc/runs.js';
import { MIRC_PALETTE, mircCodeToHex, nearestMircCode } from '../../src/networks/irc/colours.js';
import { richTextArbitrary } from './arbitraries.js';

/** Random IRC text: printable characters mixed with every formatting code and digit/comma runs. */
const ircTextArbitrary = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 4 }),
      fc.constantFrom('\x02', '\x1d', '\x1f', '\x1e', '\x11', '\x16', '\x0f', '\x03', '\x04', '\x01', '\x07'),
      fc.constantFrom('\x0304', '\x0312,01', '\x035', '\x0399,99', '\x04ff8800', '\x04ff8800,00ff00', ',', '1', '42', ',7'),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

describe('mIRC formatting: parse', () => {
  it('parses bold, italic, underline, strike and monospace toggles', () => {
    assert.deepEqual(parseIrcFormatting('a\x02b\x1dc\x02d\x0f e\x1fu\x1f\x1es\x1e\x11m\x11'), [
      { type: 'text', text: 'a' },
      { type: 'bold', children: [{ type: 'text', text: 'b' }, { type: 'italic', children: [{ type: 'text', text: 'c' }] }] },
      { type: 'italic', children: [{ type: 'text', text: 'd' }] },
      { type: 'text', text: ' e' },
      { type: 'underline', children: [{ type: 'text', text: 'u' }] },
      { type: 'strike', children: [{ type: 'text', text: 's' }] },
      { type: 'code', text: 'm' },
    ]);
  });

  it('parses colours with foreground, background, default (99) and a bare reset', () => {
    assert.deepEqual(parseIrcFormatting('\x034red\x03plain \x0312,01blue on black\x0399,99x'), [
      { type: 'colour', fg: '#ff0000', children: [{ type: 'text', text: 'red' }] },
      { type: 'text', text: 'plain ' },
      { type: 'colour', fg: '#0000fc', bg: '#000000', children: [{ type: 'text', text: 'blue on black' }] },
      { type: 'text', text: 'x' },
    ]);
  });

  it('takes at most two digits for a colour code and keeps a comma without digits as text', () => {
    assert.deepEqual(parseIrcFormatting('\x031234,x'), [
      { type: 'colour', fg: '#0000fc', children: [{ type: 'text', text: '34,x' }] },
    ]);
  });

  it('swaps colours for reverse video and drops unknown control characters', () => {
    assert.deepEqual(parseIrcFormatting('\x16rev\x16 \x07bell'), [
      { type: 'colour', fg: '#ffffff', bg: '#000000', children: [{ type: 'text', text: 'rev' }] },
      { type: 'text', text: ' bell' },
    ]);
  });

  it('snaps hex colours (^D) to the palette', () => {
    assert.deepEqual(parseIrcFormatting('\x04fe0101x'), [{ type: 'colour', fg: '#ff0000', children: [{ type: 'text', text: 'x' }] }]);
  });

  it('property: text without control characters takes the shortcut and gives what the full parse gives', () => {
    fc.assert(
      fc.property(fc.oneof(ircTextArbitrary, fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary', maxLength: 20 })), (line) => {
        assert.deepEqual(parseIrcRuns(line), parseIrcRunsByChar(line));
      }),
      { numRuns: 1000 },
    );
    assert.deepEqual(parseIrcFormatting('plain words'), [{ type: 'text', text: 'plain words' }]);
    assert.deepEqual(parseIrcFormatting(''), []);
    // One plain run, split or not, is one text node (the grouping's shortcut).
    assert.deepEqual(runsToRichText([{ text: 'a', style: PLAIN_STYLE }, { text: 'b', style: PLAIN_STYLE }]), [{ type: 'text', text: 'ab' }]);
    assert.deepEqual(runsToRichText([{ text: 'a', style: { ...PLAIN_STYLE, mono: true } }]), [{ type: 'code', text: 'a' }]);
  });

  it('is stable: rendering what was parsed parses to the same tree', () => {
    fc.assert(
      fc.property(ircTextArbitrary, (line) => {
        const parsed = parseIrcFormatting(line);
        assert.deepEqual(parseIrcFormatting(renderIrcLine(parsed)), parsed);
      }),
      { numRuns: 500 },
    );
  });
});

describe('mIRC formatting: render', () => {
  it('renders nested styles and colours with two-digit codes', () => {
    const text: RichText = [
      { type: 'bold', children: [{ type: 'text', text: 'hi ' }, { type: 'italic', children: [{ type: 'text', text: 'there' }] }] },
      { type: 'text', text: ' ' },
      { type: 'colour', fg: '#ff0000', children: [{ type: 'text', text: '5 apples' }] },
      { type: 'text', text: '!' },
    ];
    assert.equal(renderIrcLine(text), '\x02hi \x1dthere\x02\x1d \x03045 apples\x0f!');
  });

  it('keeps ",digit" after a foreground colour from becoming a background', () => {
    const text: RichText = [{ type: 'colour', fg: '#ff0000', children: [{ type: 'text', text: ',5' }] }];
    const line = renderIrcLine(text);
    assert.deepEqual(parseIrcFormatting(line), text);
  });

  it('lowers links, mentions, code, pre and spoilers to what IRC shows', () => {
    const text: RichText = [
      { type: 'link', url: 'https://a.example/', children: [{ type: 'text', text: 'site' }] },
      { type: 'text', text: ' ' },
      { type: 'link', url: 'https://b.example/', children: [] },
      { type: 'text', text: ' ' },
      { type: 'mention', user: { network: 'x', id: 'bob' }, text: 'bob' },
      { type: 'code', text: 'x=1' },
      { type: 'spoiler', children: [{ type: 'text', text: 'secret' }] },
    ];
    assert.equal(renderIrcLine(text), 'site (https://a.example/) https://b.example/ bob\x11x=1\x11\x0301,01secret');
  });

  it('never emits CR, LF, NUL or the CTCP delimiter', () => {
    fc.assert(
      fc.property(richTextArbitrary(), (text) => {
        assert.doesNotMatch(renderIrcLine(text), /[\r\n\0\x01]/);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips: parse(render(x)) is the IRC normal form of x', () => {
    fc.assert(
      fc.property(richTextArbitrary(), (text) => {
        assert.deepEqual(parseIrcFormatting(renderIrcLine(text)), ircNormalForm(text));
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips text without formatting unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }).filter((s) => !/[\x00-\x1f\x7f]/.test(s) && s !== ''), (s) => {
        assert.equal(renderIrcLine([{ type: 'text', text: s }]), s);
        assert.deepEqual(parseIrcFormatting(s), [{ type: 'text', text: s }]);
      }),
    );
  });
});

describe('mIRC colours', () => {
  it('maps every palette colour to itself and back', () => {
    MIRC_PALETTE.forEach((hex, code) => {
      const nearest = nearestMircCode(hex);
      assert.ok(nearest !== undefined && nearest <= code, `code ${code}`);
      assert.equal(mircCodeToHex(nearest), hex);
    });
  });

  it('maps an arbitrary colour to the palette entry at the smallest distance', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffff }), (n) => {
        const hex = `#${n.toString(16).padStart(6, '0')}`;
        const code = nearestMircCode(hex) as number;
        const dist = (h: string): number => {
          const a = Number.parseInt(h.slice(1), 16);
          return ((a >> 16) - (n >> 16)) ** 2 + (((a >> 8) & 255) - ((n >> 8) & 255)) ** 2 + ((a & 255) - (n & 255)) ** 2;
        };
        const best = Math.min(...MIRC_PALETTE.map(dist));
        assert.equal(dist(MIRC_PALETTE[code] as string), best);
      }),
    );
  });

  it('rejects malformed colours', () => {
    assert.equal(nearestMircCode('red'), undefined);
    assert.equal(nearestMircCode('#12345'), undefined);
    assert.equal(mircCodeToHex(99), undefined);
  });
});
