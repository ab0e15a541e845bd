/**
 * Who may correct or retract a relayed message (on real storage, SQLite in memory): its author
 * (by the strongest identity the network gave), or a moderator of the channel; nobody else,
 * also not when the author is unknown. After a restart the author comes from the message map.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { openStore } from '../../src/store/open.js';
import { silentLogger } from '../../src/core/log.js';
import { Authority, authorKey } from '../../src/features/relay/authority.js';
import type { MessageMapStore } from '../../src/store/message-map.js';
import type { ChannelRef, UserRef } from '../../src/core/refs.js';

const room: ChannelRef = { network: 'jabber', id: 'lobby@conference.localhost' };
const alice: UserRef = { network: 'jabber', id: 'lobby@conference.localhost/alice', nick: 'alice', account: 'alice@localhost' };
const bob: UserRef = { network: 'jabber', id: 'lobby@conference.localhost/bob', nick: 'bob', account: 'bob@localhost' };
const mod: UserRef = { network: 'jabber', id: 'lobby@conference.localhost/mod', nick: 'mod' };
const source = { network: 'jabber', channel: room.id, messageId: 'a-1' };

async function withMessages(run: (messages: MessageMapStore) => Promise<void>): Promise<void> {
  const hub = await openStore({ kind: 'sqlite', path: ':memory:' }, silentLogger());
  try {
    await run(hub.messages);
  } finally {
    await hub.close();
  }
}

const moderators = (...users: UserRef[]) => (_channel: ChannelRef, user: UserRef) => users.some((u) => u.id === user.id);

describe('relay authority over corrections and retractions', () => {
  it('the author may, a moderator may, anyone else may not', () => withMessages(async (messages) => {
    const authority = new Authority({ messages, isModerator: moderators(mod) });
    authority.remember(source, alice);
    assert.equal(await authority.judge(source, alice, room), 'author');
    assert.equal(await authority.judge(source, bob, room), 'denied');
    assert.equal(await authority.judge(source, mod, room), 'moderator');
  }));

  it('someone who took the author\'s nick, but not their account, may not', () => withMessages(async (messages) => {
    const authority = new Authority({ messages, isModerator: () => undefined });
    authority.remember(source, alice);
    assert.equal(await authority.judge(source, { ...alice, account: 'mallory@localhost' }, room), 'denied');
    assert.equal(await authority.judge(source, { ...alice, account: undefined }, room), 'denied', 'fails closed when the account is no longer given');
  }));

  it('an unknown message (never relayed, or from before the upgrade) may be changed only by a moderator', () => withMessages(async (messages) => {
    const authority = new Authority({ messages, isModerator: moderators(mod) });
    await messages.recordSent({ source, target: { network: 'irc', channel: '#lobby', messageId: 'i-1' }, primary: true });
    assert.equal(await authority.judge(source, alice, room), 'denied');
    assert.equal(await authority.judge(source, mod, room), 'moderator');
  }));

  it('after a restart the author is read from the message map', () => withMessages(async (messages) => {
    await messages.recordSent({ source, target: { network: 'irc', channel: '#lobby', messageId: 'i-1' }, primary: true, author: authorKey(alice) });
    const restarted = new Authority({ messages, isModerator: () => false });
    assert.equal(await restarted.judge(source, alice, room), 'author');
    assert.equal(await restarted.judge(source, bob, room), 'denied');
  }));

  it('author keys: equal for the same identity, never across networks or identity kinds', () => {
    const text = fc.string({ maxLength: 12 });
    const user = fc.record({ network: fc.constantFrom('irc', 'jabber', 'irc"'), id: text, account: fc.option(text, { nil: undefined }), host: fc.option(text, { nil: undefined }) });
    fc.assert(fc.property(user, user, (a, b) => {
      const same = authorKey(a) === authorKey(b);
      const strongest = (u: typeof a) => (u.account ? ['account', u.account] : u.host ? ['host', u.id, u.host] : ['id', u.id]);
      assert.equal(same, a.network === b.network && JSON.stringify(strongest(a)) === JSON.stringify(strongest(b)));
    }), { numRuns: 2000 });
  });
});
