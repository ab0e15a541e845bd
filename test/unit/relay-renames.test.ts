import { it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { memberNamed, renamedUser } from '../../src/features/relay/renames.js';

it('a rename moves ids that carry the nick, and keeps the others', () => {
  assert.deepEqual(renamedUser({ network: 'j', id: 'room@muc/dave', nick: 'dave' }, 'dave', 'davey'), { network: 'j', id: 'room@muc/davey', nick: 'davey' });
  assert.deepEqual(renamedUser({ network: 'i', id: 'dave', nick: 'Dave' }, 'Dave', 'Davey'), { network: 'i', id: 'davey', nick: 'Davey' });
  assert.deepEqual(renamedUser({ network: 'i', id: 'Dave', nick: 'Dave' }, 'Dave', 'Davey'), { network: 'i', id: 'Davey', nick: 'Davey' });
  assert.deepEqual(renamedUser({ network: 'x', id: 'acct-17', nick: 'dave', account: 'a' }, 'dave', 'davey'), { network: 'x', id: 'acct-17', nick: 'davey', account: 'a' });
});

it('a rename always carries the new nick, and renaming back gives the same id', () => {
  const nick = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,8}$/);
  fc.assert(fc.property(nick, nick, fc.constantFrom('room@muc/', ''), (oldNick, newNick, prefix) => {
    const before = { network: 'n', id: `${prefix}${oldNick}`, nick: oldNick };
    const after = renamedUser(before, oldNick, newNick);
    assert.equal(after.nick, newNick);
    assert.deepEqual(renamedUser(after, newNick, oldNick), before);
  }));
});

it('a topic setter is found among the members by nick, without case', () => {
  const members = [{ network: 'j', id: 'room@muc/Bob', nick: 'Bob' }];
  assert.equal(memberNamed(members, 'bob'), members[0]);
  assert.equal(memberNamed(members, 'irc.example.org'), undefined);
});
