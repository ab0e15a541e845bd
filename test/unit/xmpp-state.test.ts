import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import parseXml from '@xmpp/xml/lib/parse.js';
import { MucRoom } from '../../src/networks/xmpp/muc-room.js';
import { MessageIds, OWN_SENDER, SENDER_ID_PREFIX } from '../../src/networks/xmpp/message-ids.js';
import { ReactionSets } from '../../src/networks/xmpp/reactions.js';
import { bareJid, resourceOf } from '../../src/networks/xmpp/jid.js';
import { parseMucPresence, type MucPresence } from '../../src/networks/xmpp/stanza-parse.js';
import { xmppConfigSchema } from '../../src/networks/xmpp/config.js';
import { validateNetworks } from '../../src/config/networks.js';
import { builtinProtocols } from '../../src/networks/registry.js';
import { chooseMechanism } from '../../src/networks/xmpp/client.js';
import { maxFileSize, parseSlot } from '../../src/networks/xmpp/upload.js';
import { fileNameOf } from '../../src/networks/xmpp/inbound.js';

const ROOM = 'room@conf.test';

/** A MUC presence from `nick`, built as XML and parsed like a received one. */
function presence(nick: string, opts: { type?: string; codes?: number[]; item?: string; show?: string } = {}): MucPresence {
  const type = opts.type ? ` type='${opts.type}'` : '';
  const codes = (opts.codes ?? []).map((c) => `<status code='${c}'/>`).join('');
  const show = opts.show ? `<show>${opts.show}</show>` : '';
  const el = parseXml(`<presence from='${ROOM}/${nick}'${type}>${show}<x xmlns='http://jabber.org/protocol/muc#user'>${opts.item ?? "<item role='participant'/>"}${codes}</x></presence>`);
  const parsed = parseMucPresence(el);
  assert.ok(parsed);
  return parsed;
}

void describe('MucRoom', () => {
  const joinedRoom = (): MucRoom => {
    const room = new MucRoom(ROOM, 'bot');
    room.startJoin('bot');
    assert.deepEqual(room.apply(presence('al')), [], 'occupants before our self-presence make no events');
    const [joined] = room.apply(presence('bot', { codes: [110] }));
    assert.equal(joined?.kind, 'joined');
    assert.deepEqual(joined?.kind === 'joined' && joined.occupants.map((o) => o.nick), ['al', 'bot']);
    return room;
  };

  void it('reports the occupant list when our self-presence arrives', () => {
    const room = joinedRoom();
    assert.ok(room.joined);
    assert.deepEqual(room.members().map((o) => o.jid), [`${ROOM}/al`, `${ROOM}/bot`]);
  });

  void it('turns occupant presence into join, presence, nick, part and kick changes', () => {
    const room = joinedRoom();
    assert.deepEqual(room.apply(presence('cy')).map((c) => c.kind), ['join']);
    assert.deepEqual(room.apply(presence('cy')), [], 'an unchanged presence is no change');
    assert.deepEqual(room.apply(presence('cy', { show: 'away' })).map((c) => c.kind), ['presence']);
    const [nick] = room.apply(presence('cy', { type: 'unavailable', codes: [303], item: "<item nick='cyril'/>" }));
    assert.deepEqual(nick?.kind === 'nick' && [nick.oldNick, nick.occupant.nick, nick.occupant.jid], ['cy', 'cyril', `${ROOM}/cyril`]);
    assert.deepEqual(room.apply(presence('cyril', { show: 'away' })), [], 'the presence after a nick change is no new join');
    const [kick] = room.apply(presence('cyril', { type: 'unavailable', codes: [307], item: "<item role='none'><actor nick='al'/><reason>spam</reason></item>" }));
    assert.deepEqual(kick?.kind === 'kick' && [kick.occupant.nick, kick.actor?.jid, kick.reason, kick.ban], ['cyril', `${ROOM}/al`, 'spam', false]);
    const [part] = room.apply(presence('al', { type: 'unavailable' }));
    assert.equal(part?.kind, 'part');
    assert.deepEqual(room.members().map((o) => o.nick), ['bot']);
  });

  void it('reports a role change to or from moderator (not other role changes)', () => {
    const room = joinedRoom();
    room.apply(presence('cy'));
    const [up] = room.apply(presence('cy', { item: "<item role='moderator'><actor nick='al'/></item>" }));
    assert.deepEqual(up?.kind === 'moderator' && [up.occupant.nick, up.moderator, up.actor?.nick], ['cy', true, 'al']);
    assert.deepEqual(room.apply(presence('cy', { item: "<item role='moderator'/>" })), [], 'still a moderator: no change');
    const [down] = room.apply(presence('cy', { item: "<item role='visitor'/>" }));
    assert.deepEqual(down?.kind === 'moderator' && [down.moderator, down.actor], [false, undefined]);
    assert.deepEqual(room.apply(presence('cy', { item: "<item role='participant'/>" })), [], 'visitor to participant is not reported');
  });

  void it('reports our own removal with its cause, and join errors only while joining', () => {
    const room = joinedRoom();
    const [removed] = room.apply(presence('bot', { type: 'unavailable', codes: [301, 110], item: "<item affiliation='outcast'><actor nick='al'/><reason>bye</reason></item>" }));
    assert.deepEqual(removed?.kind === 'self-removed' && [removed.cause, removed.actor?.nick, removed.reason], ['ban', 'al', 'bye']);
    assert.equal(room.joined, false);
    assert.deepEqual(room.members(), []);
    const error = parseMucPresence(parseXml(`<presence from='${ROOM}/bot' type='error'><error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>`));
    assert.ok(error);
    assert.deepEqual(room.apply(error), [], 'no join under way');
    room.startJoin('bot');
    assert.deepEqual(room.apply(error), [{ kind: 'join-error', condition: 'conflict' }]);
  });

  void it('a destroy notice without status 110 still removes us', () => {
    const room = joinedRoom();
    const [removed] = room.apply(presence('bot', { type: 'unavailable', item: "<item role='none'/><destroy><reason>closing</reason></destroy>" }));
    assert.deepEqual(removed?.kind === 'self-removed' && removed.cause, 'destroyed');
    assert.equal(room.joined, false);
  });

  void it('follows our own nick change', () => {
    const room = joinedRoom();
    const [change] = room.apply(presence('bot', { type: 'unavailable', codes: [303, 110], item: "<item nick='bot2'/>" }));
    assert.deepEqual(change, { kind: 'self-nick', oldNick: 'bot', newNick: 'bot2' });
    assert.equal(room.nick, 'bot2');
    assert.deepEqual(room.apply(presence('bot2', { codes: [110] })), []);
  });

  void it('the join-time history lasts until the subject', () => {
    const room = joinedRoom();
    assert.equal(room.historyDone, false);
    room.subjectReceived('topic');
    assert.equal(room.historyDone, true);
    room.startJoin('bot');
    assert.equal(room.historyDone, false, 'a rejoin has a history of its own');
    assert.equal(room.subject, 'topic');
  });
});

void describe('MessageIds', () => {
  void it('uses the stanza-id for others, and keeps the id send() returned for our own echoes', () => {
    const ids = new MessageIds();
    assert.equal(ids.record(ROOM, 'al@x', { senderId: 'o1', stanzaId: 's1' }), 's1');
    assert.equal(ids.hubId(ROOM, 'o1'), 's1');
    assert.equal(ids.forCorrection(ROOM, 's1'), 'o1');
    assert.equal(ids.forReference(ROOM, 's1'), 's1');
    assert.equal(ids.record(ROOM, OWN_SENDER, { senderId: 'mine' }), 'mine');
    assert.equal(ids.record(ROOM, OWN_SENDER, { senderId: 'mine', stanzaId: 's2' }), 'mine', 'the echo keeps our id');
    assert.equal(ids.hubId(ROOM, 's2'), 'mine');
    assert.equal(ids.forReference(ROOM, 'mine'), 's2');
    assert.equal(ids.forCorrection(ROOM, 'mine'), 'mine');
    assert.equal(ids.hubId('other@conf', 'o1'), 'o1', 'ids are scoped by conversation');
    assert.equal(ids.record(ROOM, 'al@x', {}), undefined);
  });

  void it('never lets a sender-chosen id make a new message inherit another message\'s hub id', () => {
    const ids = new MessageIds();
    assert.equal(ids.record(ROOM, OWN_SENDER, { senderId: 'delivery-1' }), 'delivery-1');
    assert.equal(ids.record(ROOM, 'al@x', { senderId: 'o1', stanzaId: 's1' }), 's1');
    // Rooms with stanza-ids: someone reusing our id, or al's, gets the new message's own id.
    assert.equal(ids.record(ROOM, 'eve@x', { senderId: 'delivery-1', stanzaId: 's2' }), 's2');
    assert.equal(ids.record(ROOM, 'eve@x', { senderId: 'o1', stanzaId: 's3' }), 's3');
    assert.equal(ids.record(ROOM, 'al@x', { senderId: 'o1', stanzaId: 's4' }), 's4', 'even the same sender reusing its id makes a new message');
    // Rooms without: the hub id of another's message is scoped by its sender.
    const bare = new MessageIds();
    bare.record(ROOM, OWN_SENDER, { senderId: 'delivery-1' });
    const eve = bare.record(ROOM, 'eve@x', { senderId: 'delivery-1' });
    assert.ok(eve !== undefined && eve !== 'delivery-1' && eve.startsWith(SENDER_ID_PREFIX));
    const al = bare.record(ROOM, 'al@x', { senderId: 'same' });
    const bob = bare.record(ROOM, 'bob@x', { senderId: 'same' });
    assert.notEqual(al, bob, 'two senders with the same id are two messages');
    assert.equal(bare.hubId(ROOM, 'same'), bob, 'a reaction or reply by that id goes to the most recent one');
  });

  void it('finds a corrected message only among the corrector\'s own, a retracted one by stanza-id or its own', () => {
    const ids = new MessageIds();
    ids.record(ROOM, OWN_SENDER, { senderId: 'delivery-1', stanzaId: 's0' });
    ids.record(ROOM, 'al@x', { senderId: 'o1', stanzaId: 's1' });
    assert.equal(ids.correctedHubId(ROOM, 'al@x', 'o1'), 's1');
    assert.notEqual(ids.correctedHubId(ROOM, 'eve@x', 'o1'), 's1', 'eve cannot correct al\'s message');
    assert.notEqual(ids.correctedHubId(ROOM, 'eve@x', 'delivery-1'), 'delivery-1', 'nor ours');
    assert.equal(ids.retractedHubId(ROOM, 'al@x', 's1'), 's1');
    assert.equal(ids.retractedHubId(ROOM, 'al@x', 'o1'), 's1');
    assert.equal(ids.retractedHubId(ROOM, 'eve@x', 'o1'), 'o1', 'another\'s sender id is not resolved for eve');
    // In a room without stanza-ids a message is known only by its sender's id: a retraction by
    // someone else (a moderator) finds it, and the relay decides whether it may.
    ids.record(ROOM, 'bo@x', { senderId: 'o2' });
    assert.equal(ids.retractedHubId(ROOM, 'mod@x', 'o2'), ids.hubId(ROOM, 'o2'));
    assert.notEqual(ids.retractedHubId(ROOM, 'mod@x', 'o2'), 'o2');
  });

  void it('property: messages from different senders never share a hub id, whatever ids they choose', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ sender: fc.constantFrom(OWN_SENDER, 'a@x', 'b@x', 'r@c/a', 'r@c/a/b'), id: fc.constantFrom('1', 'b/1', 'x', SENDER_ID_PREFIX), withStanza: fc.boolean() }), { maxLength: 30 }),
      (messages) => {
        const ids = new MessageIds();
        const owners = new Map<string, string>();
        messages.forEach((m, i) => {
          const hubId = ids.record(ROOM, m.sender, { senderId: m.id, ...(m.withStanza && m.sender !== OWN_SENDER ? { stanzaId: `room-${i}` } : {}) });
          assert.ok(hubId !== undefined);
          const owner = owners.get(hubId);
          assert.ok(owner === undefined || owner === m.sender, `${hubId} of ${m.sender} was ${owner}'s`);
          owners.set(hubId, m.sender);
        });
      },
    ));
  });
});

void describe('ReactionSets', () => {
  void it('property: applying diffs to the old set gives the new set', () => {
    fc.assert(
      fc.property(fc.array(fc.uniqueArray(fc.constantFrom('👍', '🎉', '❤️', 'x'))), (sets) => {
        const reactions = new ReactionSets();
        let current = new Set<string>();
        for (const next of sets) {
          const diff = reactions.replace('s', 'm', 'u', next);
          for (const r of diff.added) current.add(r);
          for (const r of diff.removed) current.delete(r);
          assert.deepEqual([...current].sort(), [...next].sort());
          current = new Set(next);
        }
      }),
    );
  });
});

void describe('MessageIds bound', () => {
  void it('keeps at most its limit of keys: the least recently recorded message is forgotten first', () => {
    const ids = new MessageIds(8); // a message with a sender id and a stanza-id takes four keys
    for (const n of [1, 2, 3]) ids.record(ROOM, 'al@x', { senderId: `o${n}`, stanzaId: `s${n}` });
    assert.deepEqual([1, 2, 3].map((n) => ids.correctedHubId(ROOM, 'al@x', `o${n}`) === `s${n}`), [false, true, true]);
    assert.equal(ids.forCorrection(ROOM, 's1'), 's1', 'nor is its sender id known by its hub id');
    assert.equal(ids.forCorrection(ROOM, 's3'), 'o3');
  });
});

void describe('ReactionSets bound', () => {
  void it('forgets the least recently used sets past its limit', () => {
    const sets = new ReactionSets(2);
    sets.replace('room', 'm1', 'ann', ['+1']);
    sets.replace('room', 'm2', 'bob', ['+1']);
    sets.get('room', 'm1', 'ann'); // used again: m2 is now the least recently used
    sets.replace('room', 'm3', 'cid', ['+1']);
    const kept = (id: string, user: string): boolean => sets.get('room', id, user).size > 0;
    assert.deepEqual([kept('m1', 'ann'), kept('m2', 'bob'), kept('m3', 'cid')], [true, false, true]);
  });
});

void describe('JIDs', () => {
  void it('lower-cases the bare part and keeps the resource (a MUC nick) as it is', () => {
    assert.equal(bareJid('Room@Conf.Example.org/Nick Name'), 'room@conf.example.org');
    assert.equal(resourceOf('Room@Conf.Example.org/Nick Name'), 'Nick Name');
    assert.equal(bareJid('Example.org'), 'example.org');
    assert.equal(resourceOf('a@b'), '');
  });

  void it('takes any text from a stanza without throwing: no domain gives empty strings', () => {
    assert.deepEqual([bareJid(''), bareJid('user@'), resourceOf('/nick')], ['', '', '']);
    fc.assert(fc.property(fc.string(), (text) => {
      assert.equal(typeof bareJid(text), 'string');
      assert.equal(typeof resourceOf(text), 'string');
    }));
  });
});

void describe('xmpp config', () => {
  const base = { jid: 'Bot@Example.org', password: 'pw' };

  void it('fills defaults and normalises JIDs', () => {
    const config = xmppConfigSchema.parse({ ...base, protocol: 'xmpp', roomPasswords: { 'Room@Conf.Example.org': 'x' } });
    assert.equal(config.jid, 'bot@example.org');
    assert.equal(config.service, undefined); // found through SRV records (connect-targets.ts)
    assert.deepEqual(config.dns, { timeoutMs: 5000, tries: 2 });
    assert.equal(config.connectTimeoutMs, 10_000);
    assert.equal(config.nick, 'switchboard');
    assert.equal(config.saslMechanism, 'SCRAM-SHA-1');
    assert.equal(config.requireTls, true);
    assert.deepEqual(config.roomPasswords, { 'room@conf.example.org': 'x' });
  });

  void it('is registered: the config loader validates xmpp networks with it', async () => {
    const { networks, problems } = await validateNetworks({ jabber: { protocol: 'xmpp', ...base }, bad: { protocol: 'xmpp', jid: 'x' } }, builtinProtocols());
    assert.deepEqual(networks.map((n) => [n.name, n.protocol, (n.options as { jid: string }).jid]), [['jabber', 'xmpp', 'bot@example.org']]);
    assert.ok(problems.some((p) => p.path.join('.') === 'networks.bad.jid'), JSON.stringify(problems));
    assert.ok(problems.some((p) => p.path.join('.') === 'networks.bad.password'), JSON.stringify(problems));
  });

  void it('takes DNS servers as IP addresses with an optional port, and nothing else', () => {
    const servers = ['127.0.0.1', '127.0.0.1:5353', '::1', '[2001:db8::53]:53'];
    assert.deepEqual(xmppConfigSchema.parse({ ...base, dns: { servers } }).dns.servers, servers);
    for (const bad of ['dns.example.org', '127.0.0.1:0', '127.0.0.1:70000', '[dns]:53', '']) {
      const result = xmppConfigSchema.safeParse({ ...base, dns: { servers: [bad] } });
      assert.equal(result.success, false, bad);
      assert.deepEqual(result.error?.issues[0]?.path, ['dns', 'servers', 0], bad);
    }
    assert.equal(xmppConfigSchema.safeParse({ ...base, dns: { servers: [] } }).success, false);
    assert.equal(xmppConfigSchema.safeParse({ ...base, dns: { timeoutMs: 10 } }).success, false);
  });

  void it('rejects bad values with messages that do not echo them', () => {
    const result = xmppConfigSchema.safeParse({ jid: 'not a jid', password: '', service: 'http://x', saslMechanism: 'DIGEST-MD5', typo: 1 });
    assert.equal(result.success, false);
    const text = JSON.stringify(result.error?.issues);
    for (const path of ['jid', 'password', 'service', 'saslMechanism']) assert.ok(text.includes(`"${path}"`), `${path} in ${text}`);
    assert.ok(text.includes('typo'));
    assert.ok(!text.includes('not a jid'));
  });
});

void describe('SASL mechanism choice', () => {
  void it('prefers the configured mechanism, else SCRAM, and PLAIN only when chosen or over TLS', () => {
    assert.equal(chooseMechanism(['SCRAM-SHA-1', 'PLAIN'], 'SCRAM-SHA-1', false), 'SCRAM-SHA-1');
    assert.equal(chooseMechanism(['SCRAM-SHA-1', 'PLAIN'], 'PLAIN', false), 'PLAIN');
    assert.equal(chooseMechanism(['PLAIN'], 'SCRAM-SHA-1', false), undefined);
    assert.equal(chooseMechanism(['PLAIN'], 'SCRAM-SHA-1', true), 'PLAIN');
    assert.equal(chooseMechanism([], 'PLAIN', true), undefined);
  });
});

void describe('HTTP upload parsing', () => {
  void it('reads the size limit and a slot, dropping headers the XEP does not allow', () => {
    const info = parseXml(`<query xmlns='http://jabber.org/protocol/disco#info'><feature var='urn:xmpp:http:upload:0'/>
      <x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE'><value>urn:xmpp:http:upload:0</value></field><field var='max-file-size'><value>1024</value></field></x></query>`);
    assert.equal(maxFileSize(info), 1024);
    const slot = parseXml(`<slot xmlns='urn:xmpp:http:upload:0'><put url='https://up.test/p'><header name='Authorization'>Basic x</header><header name='Host'>evil</header><header name='Cookie'>a=b\r\nX: y</header></put><get url='https://up.test/g'/></slot>`);
    assert.deepEqual(parseSlot(slot), { putUrl: 'https://up.test/p', getUrl: 'https://up.test/g', headers: { authorization: 'Basic x', cookie: 'a=bX: y' } });
    assert.throws(() => parseSlot(parseXml(`<slot xmlns='urn:xmpp:http:upload:0'><put url='ftp://x'/><get url='https://g'/></slot>`)), /valid put\/get/);
    assert.throws(() => parseSlot(undefined), /valid put\/get/);
  });

  void it('names files after the last path segment', () => {
    assert.equal(fileNameOf('https://x.test/a/b%20c.png?x=1'), 'b c.png');
    assert.equal(fileNameOf('https://x.test/'), 'https://x.test/');
    assert.equal(fileNameOf('not a url'), 'not a url');
  });
});
