import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildLine, isMiddleParam, parseLinkLine } from '../../src/networks/irc-link/line.js';

describe('server link lines', () => {
  it('parses prefix, command and parameters (a nick!user@host prefix is cut to the nick)', () => {
    assert.deepEqual(parseLinkLine(':irc.ngircd.test NICK alice 1 ~alice 127.0.0.1 1 + :Alice A'), {
      source: 'irc.ngircd.test', command: 'NICK', params: ['alice', '1', '~alice', '127.0.0.1', '1', '+', 'Alice A'],
    });
    assert.deepEqual(parseLinkLine('@time=x :bob!b@h privmsg #c :hi'), { source: 'bob', command: 'PRIVMSG', params: ['#c', 'hi'] });
    assert.deepEqual(parseLinkLine('PING :irc.ngircd.test'), { source: '', command: 'PING', params: ['irc.ngircd.test'] });
    assert.deepEqual(parseLinkLine(':s 005 me A=1 B :are supported'), { source: 's', command: '005', params: ['me', 'A=1', 'B', 'are supported'] });
  });

  it('refuses lines without a usable command', () => {
    for (const raw of ['', ':onlyprefix', ':p 12 x', ':p NO-T x', '   ', ':p \u00e9t\u00e9 x']) assert.equal(parseLinkLine(raw), undefined, JSON.stringify(raw));
  });

  it('keeps at most 15 parameters: the rest is the last one', () => {
    const line = parseLinkLine(`CMD ${Array.from({ length: 20 }, (_, i) => `p${i}`).join(' ')}`);
    assert.equal(line?.params.length, 15);
    assert.equal(line?.params[14], 'p14 p15 p16 p17 p18 p19');
  });

  it('property: parses every line as the plain word-by-word reading does (tags, prefixes, spaces, 15 parameters)', () => {
    const piece = fc.constantFrom('@t=1', ':', ' ', '  ', '!', 'a', 'B', 'privmsg', 'NICK', '001', '#c', 'x!y@z', ':trail ing', '\u00df', '\u00e9');
    const line = fc.array(piece, { maxLength: 40 }).map((parts) => parts.join(''));
    fc.assert(fc.property(line, (raw) => {
      assert.deepEqual(parseLinkLine(raw), wordByWord(raw));
    }), { numRuns: 2000 });
  });

  it('builds lines and refuses parameters that would break them', () => {
    assert.equal(buildLine('me', 'NJOIN', ['#c'], 'nick'), ':me NJOIN #c :nick');
    assert.equal(buildLine('me', 'PONG', ['me']), ':me PONG me');
    assert.throws(() => buildLine('me', 'PRIVMSG', ['#c'], 'a\r\nQUIT'));
    assert.throws(() => buildLine('me', 'PRIVMSG', ['a b'], 'x'));
    assert.throws(() => buildLine('me', 'PRIVMSG', [':x'], 'x'));
    assert.throws(() => buildLine('', 'PRIVMSG', ['#c'], 'x'));
  });

  it('property: what buildLine accepts parses back to the same parameters, on one line', () => {
    const middle = fc.string({ minLength: 1, maxLength: 12 }).filter(isMiddleParam);
    fc.assert(fc.property(middle, fc.array(middle, { maxLength: 5 }), fc.string({ maxLength: 40 }), (source, params, trailing) => {
      let line: string;
      try {
        line = buildLine(source, 'PRIVMSG', params, trailing);
      } catch {
        assert.ok(/[\r\n\0]/.test(trailing), 'only a trailing CR/LF/NUL is refused here');
        return;
      }
      assert.ok(!/[\r\n\0]/.test(line));
      const parsed = parseLinkLine(line);
      assert.deepEqual(parsed?.params, [...params, trailing]);
      const bang = source.indexOf('!');
      assert.equal(parsed?.source, bang > 0 ? source.slice(0, bang) : source, 'a nick!user@host prefix names the nick');
    }));
  });
});

/** The plain reading of a line, word by word (the parser's first version): the reference for the property above. */
function wordByWord(raw: string): { source: string; command: string; params: string[] } | undefined {
  let rest = raw;
  if (rest.startsWith('@')) {
    const space = rest.indexOf(' ');
    rest = space === -1 ? '' : rest.slice(space + 1);
  }
  rest = rest.replace(/^ +/, '');
  let source = '';
  if (rest.startsWith(':')) {
    const space = rest.indexOf(' ');
    if (space === -1) return undefined;
    source = rest.slice(1, space);
    const bang = source.indexOf('!');
    if (bang > 0) source = source.slice(0, bang);
    rest = rest.slice(space + 1).replace(/^ +/, '');
  }
  const params: string[] = [];
  let command = '';
  while (rest !== '') {
    if (command !== '' && (rest.startsWith(':') || params.length === 14)) {
      params.push(rest.startsWith(':') ? rest.slice(1) : rest);
      break;
    }
    const space = rest.indexOf(' ');
    const word = space === -1 ? rest : rest.slice(0, space);
    rest = space === -1 ? '' : rest.slice(space + 1).replace(/^ +/, '');
    if (command === '') command = word.toUpperCase();
    else params.push(word);
  }
  if (!/^[A-Z]+$|^[0-9]{3}$/.test(command)) return undefined;
  return { source, command, params };
}
