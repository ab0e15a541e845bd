import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import parseXml from '@xmpp/xml/lib/parse.js';
import xml from '@xmpp/xml';
import {
  buildChatMessage,
  buildChatState,
  buildMucAdminQuery,
  buildMucJoin,
  buildReactions,
  buildRetraction,
  buildUploadRequest,
} from '../../src/networks/xmpp/stanza-build.js';
import { parseContactPresence, parseMessage, parseMucPresence } from '../../src/networks/xmpp/stanza-parse.js';
import { isValidXmlText, stripInvalidXmlChars, stripInvalidXmlCharsInTree } from '../../src/networks/xmpp/xml-chars.js';
import { chatStringArbitrary, richTextArbitrary } from './arbitraries.js';
import { renderStyling } from '../../src/networks/xmpp/styling-render.js';

/** Serialises and re-parses, as the server would see the stanza. */
const roundTrip = (el: { toString(): string }) => parseXml(el.toString());

void describe('XML character stripping', () => {
  void it('removes C0 controls, U+FFFE/U+FFFF and lone surrogates, keeps tab/LF/CR and pairs', () => {
    assert.equal(stripInvalidXmlChars('a\0b\x01c\x1fd\tz\ny\rx\uFFFE\uFFFF😀\uD800e\uDC00'), 'abcd\tz\ny\rx😀e');
  });

  void it('property: the result is valid XML text and stripping is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = stripInvalidXmlChars(s);
        assert.ok(isValidXmlText(out));
        assert.equal(stripInvalidXmlChars(out), out);
      }),
    );
  });

  void it('property: valid text is left alone', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => assert.equal(stripInvalidXmlChars(s), s)));
  });

  void it('a whole stanza: every attribute and text at any depth is cleaned, the rest kept; it parses again', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (id, body, note) => {
        const el = xml('message', { id, to: 'a@example.org' }, xml('body', {}, body), xml('x', { xmlns: 'urn:test' }, xml('note', { title: note }, note, xml('i', {}, body))));
        stripInvalidXmlCharsInTree(el);
        const parsed = roundTrip(el);
        assert.equal(parsed.attrs.id, stripInvalidXmlChars(id));
        assert.equal(parsed.attrs.to, 'a@example.org');
        assert.equal(parsed.getChildText('body'), stripInvalidXmlChars(body));
        const noteEl = parsed.getChild('x')?.getChild('note');
        assert.equal(noteEl?.attrs.title, stripInvalidXmlChars(note));
        assert.equal(noteEl?.getChildText('i'), stripInvalidXmlChars(body));
      }),
    );
  });
});

void describe('stanza building', () => {
  void it('builds a groupchat message with origin-id, correction, reply and OOB link', () => {
    const el = buildChatMessage({
      to: 'room@conf.test',
      type: 'groupchat',
      id: 'abc',
      body: 'hi',
      replaceId: 'old',
      reply: { id: 'orig', to: 'room@conf.test/al' },
      links: [{ url: 'https://f.test/a.png', desc: 'a.png' }],
    });
    assert.equal(
      el.toString(),
      '<message to="room@conf.test" type="groupchat" id="abc"><body>hi</body><origin-id xmlns="urn:xmpp:sid:0" id="abc"/>' +
        '<replace xmlns="urn:xmpp:message-correct:0" id="old"/><reply xmlns="urn:xmpp:reply:0" id="orig" to="room@conf.test/al"/>' +
        '<x xmlns="jabber:x:oob"><url>https://f.test/a.png</url><desc>a.png</desc></x></message>',
    );
  });

  void it('property: no relayed text can add elements or attributes to a message', () => {
    fc.assert(
      fc.property(chatStringArbitrary('any'), fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (body, id, to) => {
        const parsed = roundTrip(buildChatMessage({ to: `r@c/${to}`, type: 'groupchat', id, body, replaceId: id }));
        assert.deepEqual(parsed.getChildElements().map((c) => c.name), ['body', 'origin-id', 'replace']);
        assert.deepEqual(Object.keys(parsed.attrs), ['to', 'type', 'id']);
        assert.equal(parsed.getChildText('body'), stripInvalidXmlChars(body));
        assert.equal(parsed.attrs.id, stripInvalidXmlChars(id));
        assert.equal(parsed.getChildElements()[0]?.children.length ?? 0, body === '' || stripInvalidXmlChars(body) === '' ? 0 : 1);
      }),
      { numRuns: 500 },
    );
  });

  void it('property: a chat message is the element xml() builds, serialised the same, for any spec', () => {
    // The builder makes its common elements directly (no attribute copies); the reference is xml() throughout.
    const reference = (spec: Parameters<typeof buildChatMessage>[0]): string => {
      const id = stripInvalidXmlChars(spec.id);
      return xml(
        'message',
        { to: stripInvalidXmlChars(spec.to), type: spec.type, id },
        xml('body', {}, stripInvalidXmlChars(spec.body)),
        xml('origin-id', { xmlns: 'urn:xmpp:sid:0', id }),
        spec.replaceId !== undefined && xml('replace', { xmlns: 'urn:xmpp:message-correct:0', id: stripInvalidXmlChars(spec.replaceId) }),
        spec.reply !== undefined && xml('reply', { xmlns: 'urn:xmpp:reply:0', id: stripInvalidXmlChars(spec.reply.id), to: spec.reply.to === undefined ? undefined : stripInvalidXmlChars(spec.reply.to) }),
        (spec.links ?? []).map((link) => xml('x', { xmlns: 'jabber:x:oob' }, xml('url', {}, stripInvalidXmlChars(link.url)), link.desc === undefined ? null : xml('desc', {}, stripInvalidXmlChars(link.desc)))),
        spec.mucPrivate === true && xml('x', { xmlns: 'http://jabber.org/protocol/muc#user' }),
        spec.relayed === true && xml('relayed', { xmlns: 'urn:switchboard:relay:0' }),
        spec.sentAt !== undefined && Number.isFinite(spec.sentAt) && xml('delay', { xmlns: 'urn:xmpp:delay', stamp: new Date(spec.sentAt).toISOString() }),
      ).toString();
    };
    const text = fc.oneof(fc.constant(''), chatStringArbitrary(), fc.string());
    fc.assert(
      fc.property(
        fc.record({
          to: text, type: fc.constantFrom('groupchat' as const, 'chat' as const), id: text, body: text,
          replaceId: fc.option(text, { nil: undefined }),
          reply: fc.option(fc.record({ id: text, to: fc.option(text, { nil: undefined }) }), { nil: undefined }),
          links: fc.option(fc.array(fc.record({ url: text, desc: fc.option(text, { nil: undefined }) }), { maxLength: 2 }), { nil: undefined }),
          mucPrivate: fc.option(fc.boolean(), { nil: undefined }),
          relayed: fc.option(fc.boolean(), { nil: undefined }),
          sentAt: fc.option(fc.integer({ min: 0, max: 4_000_000_000_000 }), { nil: undefined }),
        }),
        (spec) => {
          const noUndefined = Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)) as unknown as Parameters<typeof buildChatMessage>[0];
          const built = buildChatMessage(noUndefined);
          assert.equal(built.toString(), reference(noUndefined));
          for (const child of built.children) if (typeof child !== 'string') assert.equal(child.parent, built);
        },
      ),
      { numRuns: 500 },
    );
  });

  void it('marks private messages to room occupants', () => {
    assert.equal(
      buildChatMessage({ to: 'r@c/al', type: 'chat', id: 'p', body: 'psst', mucPrivate: true }).toString(),
      '<message to="r@c/al" type="chat" id="p"><body>psst</body><origin-id xmlns="urn:xmpp:sid:0" id="p"/><x xmlns="http://jabber.org/protocol/muc#user"/></message>',
    );
  });

  void it('property: any RichText, rendered and sent, stays inside its body', () => {
    fc.assert(
      fc.property(richTextArbitrary(), (body) => {
        const text = renderStyling(body);
        const parsed = roundTrip(buildChatMessage({ to: 'r@c', type: 'groupchat', id: 'x', body: text }));
        assert.deepEqual(parsed.getChildElements().map((c) => c.name), ['body', 'origin-id']);
        assert.equal(parsed.getChildText('body'), stripInvalidXmlChars(text));
      }),
      { numRuns: 500 },
    );
  });

  void it('builds retractions in the current and the legacy form', () => {
    const el = roundTrip(buildRetraction({ to: 'r@c', type: 'groupchat', id: 'x', targetId: 't1' }));
    assert.equal(el.getChild('apply-to', 'urn:xmpp:fasten:0')?.attrs.id, 't1');
    el.attrs.from = 'r@c/al';
    assert.equal(parseMessage(el)?.retractId, 't1');
    const legacy = parseXml(
      "<message from='r@c/al' type='groupchat'><apply-to xmlns='urn:xmpp:fasten:0' id='t2'><retract xmlns='urn:xmpp:message-retract:0'/></apply-to></message>",
    );
    assert.equal(parseMessage(legacy)?.retractId, 't2');
  });

  void it('builds reactions, chat states, MUC joins, admin queries and upload requests', () => {
    assert.equal(
      buildReactions({ to: 'r@c', type: 'groupchat', id: 'x', targetId: 'm', reactions: ['👍', '<3'] }).toString(),
      '<message to="r@c" type="groupchat" id="x"><reactions xmlns="urn:xmpp:reactions:0" id="m"><reaction>👍</reaction><reaction>&lt;3</reaction></reactions><store xmlns="urn:xmpp:hints"/></message>',
    );
    assert.equal(
      buildChatState({ to: 'r@c', type: 'groupchat', state: 'composing' }).toString(),
      '<message to="r@c" type="groupchat"><composing xmlns="http://jabber.org/protocol/chatstates"/><no-store xmlns="urn:xmpp:hints"/></message>',
    );
    assert.equal(
      buildMucJoin({ room: 'r@c', nick: 'bot', password: 'p&w' }).toString(),
      '<presence to="r@c/bot"><x xmlns="http://jabber.org/protocol/muc"><history maxstanzas="0"/><password>p&amp;w</password></x></presence>',
    );
    assert.equal(
      buildMucAdminQuery({ nick: 'al', role: 'none', reason: 'bye' }).toString(),
      '<query xmlns="http://jabber.org/protocol/muc#admin"><item nick="al" role="none"><reason>bye</reason></item></query>',
    );
    assert.equal(
      buildMucAdminQuery({ jid: 'al@x', affiliation: 'outcast' }).toString(),
      '<query xmlns="http://jabber.org/protocol/muc#admin"><item jid="al@x" affiliation="outcast"/></query>',
    );
    assert.equal(
      buildUploadRequest({ filename: 'a b.png', size: 12, contentType: 'image/png' }).toString(),
      '<request xmlns="urn:xmpp:http:upload:0" filename="a b.png" size="12" content-type="image/png"/>',
    );
  });
});

void describe('message parsing', () => {
  void it('reads ids, body, correction, reply, reactions, chat state and links', () => {
    const el = parseXml(`<message from='Room@Conf.test/Al' to='bot@x/r' type='groupchat' id='i1'>
      <body>&gt; Al: old\nnew text</body>
      <origin-id xmlns='urn:xmpp:sid:0' id='o1'/>
      <stanza-id xmlns='urn:xmpp:sid:0' by='someone@else' id='wrong'/>
      <stanza-id xmlns='urn:xmpp:sid:0' by='room@conf.test' id='s1'/>
      <replace xmlns='urn:xmpp:message-correct:0' id='old1'/>
      <reply xmlns='urn:xmpp:reply:0' id='r1' to='room@conf.test/Bo'/>
      <fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'><body start='0' end='10'/></fallback>
      <active xmlns='http://jabber.org/protocol/chatstates'/>
      <x xmlns='jabber:x:oob'><url>https://f.test/a.png</url><desc>pic</desc></x>
      <x xmlns='jabber:x:oob'><url>javascript:alert(1)</url></x>
      <unknown xmlns='urn:example:whatever'><deep/></unknown>
    </message>`);
    assert.deepEqual(parseMessage(el), {
      type: 'groupchat',
      from: 'Room@Conf.test/Al',
      to: 'bot@x/r',
      id: 'i1',
      originId: 'o1',
      stanzaId: 's1',
      body: 'new text',
      unstyled: false,
      delayed: false,
      replaceId: 'old1',
      reply: { id: 'r1', to: 'room@conf.test/Bo' },
      chatState: 'active',
      links: [{ url: 'https://f.test/a.png', desc: 'pic' }],
    });
  });

  void it('reads subjects, delays, reactions and errors', () => {
    const subject = parseMessage(parseXml(`<message from='r@c' type='groupchat'><subject>Topic</subject><delay xmlns='urn:xmpp:delay' stamp='2020-01-01T00:00:00Z'/></message>`));
    assert.equal(subject?.subject, 'Topic');
    assert.equal(subject?.delayed, true);
    assert.equal(subject?.sentAt, Date.UTC(2020, 0, 1));
    const badStamp = parseMessage(parseXml(`<message from='r@c/a'><body>x</body><delay xmlns='urn:xmpp:delay' stamp='yesterday'/></message>`));
    assert.deepEqual([badStamp?.delayed, badStamp?.sentAt], [true, undefined]);
    const reactions = parseMessage(parseXml(`<message from='r@c/al' type='groupchat'><reactions xmlns='urn:xmpp:reactions:0' id='m1'><reaction>👍</reaction><reaction>👍</reaction><reaction> </reaction><reaction>🎉</reaction></reactions></message>`));
    assert.deepEqual(reactions?.reactions, { id: 'm1', emojis: ['👍', '🎉'] });
    const error = parseMessage(parseXml(`<message from='r@c' type='error'><error type='cancel'><forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>no</text></error></message>`));
    assert.equal(error?.error, 'forbidden');
  });

  void it('ignores stanzas that are not messages or have no sender', () => {
    assert.equal(parseMessage(parseXml('<presence from="a@b"/>')), undefined);
    assert.equal(parseMessage(parseXml('<message><body>x</body></message>')), undefined);
  });

  void it('a reply fallback with a bad range is ignored rather than corrupting the body', () => {
    const el = parseXml(`<message from='r@c/a' type='groupchat'><body>short</body><reply xmlns='urn:xmpp:reply:0' id='x'/><fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'><body start='2' end='99'/></fallback></message>`);
    assert.equal(parseMessage(el)?.body, 'short');
  });
});

void describe('presence parsing', () => {
  void it('reads a self-presence with status codes', () => {
    const el = parseXml(`<presence from='Room@conf/Bot'><x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='owner' role='moderator' jid='bot@x/r'/><status code='110'/><status code='201'/></x></presence>`);
    assert.deepEqual(parseMucPresence(el), {
      room: 'room@conf', nick: 'Bot', type: 'available', codes: [110, 201], affiliation: 'owner', role: 'moderator', realJid: 'bot@x/r',
    });
  });

  void it('reads kicks, bans and nick changes', () => {
    const kick = parseMucPresence(parseXml(`<presence from='r@c/al' type='unavailable'><x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='none'><actor nick='mod'/><reason>spam</reason></item><status code='307'/></x></presence>`));
    assert.deepEqual(kick, { room: 'r@c', nick: 'al', type: 'unavailable', codes: [307], affiliation: 'none', role: 'none', actor: 'mod', reason: 'spam' });
    const nick = parseMucPresence(parseXml(`<presence from='r@c/al' type='unavailable'><x xmlns='http://jabber.org/protocol/muc#user'><item nick='al2'/><status code='303'/></x></presence>`));
    assert.equal(nick?.newNick, 'al2');
    assert.deepEqual(nick?.codes, [303]);
  });

  void it('reads a join error', () => {
    const el = parseXml(`<presence from='r@c/bot' type='error'><error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>`);
    assert.equal(parseMucPresence(el)?.error, 'conflict');
  });

  void it('tells contact presence from MUC presence', () => {
    assert.equal(parseMucPresence(parseXml(`<presence from='al@x/r'><show>away</show></presence>`)), undefined);
    assert.deepEqual(parseContactPresence(parseXml(`<presence from='al@x/r'><show>away</show><status>lunch</status></presence>`)), {
      from: 'al@x/r', type: 'available', show: 'away', status: 'lunch',
    });
    assert.equal(parseContactPresence(parseXml(`<presence from='r@c/al'><x xmlns='http://jabber.org/protocol/muc#user'/></presence>`)), undefined);
  });
});
