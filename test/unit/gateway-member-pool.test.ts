/**
 * The pool of channel members shared by all sessions (src/gateway/irc/member-pool.ts): equal
 * members and participants are one frozen object, a participant is what the member's prefixes
 * and +m show, the pools are bounded; and two sessions' channels hold the same objects.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ircLineParser } from 'irc-framework';
import type { RoomEvent } from '../../src/gateway/api.js';
import { hatsOf } from '../../src/gateway/irc/channel-hats.js';
import { DEFAULT_PREFIXES, roleOf } from '../../src/gateway/irc/channel-modes.js';
import { IrcChannels } from '../../src/gateway/irc/channels.js';
import { MAX_POOLED, poolSizes, pooledMember, pooledName, pooledParticipant } from '../../src/gateway/irc/member-pool.js';

const nickArb = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,15}$/);
const prefixesArb = fc.subarray(['~', '&', '@', '%', '+']).map((p) => p.join(''));

function session(nick: string) {
  const events: Array<[string, RoomEvent]> = [];
  const channels = new IrcChannels({
    send: () => undefined, nick: () => nick, mapping: () => 'rfc1459', prefixes: () => DEFAULT_PREFIXES,
    chanmodes: () => ['beI', 'k', 'l', 'imnpst'], event: (room, event) => void events.push([room, event]),
  });
  const feed = (...lines: string[]): void => {
    for (const line of lines) channels.line(ircLineParser(line));
  };
  return { channels, events, feed };
}

describe('gateway member pool', () => {
  it('gives one frozen object per member and participant, equal to what the prefixes show', () => {
    fc.assert(fc.property(nickArb, prefixesArb, fc.boolean(), (nick, prefixes, moderated) => {
      const key = nick.toLowerCase();
      const member = pooledMember(nick, prefixes, key);
      assert.equal(pooledMember(`${nick}`, `${prefixes}`, `${key}`), member);
      assert.deepEqual(member, { nick, key, prefixes });
      assert.ok(Object.isFrozen(member));
      const participant = pooledParticipant(member, moderated);
      assert.equal(pooledParticipant(pooledMember(nick, prefixes, key), moderated), participant);
      const hats = hatsOf(prefixes);
      assert.deepEqual(participant, { nick, ...roleOf(prefixes, moderated), ...(hats.length === 0 ? {} : { hats }) });
      assert.ok(Object.isFrozen(participant));
      assert.throws(() => { (participant as { role: string }).role = 'moderator'; }, TypeError);
    }));
  });

  it('keeps each pool bounded', () => {
    for (let i = 0; i < MAX_POOLED + 50; i++) pooledParticipant(pooledMember(`bound${i}`, i % 2 === 0 ? '' : '+', `bound${i}`), false);
    const sizes = poolSizes();
    assert.ok(sizes.members <= MAX_POOLED && sizes.participants <= MAX_POOLED && sizes.names <= MAX_POOLED, JSON.stringify(sizes));
    // An entry made again after it was dropped is equal (only no longer the same object).
    assert.deepEqual(pooledMember('bound0', '', 'bound0'), { nick: 'bound0', key: 'bound0', prefixes: '' });
    assert.equal(pooledName('bound1'), 'bound1');
  });

  it('lets two sessions in one channel share the members and participants', () => {
    const a = session('alice');
    const b = session('bob');
    const names = ':irc.test 353 {me} = #room :alice bob @Carol +dave';
    void a.channels.join('#room', new AbortController().signal);
    void b.channels.join('#room', new AbortController().signal);
    a.feed(names.replace('{me}', 'alice'), ':irc.test 366 alice #room :End');
    b.feed(names.replace('{me}', 'bob'), ':irc.test 366 bob #room :End');
    for (const s of [a, b]) s.feed(':erin!e@h JOIN #room', ':Carol!c@h MODE #room +v erin', ':dave!d@h NICK Dave2');
    const roleA = a.events.find(([, e]) => e.kind === 'role');
    const roleB = b.events.find(([, e]) => e.kind === 'role');
    assert.ok(roleA !== undefined && roleB !== undefined && roleA[1].kind === 'role' && roleB[1].kind === 'role');
    assert.equal(roleA[1].participant, roleB[1].participant);
    assert.deepEqual(roleA[1].participant, { nick: 'erin', role: 'participant', affiliation: 'member' });
    assert.deepEqual([...b.channels.memberPrefixes('#room', 'erin') ?? []], ['+']);
    assert.equal(a.channels.hasMember('#room', 'dave2'), true);
    assert.equal(a.channels.hasMember('#room', 'dave'), false);
    // One session's change does not reach the other's list.
    a.feed(':Carol!c@h MODE #room -v erin');
    assert.deepEqual([...a.channels.memberPrefixes('#room', 'erin') ?? []], []);
    assert.deepEqual([...b.channels.memberPrefixes('#room', 'erin') ?? []], ['+']);
  });
});
