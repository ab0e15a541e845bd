/* eslint-disable no-control-regex -- control characters are the subject of these tests */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ircPlainText, ircToStyling } from '../../src/gateway/irc/styling.js';
import { privmsgLines } from '../../src/gateway/irc/text-lines.js';
import { parseIrcRuns } from '../../src/networks/irc/format-parse.js';
import { parseStyling } from '../../src/networks/xmpp/styling-parse.js';
import { plainText } from '../../src/networks/xmpp/styling-render.js';
import type { RichNode } from '../../src/core/richtext.js';

/** Control characters the XEP-0393 output may never hold (a tab is text). */
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;
const CODES = ['\x02', '\x1d', '\x1f', '\x1e', '\x11', '\x16', '\x0f', '\x03', '\x034', '\x034,12', '\x04', '\x04ff0000', '\x01', '\x00'];
const ircText = fc.array(fc.oneof(
  fc.constantFrom(...CODES),
  fc.constantFrom(' ', 'a', 'bc', 'é', '👍🏽', '*', '_', '~', '`', '\t', '12'),
  fc.string({ maxLength: 6 }),
), { maxLength: 40 }).map((pieces) => pieces.join(''));

void describe('IRC formatting → XEP-0393 (gateway)', () => {
  void it('turns bold, italics, strikethrough and monospace into spans and drops the rest', () => {
    assert.equal(ircToStyling('\x02bold\x02 and \x1ditalic\x1d'), '*bold* and _italic_');
    assert.equal(ircToStyling('a \x1estruck\x0f b \x11code\x11'), 'a ~struck~ b `code`');
    assert.equal(ircToStyling('\x034,12red\x03 \x1funder\x1f \x16rev\x16 \x04ff0000hex\x04'), 'red under rev hex');
    assert.equal(ircToStyling('\x02\x1dboth\x0f'), '*_both_*');
  });

  void it('keeps whitespace outside the spans and drops blank ones', () => {
    assert.equal(ircToStyling('say\x02 loud \x02now'), 'say *loud* now');
    assert.equal(ircToStyling('a\x02   \x02b'), 'a   b');
  });

  void it('drops a span a client would not parse rather than emit broken markup', () => {
    assert.equal(ircToStyling('un\x02bold\x02ed'), 'unbolded');
    assert.equal(ircToStyling('\x022*3\x02 is six'), '2*3 is six');
    assert.equal(ircToStyling('\x11\x02x\x02\x11'), '`x`', 'no bold inside a code span');
  });

  void it('nests overlapping spans, word by word where they cannot nest whole, or drops what cannot be written', () => {
    assert.equal(ircToStyling('\x02bold \x1dboth\x02 italic\x1d'), '*bold _both_* _italic_');
    assert.equal(ircToStyling('\x02two words\x1d and\x02 more\x1d'), '*two words _and_* _more_');
    assert.equal(ircToStyling('\x02bold\x02\x1ditalic\x1d'), '*bold*italic', 'an opener right after a closer is not one');
  });

  void it('a client shows no style IRC did not give (property)', () => {
    const styleOf = (node: RichNode): string => (node.type === 'bold' ? 'b' : node.type === 'italic' ? 'i' : node.type === 'strike' ? 's' : node.type === 'code' ? 'm' : '');
    fc.assert(fc.property(ircText, (text) => {
      const runs = parseIrcRuns(text);
      if (runs.some((r) => /[*_~`]/.test(r.text))) return;
      const intended: string[] = [];
      for (const run of runs) for (const _ of run.text) intended.push(run.style.mono ? 'm' : `${run.style.bold ? 'b' : ''}${run.style.italic ? 'i' : ''}${run.style.strike ? 's' : ''}`);
      const shown: string[] = [];
      const walk = (nodes: readonly RichNode[], styles: string): void => {
        for (const node of nodes) {
          const here = styles + styleOf(node);
          if (node.type === 'text' || node.type === 'code') for (const _ of node.text) shown.push(here);
          else if ('children' in node) walk(node.children, here);
        }
      };
      walk(parseStyling(ircToStyling(text)), '');
      assert.equal(shown.length, intended.length);
      shown.forEach((styles, i) => {
        for (const style of styles) assert.ok((intended[i] as string).includes(style), `${JSON.stringify(text)}: ${style} at ${i}`);
      });
    }), { numRuns: 2000 });
  });

  void it('plain text without codes comes out byte for byte (markup-like text included)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }).filter((s) => !CONTROL.test(s)), (text) => {
      assert.equal(ircToStyling(text), text);
    }));
    assert.equal(ircToStyling('*not mine* _x_ 2*3'), '*not mine* _x_ 2*3');
  });

  void it('never a control character in the output; the text is kept and every directive is consumed', () => {
    fc.assert(fc.property(ircText, (text) => {
      const out = ircToStyling(text);
      assert.ok(!CONTROL.test(out), JSON.stringify(out));
      const stripped = parseIrcRuns(text).map((r) => r.text).join('');
      // Text with no directive characters of its own: what a client shows is exactly that text.
      if (!/[*_~`]/.test(stripped)) assert.equal(plainText(parseStyling(out)), stripped, JSON.stringify(text));
    }), { numRuns: 2000 });
  });

  void it('bounded: a line full of toggles is handled in linear-ish time and stays readable', () => {
    const text = 'w \x02x\x02 '.repeat(2000);
    const out = ircToStyling(text);
    assert.equal(out.replace(/\*/g, ''), 'w x '.repeat(2000));
  });
});

void describe('XMPP text → IRC lines (gateway)', () => {
  const to = { nick: 'sam', user: '~sam', host: 'localhost', target: '#lobby', action: false, maxLines: 10 };
  const wire = (line: string): number => Buffer.byteLength(`:sam!~sam@localhost ${line}\r\n`);

  void it('one line per line, empty lines skipped', () => {
    assert.deepEqual(privmsgLines('one\n\ntwo\r\nthree', to), ['PRIVMSG #lobby :one', 'PRIVMSG #lobby :two', 'PRIVMSG #lobby :three']);
  });

  void it('cuts long lines at word boundaries within 512 bytes with the real prefix', () => {
    const words = Array.from({ length: 200 }, (_, i) => `w${String(i).padStart(4, '0')}`).join(' ');
    const lines = privmsgLines(words, to);
    assert.ok(lines.length > 1);
    for (const line of lines) {
      assert.ok(wire(line) <= 512, `${wire(line)}`);
      assert.ok(line.slice('PRIVMSG #lobby :'.length).split(' ').every((w) => /^w\d{4}$/.test(w)), line);
    }
    assert.equal(lines.map((l) => l.slice('PRIVMSG #lobby :'.length)).join(' '), words);
    assert.ok(wire(lines[0] as string) > 480, 'the lines are filled up to the budget');
  });

  void it('uses the server LINELEN and assumes the longest user@host while unknown', () => {
    const long = 'x '.repeat(2000);
    const wide = privmsgLines(long, { ...to, lineLength: 1024 });
    assert.ok(Buffer.byteLength(wide[0] as string) > 900);
    const unknown = privmsgLines(long, { ...to, user: undefined, host: undefined });
    for (const line of unknown) assert.ok(Buffer.byteLength(`:sam!${'u'.repeat(11)}@${'h'.repeat(63)} ${line}\r\n`) <= 512);
  });

  void it('never cuts a grapheme or a UTF-8 sequence; a word longer than a line is cut between graphemes', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom('👍🏽', 'é', 'e\u0301', '🇫🇷', 'a', ' ', '字'), { minLength: 1, maxLength: 600 }), (pieces) => {
      const text = pieces.join('');
      const lines = privmsgLines(text, { ...to, maxLines: 1000 });
      const seg = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
      const graphemes = new Set([...seg.segment(text)].map((s) => s.segment));
      for (const line of lines) {
        assert.ok(wire(line) <= 512);
        const body = line.slice('PRIVMSG #lobby :'.length);
        assert.ok(!body.includes('\uFFFD'));
        for (const { segment } of seg.segment(body)) assert.ok(graphemes.has(segment), `cut grapheme ${JSON.stringify(segment)}`);
      }
    }), { numRuns: 300 });
  });

  void it('keeps /me on every piece, within the budget', () => {
    const lines = privmsgLines('waves '.repeat(200), { ...to, action: true });
    assert.ok(lines.length > 1);
    for (const line of lines) {
      assert.match(line, /^PRIVMSG #lobby :\x01ACTION \S.*\x01$/);
      assert.ok(wire(line) <= 512);
    }
  });

  void it('a 10,000-line message becomes maxLines lines, the last a truncation note', () => {
    const lines = privmsgLines(Array.from({ length: 10_000 }, (_, i) => `line ${i}`).join('\n'), to);
    assert.equal(lines.length, 10);
    assert.equal(lines[8], 'PRIVMSG #lobby :line 8');
    assert.match(lines[9] as string, /^PRIVMSG #lobby :… \((about )?9991 more lines truncated\)$/);
    assert.deepEqual(privmsgLines('a\nb\nc', { ...to, maxLines: 2 }), ['PRIVMSG #lobby :a', 'PRIVMSG #lobby :… (2 more lines truncated)']);
  });

  void it('XEP-0393 styling becomes IRC formatting; text that is no markup stays as typed', () => {
    assert.deepEqual(privmsgLines('*bold* _it_ ~no~ `code`', to), ['PRIVMSG #lobby :\x02bold\x02 \x1dit\x1d \x1eno\x1e \x11code'], 'a style open at the end is not closed (IRC ends it with the line)');
    assert.deepEqual(privmsgLines('2*3*4 snake_case_name', to), ['PRIVMSG #lobby :2*3*4 snake_case_name']);
  });

  void it('no CR, LF or NUL ever reaches the wire', () => {
    fc.assert(fc.property(fc.string({ maxLength: 3000 }), fc.boolean(), (text, action) => {
      for (const line of privmsgLines(text, { ...to, action })) {
        assert.ok(!/[\r\n\0]/.test(line));
        assert.ok(wire(line) <= 512);
      }
    }), { numRuns: 300 });
  });
});

void describe('IRC topic text (gateway)', () => {
  void it('drops the formatting, colour numbers included', () => {
    assert.equal(ircPlainText('\x02Welcome\x02 to \x0304,12#lobby\x03 \x1d:)'), 'Welcome to #lobby :)');
  });
});
