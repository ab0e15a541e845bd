/**
 * Kicks and bans of a gateway room from XMPP, without servers: the `muc#admin` request read
 * (src/gateway/room-admin.ts: one item, role none or affiliation outcast, the participant by
 * nick, occupant JID or contact JID, anything else refused), the IRC lines it becomes
 * (src/gateway/irc/channel-moderation.ts: refused without (half-)op, the reason kept on one
 * line within bounds), and an IRC KICK of someone else reported with `kicked`; invitations
 * (room-invites.ts, irc/invites.ts): read, built, and bounded; hats (irc/channel-hats.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import xml from '@xmpp/xml';
import { ircLineParser } from 'irc-framework';
import { LegacyRefusal, type RoomEvent } from '../../src/gateway/api.js';
import { readAdminRequest } from '../../src/gateway/room-admin.js';
import { moderationLines } from '../../src/gateway/irc/channel-moderation.js';
import { DEFAULT_PREFIXES } from '../../src/gateway/irc/channel-modes.js';
import { IrcChannels } from '../../src/gateway/irc/channels.js';
import { hatsOf } from '../../src/gateway/irc/channel-hats.js';
import { occupantPresence } from '../../src/gateway/xmpp/muc.js';
import { InviteLimiter, MAX_PER_MINUTE, readInvite as readIrcInvite, REPEAT_MS } from '../../src/gateway/irc/invites.js';
import { invitation, invitesOf, readInvite } from '../../src/gateway/room-invites.js';

const ROOM = '#lobby@gw.example.org';
const ALICE_JID = 'alice@example.org';
const query = (...items: ReturnType<typeof xml>[]) => xml('query', { xmlns: 'http://jabber.org/protocol/muc#admin' }, ...items);

describe('gateway room moderation: the XMPP request', () => {
  it('reads a kick by nick and a ban by occupant or contact JID, with the reason on one line', () => {
    assert.deepEqual(readAdminRequest(query(xml('item', { nick: 'dave', role: 'none' }, xml('reason', {}, ' spam\nagain '))), ROOM, 'gw.example.org'),
      { ok: true, action: { kind: 'kick', nick: 'dave', reason: 'spam again' } });
    assert.deepEqual(readAdminRequest(query(xml('item', { jid: `${ROOM}/dave`, affiliation: 'outcast' })), ROOM, 'gw.example.org'),
      { ok: true, action: { kind: 'ban', nick: 'dave' } });
    assert.deepEqual(readAdminRequest(query(xml('item', { jid: 'dave@GW.example.org', affiliation: 'outcast' })), ROOM, 'gw.example.org'),
      { ok: true, action: { kind: 'ban', nick: 'dave' } });
  });

  it('refuses what it cannot do: no item, two items, other roles, a foreign JID', () => {
    const cases = [
      query(),
      query(xml('item', { nick: 'a', role: 'none' }), xml('item', { nick: 'b', role: 'none' })),
      query(xml('item', { nick: 'a', role: 'moderator' })),
      query(xml('item', { nick: 'a', affiliation: 'member' })),
      query(xml('item', { nick: 'a', role: 'none', affiliation: 'outcast' })),
      query(xml('item', { jid: 'dave@elsewhere.org', affiliation: 'outcast' })),
      query(xml('item', { jid: 'dave@gw.example.org/phone', affiliation: 'outcast' })),
      query(xml('item', { role: 'none' })),
    ];
    for (const q of cases) assert.equal(readAdminRequest(q, ROOM, 'gw.example.org').ok, false, q.toString());
  });

  it('never throws and bounds the reason, whatever the item says', () => {
    fc.assert(fc.property(fc.string(), fc.string(), fc.string({ maxLength: 2000 }), (nick, jid, reason) => {
      const read = readAdminRequest(query(xml('item', { nick, jid, role: 'none' }, xml('reason', {}, reason))), ROOM, 'gw.example.org');
      if (read.ok) assert.ok((read.action.reason ?? '').length <= 300 && !/\n/.test(read.action.reason ?? ''));
    }));
  });
});

describe('gateway room moderation: the IRC lines', () => {
  it('kicks with half-op or more, bans (MODE +b nick!*@*, then KICK) with op or more', () => {
    assert.deepEqual(moderationLines('#lobby', { kind: 'kick', nick: 'dave', reason: 'bye' }, new Set(['%'])), ['KICK #lobby dave :bye']);
    assert.deepEqual(moderationLines('#lobby', { kind: 'kick', nick: 'dave' }, new Set(['@'])), ['KICK #lobby dave']);
    assert.deepEqual(moderationLines('#lobby', { kind: 'ban', nick: 'dave', reason: 'out' }, new Set(['~'])), ['MODE #lobby +b dave!*@*', 'KICK #lobby dave :out']);
  });

  it('refuses with forbidden and why when the prefix does not allow it, and a nick that is none', () => {
    const refusal = (f: () => unknown): LegacyRefusal => {
      try {
        f();
      } catch (error) {
        if (error instanceof LegacyRefusal) return error;
      }
      assert.fail('expected a refusal');
    };
    const noOp = refusal(() => moderationLines('#lobby', { kind: 'kick', nick: 'dave' }, new Set(['+'])));
    assert.equal(noOp.condition, 'forbidden');
    assert.match(noOp.message, /half-op|operator/);
    assert.equal(refusal(() => moderationLines('#lobby', { kind: 'ban', nick: 'dave' }, new Set(['%']))).condition, 'forbidden');
    assert.equal(refusal(() => moderationLines('#lobby', { kind: 'kick', nick: 'a b' }, new Set(['@']))).condition, 'bad-request');
    assert.equal(refusal(() => moderationLines('#lobby', { kind: 'kick', nick: 'x\r\nQUIT' }, new Set(['@']))).condition, 'bad-request');
  });

  it('keeps every line one IRC line of at most 512 bytes', () => {
    fc.assert(fc.property(fc.string({ maxLength: 1000, unit: 'grapheme' }), (reason) => {
      for (const line of moderationLines('#lobby', { kind: 'ban', nick: 'dave', reason }, new Set(['@']))) {
        assert.ok(!/[\r\n\0]/.test(line) && Buffer.byteLength(line, 'utf8') < 512, line);
      }
    }));
  });
});

describe('gateway room moderation: IRC kicks', () => {
  it('reports someone else kicked as left with kicked, and knows the person\'s own prefixes', async () => {
    const events: Array<[string, RoomEvent]> = [];
    const channels = new IrcChannels({
      send: () => undefined, nick: () => 'alice', mapping: () => 'rfc1459', prefixes: () => DEFAULT_PREFIXES,
      chanmodes: () => ['beI', 'k', 'l', 'imnpst'], event: (room, event) => void events.push([room, event]),
    });
    const joined = channels.join('#lobby', AbortSignal.timeout(5000));
    for (const line of [':alice!a@h JOIN #lobby', ':srv 353 alice = #lobby :%alice @carol dave', ':srv 366 alice #lobby :End']) channels.line(ircLineParser(line));
    await joined;
    assert.deepEqual([...(channels.selfPrefixes('#lobby') ?? [])], ['%']);
    assert.equal(channels.selfPrefixes('#other'), undefined);
    assert.equal(channels.hasMember('#lobby', 'DAVE'), true);
    channels.line(ircLineParser(':carol!c@h KICK #lobby dave :behave'));
    assert.equal(channels.hasMember('#lobby', 'dave'), false);
    channels.line(ircLineParser(':carol!c@h PART #lobby'));
    assert.deepEqual(events, [
      ['#lobby', { kind: 'left', nick: 'dave', reason: 'kicked by carol: behave', kicked: true }],
      ['#lobby', { kind: 'left', nick: 'carol' }],
    ]);
  });
});

describe('gateway room invitations', () => {
  it('reads one invitee of the network, refuses others', () => {
    const x = (...invites: ReturnType<typeof xml>[]) => xml('message', { to: ROOM }, xml('x', { xmlns: 'http://jabber.org/protocol/muc#user' }, ...invites));
    const read = (m: ReturnType<typeof xml>) => readInvite(invitesOf(m), 'gw.example.org');
    assert.deepEqual(read(x(xml('invite', { to: 'dave@gw.example.org' }, xml('reason', {}, 'hi')))), { ok: true, invitee: 'dave', reason: 'hi' });
    assert.equal(read(x(xml('invite', { to: 'dave@elsewhere.org' }))).ok, false);
    assert.equal(read(x(xml('invite', { to: 'a@gw.example.org' }), xml('invite', { to: 'b@gw.example.org' }))).ok, false);
    assert.equal(read(x(xml('invite', {}))).ok, false);
    assert.deepEqual(invitesOf(xml('message', {}, xml('body', {}, 'hi'))), []);
  });

  it('builds a mediated invitation from the room JID with a body', () => {
    const message = invitation('#secret@gw.example.org', '#secret', ALICE_JID, 'carol', 'gw.example.org', 'join us');
    assert.equal(message.attrs.from, '#secret@gw.example.org');
    assert.equal(message.getChild('x', 'http://jabber.org/protocol/muc#user')?.getChild('invite')?.attrs.from, 'carol@gw.example.org');
    assert.match(message.getChildText('body') ?? '', /carol invites you to #secret: join us/);
  });

  it('reads an IRC INVITE of the person only, and bounds how many reach them', () => {
    const self = (nick: string) => nick === 'alice';
    assert.deepEqual(readIrcInvite(ircLineParser(':carol!c@h INVITE alice :#secret'), self), { channel: '#secret', by: 'carol' });
    assert.equal(readIrcInvite(ircLineParser(':carol!c@h INVITE bob :#secret'), self), undefined);
    assert.equal(readIrcInvite(ircLineParser(':srv INVITE alice'), self), undefined);
    const limiter = new InviteLimiter();
    assert.equal(limiter.allow('#a', 0), true);
    assert.equal(limiter.allow('#a', 1000), false, 'the same channel again');
    for (let i = 0; i < MAX_PER_MINUTE - 1; i++) assert.equal(limiter.allow(`#c${i}`, 2000), true);
    assert.equal(limiter.allow('#flood', 3000), false, 'too many a minute');
    assert.equal(limiter.allow('#flood', 61_000), true, 'a minute later');
    assert.equal(limiter.allow('#a', REPEAT_MS + 1), true, 'the same channel much later');
  });
});

describe('gateway room hats', () => {
  it('hats the prefixes roles cannot tell apart, and a MODE that changes only a hat is reported', async () => {
    assert.deepEqual(hatsOf(['@']), []);
    assert.deepEqual(hatsOf(['%', '+']).map((h) => h.uri), ['urn:switchboard:irc:hat:halfop']);
    assert.deepEqual(hatsOf(['@', '&', '~']).map((h) => h.uri), ['urn:switchboard:irc:hat:founder', 'urn:switchboard:irc:hat:protected']);
    const events: RoomEvent[] = [];
    const channels = new IrcChannels({
      send: () => undefined, nick: () => 'alice', mapping: () => 'rfc1459', prefixes: () => DEFAULT_PREFIXES,
      chanmodes: () => ['beI', 'k', 'l', 'imnpst'], event: (_room, event) => void events.push(event),
    });
    const joined = channels.join('#lobby', AbortSignal.timeout(5000));
    for (const line of [':alice!a@h JOIN #lobby', ':srv 353 alice = #lobby :alice @carol', ':srv 366 alice #lobby :End']) channels.line(ircLineParser(line));
    await joined;
    channels.line(ircLineParser(':srv MODE #lobby +a carol'));
    channels.line(ircLineParser(':srv MODE #lobby +o carol'));
    assert.deepEqual(events, [{ kind: 'role', participant: { nick: 'carol', role: 'moderator', affiliation: 'admin', hats: [{ uri: 'urn:switchboard:irc:hat:protected', title: 'Protected (&)' }] } }]);
  });

  it('puts the hats in the occupant presence, not in an unavailable one', () => {
    const carol = { nick: 'carol', role: 'moderator', affiliation: 'member', hats: [{ uri: 'urn:switchboard:irc:hat:halfop', title: 'Half-op (%)' }] } as const;
    assert.equal(occupantPresence(ROOM, ALICE_JID, carol).getChild('hats', 'urn:xmpp:hats:0')?.getChild('hat')?.attrs.title, 'Half-op (%)');
    assert.equal(occupantPresence(ROOM, ALICE_JID, carol, { unavailable: true }).getChild('hats', 'urn:xmpp:hats:0'), undefined);
  });
});
