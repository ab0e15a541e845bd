/**
 * Hop marker and delivery ids in both adapters (pure parts): the IRC client tag (written only
 * where the connection carries it, read from received lines) and the XMPP `<relayed/>` element
 * and stable origin-ids.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ircLineParser } from 'irc-framework';
import parseXml from '@xmpp/xml/lib/parse.js';
import type { AnyEventInput } from '../../src/core/event.js';
import { silentLogger } from '../../src/core/log.js';
import { ServerSupport } from '../../src/networks/irc/isupport.js';
import { MemberTracker } from '../../src/networks/irc/members.js';
import { InboundMapper } from '../../src/networks/irc/inbound.js';
import { hasRelayedTag, lineForConnection, RELAYED_TAG, withClientTags } from '../../src/networks/irc/tags.js';
import { PeerBridges, peerBridgeProblem } from '../../src/networks/irc/peer-bridges.js';
import { buildChatMessage } from '../../src/networks/xmpp/stanza-build.js';
import { parseMessage } from '../../src/networks/xmpp/stanza-parse.js';
import { deliveryIds } from '../../src/networks/xmpp/outbound.js';
import { Inbound } from '../../src/networks/xmpp/inbound.js';
import { LogOnce } from '../../src/networks/log-once.js';
import { Confirmations } from '../../src/networks/xmpp/confirmations.js';
import { MessageIds } from '../../src/networks/xmpp/message-ids.js';
import { MucRoom } from '../../src/networks/xmpp/muc-room.js';
import { ReactionSets } from '../../src/networks/xmpp/reactions.js';
import { NS } from '../../src/networks/xmpp/namespaces.js';

/** A stanza we built, as a room would echo it (with a sender). */
function received(text: string): ReturnType<typeof parseXml> {
  const el = parseXml(text);
  el.attrs.from = 'r@c/bot';
  return el;
}

const all = (): boolean => true;
const none = (): boolean => false;

void describe('IRC hop marker tag', () => {
  void it('is a client tag with a vendor prefix in DNS form', () => {
    assert.match(RELAYED_TAG, /^\+[a-z0-9-]+(\.[a-z0-9-]+)+\/[a-z0-9-]+$/);
  });

  void it('is written in front of the line and kept only where the connection supports it', () => {
    const line = withClientTags('PRIVMSG #c :hi there', [RELAYED_TAG]);
    assert.equal(line, `@${RELAYED_TAG} PRIVMSG #c :hi there`);
    assert.equal(withClientTags('PRIVMSG #c :x', []), 'PRIVMSG #c :x');
    assert.equal(lineForConnection(line, all), line);
    assert.equal(lineForConnection(line, none), 'PRIVMSG #c :hi there', 'no message-tags: the section goes');
    assert.equal(lineForConnection('@a;+b=1;c PRIVMSG #c :x', (t) => t !== '+b'), '@a;c PRIVMSG #c :x', 'a denied tag alone goes');
    assert.equal(lineForConnection('JOIN #c', none), 'JOIN #c');
    assert.equal(lineForConnection('PRIVMSG #c :@not a tag', none), 'PRIVMSG #c :@not a tag');
  });

  void it('property: removing tags never changes the line after them', () => {
    const tagName = fc.stringMatching(/^\+?[a-z][a-z0-9./-]{0,15}$/);
    const text = fc.string({ maxLength: 60 }).map((s) => s.replace(/[\r\n\0]/g, ''));
    fc.assert(fc.property(fc.array(tagName, { maxLength: 4 }), text, fc.func(fc.boolean()), (tags, body, supports) => {
      const line = `PRIVMSG #c :${body}`;
      const written = lineForConnection(withClientTags(line, tags), supports);
      assert.ok(written.endsWith(line));
      const parsed = ircLineParser(written);
      assert.deepEqual(parsed.params, ['#c', body]);
      for (const tag of Object.keys(parsed.tags)) assert.ok(tags.includes(tag) && supports(tag), `${tag} was supported`);
    }));
  });

  void it('is recognised on received lines, with or without a value', () => {
    assert.equal(hasRelayedTag(ircLineParser(`@msgid=1;${RELAYED_TAG} :a!b@c PRIVMSG #x :hi`).tags), true);
    assert.equal(hasRelayedTag(ircLineParser(`@${RELAYED_TAG}=1 :a!b@c PRIVMSG #x :hi`).tags), true);
    assert.equal(hasRelayedTag(ircLineParser('@msgid=1;+other.example/relayed :a!b@c PRIVMSG #x :hi').tags), false);
    assert.equal(hasRelayedTag(ircLineParser(':a!b@c PRIVMSG #x :hi').tags), false);
  });

  void it('sets Message.relayed on inbound messages that carry it from a peer bridge, and only on those', () => {
    const support = new ServerSupport();
    const events: AnyEventInput[] = [];
    let counter = 0;
    const mapper = new InboundMapper({
      network: 'net', support, members: new MemberTracker(support), ownNick: () => 'bot', emit: (e) => events.push(e), mintId: () => `id${++counter}`,
      peerBridges: new PeerBridges(['Bridge2!*@peer.example', 'account:relay-*']),
    });
    for (const line of [
      `@${RELAYED_TAG} :bridge2!b@peer.example PRIVMSG #chan :from a bridge`,
      ':bridge2!b@peer.example PRIVMSG #chan :typed by the bridge',
      `@${RELAYED_TAG} :BRIDGE2!x@PEER.example PRIVMSG #chan :\x01ACTION waves\x01`,
      `@${RELAYED_TAG} :bridge2!b@peer.example NOTICE bot :private`,
      `@${RELAYED_TAG};account=relay-three :other!o@elsewhere PRIVMSG #chan :by account`,
      `@${RELAYED_TAG} :mallory!m@h PRIVMSG #chan :hidden from the others?`,
      `@${RELAYED_TAG} :bridge2!b@evil.example PRIVMSG #chan :same nick, other host`,
      `@${RELAYED_TAG};account=mallory :mallory!m@h PRIVMSG #chan :another account`,
    ]) mapper.handle(ircLineParser(line));
    const relayed = events.map((e) => (e.command === 'MESSAGE' ? e.args.message.relayed : 'not a MESSAGE'));
    assert.deepEqual(relayed, [true, undefined, true, true, true, undefined, undefined, undefined]);
  });

  void it('believes nobody\'s marker without peerBridges', () => {
    const support = new ServerSupport();
    const events: AnyEventInput[] = [];
    const mapper = new InboundMapper({ network: 'net', support, members: new MemberTracker(support), ownNick: () => 'bot', emit: (e) => events.push(e), mintId: () => 'id' });
    mapper.handle(ircLineParser(`@${RELAYED_TAG} :alice!a@h PRIVMSG #chan :from a bridge`));
    assert.equal(events[0]?.command === 'MESSAGE' && events[0].args.message.relayed, undefined);
  });

  void it('accepts only accounts and full masks as peer bridges', () => {
    assert.equal(peerBridgeProblem('account:relay'), undefined);
    assert.equal(peerBridgeProblem('relay!*@host.example'), undefined);
    for (const bad of ['relay', 'relay@host', 'account:', '*!*', 'a b!c@d']) assert.ok(peerBridgeProblem(bad), bad);
  });
});

void describe('XMPP hop marker and delivery ids', () => {
  void it('puts <relayed/> in our namespace on a relayed message and reads it back', () => {
    const marked = buildChatMessage({ to: 'r@c', type: 'groupchat', id: 'd1', body: 'hi', relayed: true });
    assert.equal(marked.getChild('relayed', NS.relay)?.attrs.xmlns, 'urn:switchboard:relay:0');
    assert.equal(parseMessage(received(marked.toString()))?.relayed, true);
    const plain = buildChatMessage({ to: 'r@c', type: 'groupchat', id: 'd2', body: 'hi' });
    assert.equal(plain.getChild('relayed', NS.relay), undefined);
    assert.equal(parseMessage(received(plain.toString()))?.relayed, undefined);
    const otherNs = parseXml(`<message from='r@c/a' type='groupchat'><body>x</body><relayed xmlns='urn:example:other'/></message>`);
    assert.equal(parseMessage(otherNs)?.relayed, undefined, 'only our namespace counts');
  });

  void it('uses the delivery id as id and origin-id, the same every time it is asked', () => {
    const first = deliveryIds('relay:abc');
    const again = deliveryIds('relay:abc');
    assert.deepEqual([0, 1, 2].map(first), ['relay:abc', 'relay:abc-1', 'relay:abc-2']);
    assert.deepEqual([0, 1, 2].map(again), [0, 1, 2].map(first));
    const stanza = buildChatMessage({ to: 'r@c', type: 'groupchat', id: first(0), body: 'x' });
    assert.equal(stanza.attrs.id, 'relay:abc');
    assert.equal(stanza.getChild('origin-id', NS.sid)?.attrs.id, 'relay:abc');
  });

  void it('makes random ids when no delivery id is given (or it has nothing left after cleaning)', () => {
    for (const id of [undefined, '', '\u0001\u0002']) {
      const ids = deliveryIds(id);
      const a = ids(0);
      const b = ids(0);
      assert.match(a, /^[0-9a-f-]{36}$/);
      assert.notEqual(a, b);
    }
    assert.equal(deliveryIds('a\u0000b')(0), 'ab', 'characters XML cannot carry are removed');
  });

  void it('sets Message.relayed on inbound room messages that carry the element', () => {
    const events: AnyEventInput[] = [];
    const room = new MucRoom('room@conf.test', 'bot');
    const inbound = new Inbound({
      ctx: {
        name: 'jabber', log: silentLogger(),
        store: { get: async () => undefined, set: async () => undefined, delete: async () => false, keys: async () => [], deleteOlderThan: async () => 0 },
        wantedChannels: () => [], emit: (e) => events.push(e), connectionLost: () => undefined,
      },
      rooms: new Map([['room@conf.test', room]]), ids: new MessageIds(), reactions: new ReactionSets(),
      logOnce: new LogOnce(silentLogger()), account: 'bot@x.test', confirmations: new Confirmations(1000), onSelfChange: () => undefined, onRoomError: () => undefined,
      peerBridges: new Set(['al@x.test']), maxBodyBytes: 65_536,
    });
    const feed = (text: string): void => inbound.handle(parseXml(text));
    room.startJoin('bot');
    room.assignsStanzaIds = true;
    feed(`<presence from='room@conf.test/al'><x xmlns='${NS.mucUser}'><item role='participant' jid='Al@x.test/bridge'/></x></presence>`);
    feed(`<presence from='room@conf.test/eve'><x xmlns='${NS.mucUser}'><item role='participant' jid='eve@x.test/pc'/></x></presence>`);
    feed(`<presence from='room@conf.test/anon'><x xmlns='${NS.mucUser}'><item role='participant'/></x></presence>`);
    feed(`<presence from='room@conf.test/bot'><x xmlns='${NS.mucUser}'><item role='participant'/><status code='110'/></x></presence>`);
    feed(`<message from='room@conf.test' type='groupchat'><subject/></message>`);
    const sid = (id: string): string => `<stanza-id xmlns='${NS.sid}' by='room@conf.test' id='${id}'/>`;
    feed(`<message from='room@conf.test/al' type='groupchat' id='m1'><body>bridged</body><relayed xmlns='${NS.relay}'/>${sid('s1')}</message>`);
    feed(`<message from='room@conf.test/al' type='groupchat' id='m2'><body>typed</body>${sid('s2')}</message>`);
    feed(`<message from='al@x.test/phone' type='chat' id='m3'><body>direct</body><relayed xmlns='${NS.relay}'/></message>`);
    feed(`<message from='room@conf.test/eve' type='groupchat' id='m4'><body>hidden from the others?</body><relayed xmlns='${NS.relay}'/>${sid('s4')}</message>`);
    feed(`<message from='room@conf.test/anon' type='groupchat' id='m5'><body>real JID unknown</body><relayed xmlns='${NS.relay}'/>${sid('s5')}</message>`);
    feed(`<message from='eve@x.test/pc' type='chat' id='m6'><body>direct from eve</body><relayed xmlns='${NS.relay}'/></message>`);
    const messages = events.flatMap((e) => (e.command === 'MESSAGE' ? [e.args.message] : []));
    assert.deepEqual(messages.map((m) => m.relayed), [true, undefined, true, undefined, undefined, undefined]);
  });
});
