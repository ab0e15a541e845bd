/**
 * The pure parts of the adapters' inbound hardening: the body cap, STATUSMSG targets, the
 * archive's test for our own messages (on stanzas as Prosody's mod_muc_mam sends them), the
 * XMPP inbound side's use of stanza-ids and the cap, and parsers whose work stays bounded
 * (reply fallbacks, reactions, XEP-0393 styling).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ircLineParser } from 'irc-framework';
import parseXml from '@xmpp/xml/lib/parse.js';
import type { AnyEventInput } from '../../src/core/event.js';
import { silentLogger } from '../../src/core/log.js';
import { capText, TRUNCATION_MARKER } from '../../src/core/body-cap.js';
import { ServerSupport } from '../../src/networks/irc/isupport.js';
import { MemberTracker } from '../../src/networks/irc/members.js';
import { InboundMapper } from '../../src/networks/irc/inbound.js';
import { archivedFromUs, archivedRealJid } from '../../src/networks/xmpp/archive.js';
import { Inbound } from '../../src/networks/xmpp/inbound.js';
import { LogOnce } from '../../src/networks/log-once.js';
import { Confirmations } from '../../src/networks/xmpp/confirmations.js';
import { MessageIds } from '../../src/networks/xmpp/message-ids.js';
import { MucRoom } from '../../src/networks/xmpp/muc-room.js';
import { ReactionSets } from '../../src/networks/xmpp/reactions.js';
import { NS } from '../../src/networks/xmpp/namespaces.js';
import { plainText } from '../../src/core/richtext-ops.js';
import { ircConfigSchema } from '../../src/networks/irc/config.js';
import { xmppConfigSchema } from '../../src/networks/xmpp/config.js';
import type { RichNode, RichText } from '../../src/core/richtext.js';
import { parseStyling } from '../../src/networks/xmpp/styling-parse.js';
import { MAX_REACTION_LENGTH, MAX_REACTIONS, parseMessage, parseMucPresence } from '../../src/networks/xmpp/stanza-parse.js';

const bytes = (text: string): number => Buffer.byteLength(text);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

void describe('capText', () => {
  void it('leaves a text within the cap alone and cuts a longer one with the marker', () => {
    assert.deepEqual(capText('short', 300), { text: 'short', truncated: false });
    assert.deepEqual(capText('é'.repeat(150), 300), { text: 'é'.repeat(150), truncated: false }, 'exactly 300 bytes');
    const cut = capText('é'.repeat(151), 300);
    assert.equal(cut.truncated, true);
    assert.ok(cut.text.endsWith(TRUNCATION_MARKER));
    assert.ok(bytes(cut.text) <= 300);
  });

  void it('property: within the cap, never splits a character, keeps the head unchanged', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.integer({ min: 64, max: 600 }), (text, max) => {
      const capped = capText(text, max);
      assert.ok(bytes(capped.text) <= max, `${bytes(capped.text)} > ${max}`);
      assert.equal(capped.truncated, bytes(text) > max);
      if (!capped.truncated) return assert.equal(capped.text, text);
      const head = capped.text.slice(0, -TRUNCATION_MARKER.length);
      assert.ok(text.startsWith(head), 'the head is the start of the text');
      assert.doesNotMatch(head, LONE_SURROGATE, 'no half of a surrogate pair');
    }));
  });
});

void describe('IRC STATUSMSG and the body cap', () => {
  function mapper(maxBodyBytes?: number) {
    const support = new ServerSupport();
    support.update(['PREFIX=(ov)@+', 'STATUSMSG=@+', 'CHANTYPES=#&']);
    const events: AnyEventInput[] = [];
    const issues: string[] = [];
    const m = new InboundMapper({
      network: 'net', support, members: new MemberTracker(support), ownNick: () => 'bot', emit: (e) => events.push(e), mintId: () => 'id',
      onIssue: (issue) => issues.push(issue), ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
    });
    return { support, events, issues, feed: (line: string) => m.handle(ircLineParser(line)) };
  }

  void it('finds the status prefix of a target', () => {
    const { support } = mapper();
    assert.equal(support.statusPrefix('@#chan'), '@');
    assert.equal(support.statusPrefix('+#chan'), '+');
    assert.equal(support.statusPrefix('@+#chan'), '@+');
    assert.equal(support.statusPrefix('#chan'), '');
    assert.equal(support.statusPrefix('&chan'), '');
    assert.equal(support.statusPrefix('bot'), '', 'a nick is no channel');
    assert.equal(support.statusPrefix('@bot'), '');
    assert.equal(support.statusPrefix('@'), '');
  });

  void it('reports no message to @#chan or +#chan (PRIVMSG, NOTICE, ACTION), and says why', () => {
    const h = mapper();
    h.feed(':alice!a@h PRIVMSG @#chan :ops only');
    h.feed(':alice!a@h NOTICE @#chan :ops notice');
    h.feed(':alice!a@h PRIVMSG +#chan :\x01ACTION waves to the voiced\x01');
    h.feed(':alice!a@h PRIVMSG #chan :everyone');
    assert.deepEqual(h.events.map((e) => (e.command === 'MESSAGE' ? plainText(e.args.message.body) : e.command)), ['everyone']);
    assert.deepEqual(h.issues, ['status-message', 'status-message', 'status-message']);
  });

  void it('cuts a text longer than maxBodyBytes before parsing it', () => {
    const h = mapper(256);
    h.feed(`:alice!a@h PRIVMSG #chan :\x02${'b'.repeat(400)}\x02`);
    const event = h.events[0];
    assert.ok(event?.command === 'MESSAGE');
    const text = plainText(event.args.message.body);
    assert.ok(text.endsWith(TRUNCATION_MARKER) && bytes(text) <= 256, text);
    assert.deepEqual(h.issues, ['truncated']);
  });
});

void describe('archived messages of our own (MAM results as Prosody sends them)', () => {
  const room = 'lobby@conference.localhost';
  const us = { nicks: ['switchboard'], account: 'bridgebot@localhost' };
  const archived = (xml: string) => parseXml(xml);

  void it('believes a message from our nick, with our real JID or none shown', () => {
    assert.equal(archivedFromUs(archived(`<message xmlns='jabber:client' from='${room}/switchboard' type='groupchat' id='sb-1'><body>x</body><origin-id xmlns='${NS.sid}' id='sb-1'/></message>`), room, us), true);
    assert.equal(archivedFromUs(archived(`<message from='${room}/switchboard' type='groupchat'><body>x</body><x xmlns='${NS.mucUser}'><item jid='BridgeBot@localhost/switchboard'/></x></message>`), room, us), true);
  });

  void it('reads the real JID an archived message shows, and no JID when it shows different ones', () => {
    const x = (jid: string): string => `<x xmlns='${NS.mucUser}'><item jid='${jid}'/></x>`;
    const shown = (extra: string): string | null | undefined => archivedRealJid(archived(`<message from='${room}/someone' type='groupchat'><body>x</body>${extra}</message>`));
    assert.equal(shown(''), undefined);
    assert.equal(shown(x('Alice@Localhost/phone')), 'alice@localhost');
    assert.equal(shown(x('alice@localhost') + x('ALICE@localhost/pc')), 'alice@localhost');
    assert.equal(shown(x('bridgebot@localhost') + x('mallory@localhost')), null);
  });

  void it('does not believe another occupant, another nick, another account, or another room', () => {
    const forged = (from: string, extra = ''): boolean =>
      archivedFromUs(archived(`<message from='${from}' type='groupchat' id='sb-1'><body>x</body><origin-id xmlns='${NS.sid}' id='sb-1'/>${extra}</message>`), room, us);
    assert.equal(forged(`${room}/mallory`), false);
    assert.equal(forged(`${room}/switchboard`, `<x xmlns='${NS.mucUser}'><item jid='mallory@localhost/pc'/></x>`), false, 'our nick taken by someone else');
    assert.equal(forged(`other@conference.localhost/switchboard`), false);
    assert.equal(
      forged(`${room}/switchboard`, `<x xmlns='${NS.mucUser}'><item jid='bridgebot@localhost'/></x><x xmlns='${NS.mucUser}'><item jid='mallory@localhost'/></x>`),
      false,
      'our nick taken by someone who put our real JID in the message: the room adds the real one after it (Prosody keeps both)',
    );
    assert.equal(forged(room), false, 'the room itself');
  });

  void it('decides by occupant id (XEP-0421) when the room adds them and ours is known', () => {
    const withOccupantId = (nick: string, id: string) =>
      archived(`<message from='${room}/${nick}' type='groupchat'><body>x</body><occupant-id xmlns='${NS.occupantId}' id='${id}'/></message>`);
    const ours = { ...us, occupantId: 'occ-ours' };
    assert.equal(archivedFromUs(withOccupantId('switchboard', 'occ-mallory'), room, ours), false, 'our nick, taken by someone else while we were away');
    assert.equal(archivedFromUs(withOccupantId('switchboard_1', 'occ-ours'), room, ours), true, 'us, under the nick the room gave us then');
    assert.equal(archivedFromUs(withOccupantId('switchboard', 'occ-any'), room, us), true, 'ours unknown: the room may not add them, so one on a message proves nothing either way');
  });

  void it('learns our occupant id from our self-presence', () => {
    const muc = new MucRoom(room, 'switchboard');
    muc.startJoin('switchboard');
    muc.apply(parseMucPresence(archived(`<presence from='${room}/switchboard'><x xmlns='${NS.mucUser}'><item role='participant'/><status code='110'/></x><occupant-id xmlns='${NS.occupantId}' id='occ-ours'/></presence>`))!);
    assert.equal(muc.ownOccupantId, 'occ-ours');
  });
});

void describe('XMPP inbound: stanza-ids and the body cap', () => {
  const ROOM = 'room@conf.test';
  function setup(assignsStanzaIds: boolean) {
    const events: AnyEventInput[] = [];
    const room = new MucRoom(ROOM, 'bot');
    const inbound = new Inbound({
      ctx: {
        name: 'jabber', log: silentLogger(),
        store: { get: async () => undefined, set: async () => undefined, delete: async () => false, keys: async () => [], deleteOlderThan: async () => 0 },
        wantedChannels: () => [], emit: (e) => events.push(e), connectionLost: () => undefined,
      },
      rooms: new Map([[ROOM, room]]), ids: new MessageIds(), reactions: new ReactionSets(),
      logOnce: new LogOnce(silentLogger()), account: 'bot@x.test', confirmations: new Confirmations(1000), onSelfChange: () => undefined, onRoomError: () => undefined,
      peerBridges: new Set(), maxBodyBytes: 1024,
    });
    const feed = (text: string): void => inbound.handle(parseXml(text));
    room.startJoin('bot');
    room.assignsStanzaIds = assignsStanzaIds;
    feed(`<presence from='${ROOM}/al'><x xmlns='${NS.mucUser}'><item role='participant'/></x></presence>`);
    feed(`<presence from='${ROOM}/bot'><x xmlns='${NS.mucUser}'><item role='participant'/><status code='110'/></x></presence>`);
    feed(`<message from='${ROOM}' type='groupchat'><subject/></message>`);
    const messages = () => events.flatMap((e) => (e.command === 'MESSAGE' ? [e.args.message] : []));
    return { feed, messages };
  }
  const withStanzaId = (id: string, stanzaId: string, text = 'hi') =>
    `<message from='${ROOM}/al' type='groupchat' id='${id}'><body>${text}</body><stanza-id xmlns='${NS.sid}' by='${ROOM}' id='${stanzaId}'/></message>`;

  void it('uses a room\'s stanza-id only when the room said it assigns them', () => {
    const trusting = setup(true);
    trusting.feed(withStanzaId('a1', 'room-1'));
    assert.equal(trusting.messages()[0]?.id, 'room-1');
    const plain = setup(false);
    plain.feed(withStanzaId('a1', 'our-delivery-id'));
    const id = plain.messages()[0]?.id;
    assert.ok(id !== undefined && id !== 'our-delivery-id' && id.endsWith('/a1'), `a forged stanza-id is not the hub id: ${id}`);
  });

  void it('cuts a body longer than maxBodyBytes before parsing its styling', () => {
    const { feed, messages } = setup(true);
    feed(withStanzaId('long', 'room-2', `*${'w '.repeat(2000)}*`));
    const text = plainText(messages()[0]?.body ?? []);
    assert.ok(text.endsWith(TRUNCATION_MARKER) && bytes(text) <= 1024, `${bytes(text)} bytes`);
  });
});

void describe('XMPP stanza parsing: bounded work', () => {
  const reply = (body: string, ranges: ReadonlyArray<readonly [number, number]>) => parseXml(
    `<message from='r@c/a' type='groupchat'><body>${body}</body><reply xmlns='${NS.reply}' id='x'/>`
    + `<fallback xmlns='${NS.fallback}' for='${NS.reply}'>${ranges.map(([s, e]) => `<body start='${s}' end='${e}'/>`).join('')}</fallback></message>`);

  void it('property: removing reply fallback ranges keeps exactly the code points outside them', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'é', '😀', ' '), maxLength: 40 });
    const range = fc.tuple(fc.integer({ min: -2, max: 45 }), fc.integer({ min: -2, max: 45 }));
    fc.assert(fc.property(text, fc.array(range, { maxLength: 6 }), (body, ranges) => {
      const points = [...body];
      const valid = ranges.filter(([s, e]) => s >= 0 && e <= points.length && s < e);
      const expected = points.filter((_, i) => !valid.some(([s, e]) => i >= s && i < e)).join('');
      assert.equal(parseMessage(reply(body, ranges))?.body, expected);
    }));
  });

  void it('reads at most MAX_REACTIONS reactions, each at most MAX_REACTION_LENGTH long', () => {
    const many = Array.from({ length: 500 }, (_, i) => `<reaction>r${i}</reaction>`).join('');
    const parsed = parseMessage(parseXml(`<message from='r@c/a' type='groupchat'><reactions xmlns='${NS.reactions}' id='m1'>`
      + `<reaction>${'x'.repeat(MAX_REACTION_LENGTH + 1)}</reaction>${many}</reactions></message>`));
    assert.deepEqual(parsed?.reactions?.emojis, Array.from({ length: MAX_REACTIONS }, (_, i) => `r${i}`));
  });
});

/**
 * XEP-0393 styling as the straightforward definition reads (each opener scans for its closer,
 * each fence for its end): quadratic, kept here only as the oracle for the linear parser.
 */
function referenceStyling(body: string): RichText {
  const styles: Record<string, 'bold' | 'italic' | 'strike' | 'code'> = { '*': 'bold', _: 'italic', '~': 'strike', '`': 'code' };
  const space = (ch: string | undefined): boolean => ch !== undefined && /\s/.test(ch);
  const merge = (nodes: RichNode[], node: RichNode): void => {
    const last = nodes[nodes.length - 1];
    if (node.type === 'text' && node.text === '') return;
    if (node.type === 'text' && last?.type === 'text') nodes[nodes.length - 1] = { type: 'text', text: last.text + node.text };
    else nodes.push(node);
  };
  const spans = (line: string): RichNode[] => {
    const out: RichNode[] = [];
    let plainFrom = 0;
    let afterOpening = true;
    for (let i = 0; i < line.length;) {
      const style = styles[line[i] as string];
      let close = -1;
      if (style !== undefined && (afterOpening || space(line[i - 1])) && line[i + 1] !== undefined && !space(line[i + 1])) {
        for (let j = i + 2; j < line.length && close < 0; j++) if (line[j] === line[i] && !space(line[j - 1])) close = j;
      }
      if (style === undefined || close < 0) {
        afterOpening = false;
        i += 1;
        continue;
      }
      merge(out, { type: 'text', text: line.slice(plainFrom, i) });
      const inner = line.slice(i + 1, close);
      merge(out, style === 'code' ? { type: 'code', text: inner } : { type: style, children: spans(inner) });
      i = close + 1;
      plainFrom = i;
      afterOpening = false;
    }
    merge(out, { type: 'text', text: line.slice(plainFrom) });
    return out;
  };
  const lines = body.split('\n');
  const out: RichNode[] = [];
  for (let i = 0; i < lines.length;) {
    const line = lines[i] as string;
    let closing = -1;
    if (line.startsWith('```')) for (let j = i + 2; j < lines.length && closing < 0; j++) if (lines[j] === '```') closing = j;
    if (closing >= 0) {
      const text = lines.slice(i + 1, closing).join('\n');
      const language = line.slice(3);
      merge(out, language === '' ? { type: 'pre', text } : { type: 'pre', text, language });
      if (closing + 1 < lines.length) merge(out, { type: 'text', text: '\n' });
      i = closing + 1;
      continue;
    }
    for (const node of spans(line)) merge(out, node);
    if (i + 1 < lines.length) merge(out, { type: 'text', text: '\n' });
    i += 1;
  }
  return out;
}

void describe('XEP-0393 styling parse: bounded work', () => {
  void it('property: gives what the straightforward definition gives', () => {
    const text = fc.string({ unit: fc.constantFrom('*', '_', '~', '`', '```', 'a', 'b', ' ', '\n', '\t', 'é'), maxLength: 60 });
    fc.assert(fc.property(text, (body) => assert.deepEqual(parseStyling(body), referenceStyling(body))), { numRuns: 2000 });
  });
});

void describe('config: peerBridges and maxBodyBytes', () => {
  const irc = { host: 'irc.example.org', nick: 'relaybot' };
  const xmpp = { jid: 'bot@example.org', password: 'pw' };

  void it('defaults: nobody is a peer; 16 KiB on IRC, 64 KiB on XMPP', () => {
    const i = ircConfigSchema.parse(irc);
    const x = xmppConfigSchema.parse(xmpp);
    assert.deepEqual([i.peerBridges, i.maxBodyBytes], [[], 16 * 1024]);
    assert.deepEqual([x.peerBridges, x.maxBodyBytes], [[], 64 * 1024]);
  });

  void it('takes accounts and masks on IRC, bare JIDs (lower-cased) on XMPP; refuses anything else', () => {
    assert.deepEqual(ircConfigSchema.parse({ ...irc, peerBridges: ['account:relay2', 'relaybot2!*@bridge.example.org'] }).peerBridges, ['account:relay2', 'relaybot2!*@bridge.example.org']);
    assert.deepEqual(xmppConfigSchema.parse({ ...xmpp, peerBridges: ['Bridge2@Example.org'] }).peerBridges, ['bridge2@example.org']);
    assert.equal(ircConfigSchema.safeParse({ ...irc, peerBridges: ['relaybot2'] }).success, false, 'a bare nick is too weak');
    assert.equal(xmppConfigSchema.safeParse({ ...xmpp, peerBridges: ['bridge2@example.org/res'] }).success, false);
    assert.equal(ircConfigSchema.safeParse({ ...irc, maxBodyBytes: 100 }).success, false);
    assert.equal(xmppConfigSchema.safeParse({ ...xmpp, maxBodyBytes: 100 }).success, false);
  });
});
