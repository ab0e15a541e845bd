/**
 * Private messages through a room (room-private.ts): only a resource in the room may write to an
 * occupant, only to a nick in it now (item-not-found otherwise, whatever the nick), never as
 * groupchat.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import xml from '@xmpp/xml';
import { Room } from '../../src/gateway/rooms.js';
import { privateTarget } from '../../src/gateway/room-private.js';

const ME = 'alice@example.org/laptop';

function lobby(): Room {
  const room = new Room('#lobby', '#lobby@gw.example.org');
  room.fill({ name: '#lobby', self: { nick: 'alice', role: 'participant', affiliation: 'none' }, participants: [{ nick: 'carol', role: 'moderator', affiliation: 'admin' }], subject: { text: '' } });
  room.resources.add(ME);
  return room;
}
const chat = (type = 'chat') => xml('message', { type, to: '#lobby@gw.example.org/carol' }, xml('body', {}, 'hi'));

describe('private messages through a room', () => {
  it('goes to a participant from a resource in the room', () => {
    assert.deepEqual(privateTarget(chat(), lobby(), ME, 'carol'), { kind: 'send', nick: 'carol' });
    assert.deepEqual(privateTarget(chat('normal'), lobby(), ME, 'carol'), { kind: 'send', nick: 'carol' });
  });

  it('refuses a nick not in the room with item-not-found, whatever it is', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }).filter((n) => n !== 'carol' && n !== 'alice'), (nick) => {
      const target = privateTarget(chat(), lobby(), ME, nick);
      assert.equal(target.kind === 'refuse' ? target.condition : target.kind, 'item-not-found');
      assert.ok(target.kind === 'refuse' && target.text.length < 120, 'the text quotes a bounded nick');
    }));
  });

  it('refuses a groupchat message, and anyone not in the room', () => {
    const gc = privateTarget(chat('groupchat'), lobby(), ME, 'carol');
    assert.equal(gc.kind === 'refuse' ? gc.condition : gc.kind, 'bad-request');
    const outsider = privateTarget(chat(), lobby(), 'alice@example.org/phone', 'carol');
    assert.equal(outsider.kind === 'refuse' ? outsider.condition : outsider.kind, 'not-acceptable');
    const noRoom = privateTarget(chat(), undefined, ME, 'carol');
    assert.equal(noRoom.kind === 'refuse' ? noRoom.condition : noRoom.kind, 'not-acceptable');
  });
});
