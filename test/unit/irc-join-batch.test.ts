import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_JOIN_TARGETS, joinLines, safeJoinName, type JoinTarget } from '../../src/networks/irc/join-batch.js';
import { ServerSupport, parseTargMax } from '../../src/networks/irc/isupport.js';

/** Reads a JOIN line back the way a server does: channels and keys paired by position. */
function parseJoin(line: string): JoinTarget[] {
  const [command, channels = '', keys] = line.split(' ');
  assert.equal(command, 'JOIN');
  const keyList = keys === undefined ? [] : keys.split(',');
  return channels.split(',').map((name, i) => (i < keyList.length ? { name, key: keyList[i] } : { name }));
}

const nameChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_[]é€'.split(''));
const channelName = fc.array(nameChar, { minLength: 1, maxLength: 60 }).map((chars) => `#${chars.join('')}`);
const key = fc.array(nameChar, { minLength: 1, maxLength: 20 }).map((chars) => chars.join(''));
const targets = fc.uniqueArray(fc.record({ name: channelName, key: fc.option(key, { nil: undefined }) }), { selector: (t) => t.name, maxLength: 300 });

describe('IRC JOIN batching', () => {
  void it('property: every channel is joined exactly once with its own key, within the byte and target limits', () => {
    fc.assert(
      fc.property(targets, fc.integer({ min: 80, max: 510 }), fc.integer({ min: 1, max: 50 }), (list, maxBytes, maxTargets) => {
        const lines = joinLines(list, { maxBytes, maxTargets });
        const joined = lines.flatMap((l) => parseJoin(l.line));
        const byName = (a: JoinTarget, b: JoinTarget) => a.name.localeCompare(b.name);
        assert.deepEqual(
          joined.map((t) => ({ name: t.name, key: t.key })).sort(byName),
          list.map((t) => ({ name: t.name, key: t.key })).sort(byName),
        );
        for (const { line, channels } of lines) {
          assert.deepEqual(channels, parseJoin(line).map((t) => t.name));
          assert.ok(channels.length <= maxTargets, line);
          assert.ok(channels.length === 1 || Buffer.byteLength(line) <= maxBytes, `${Buffer.byteLength(line)} > ${maxBytes}: ${line}`);
        }
      }),
    );
  });

  void it('joins 1,000 channels in 50 lines of 20 when the server gives no limit, and fills lines up to the byte limit', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ name: `#b${i}` }));
    assert.equal(joinLines(many, { maxBytes: 510, maxTargets: DEFAULT_JOIN_TARGETS }).length, 50);
    const lines = joinLines(many, { maxBytes: 510, maxTargets: 1000 });
    assert.ok(lines.length < 15, `${lines.length} lines`);
    assert.ok(lines.slice(0, -1).every((l) => Buffer.byteLength(l.line) > 500 && Buffer.byteLength(l.line) <= 510));
  });

  void it('puts keyed channels first so keys pair with the right channels', () => {
    const lines = joinLines([{ name: '#open' }, { name: '#locked', key: 'sesame' }, { name: '#other' }], { maxBytes: 510, maxTargets: 20 });
    assert.deepEqual(lines.map((l) => l.line), ['JOIN #locked,#open,#other sesame']);
  });

  void it('gives a channel too long for the limit a line of its own, and nothing for no channels', () => {
    const long = `#${'x'.repeat(100)}`;
    assert.deepEqual(joinLines([{ name: '#a' }, { name: long }, { name: '#b' }], { maxBytes: 50, maxTargets: 20 }).map((l) => l.channels), [['#a'], [long], ['#b']]);
    assert.deepEqual(joinLines([], { maxBytes: 510, maxTargets: 20 }), []);
  });

  void it('refuses names that would split or end a list', () => {
    for (const bad of ['#a,#b', '#a b', '', ':#a', '#a\r\nQUIT', '#a\0']) assert.equal(safeJoinName(bad), false, JSON.stringify(bad));
    assert.equal(safeJoinName('#ok[]-é'), true);
  });

  void it('reads the JOIN limit from TARGMAX', () => {
    assert.deepEqual([...parseTargMax('NAMES:1,LIST:1,KICK:1,WHOIS:1,PRIVMSG:4,NOTICE:4,ACCEPT:,MONITOR:')], [['NAMES', 1], ['LIST', 1], ['KICK', 1], ['WHOIS', 1], ['PRIVMSG', 4], ['NOTICE', 4]]);
    const support = new ServerSupport();
    assert.equal(support.joinTargets, undefined);
    support.update(['TARGMAX=join:5,PRIVMSG:4']);
    assert.equal(support.joinTargets, 5);
  });
});
