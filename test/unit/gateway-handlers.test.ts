/**
 * The handlers of issue 17 beyond text, wired from the XMPP side (gateway-fixture.ts): displayed
 * markers (XEP-0333), reactions (XEP-0444), retractions (XEP-0424), corrections by legacy id,
 * the person's own avatar (XEP-0153 + their vCard), and legacy ↔ XMPP message ids. A network
 * with each handler gets the legacy ids; a network without (IRC) gets the readable fallback,
 * a clear error, or nothing at all, as documented.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import type { ChatState, LegacySession, PersonAvatar, SessionEvents, TextOptions } from '../../src/gateway/api.js';
import { waitFor } from '../support/wait.js';
import { conditionOf, DOMAIN, setupGateway } from './gateway-fixture.js';

const ALICE = 'alice@example.org/phone';

/** Every optional handler missing (as on IRC): records the texts only. */
class PlainSession implements LegacySession {
  readonly said: string[] = [];
  constructor(readonly events: SessionEvents) {}
  contactKey(id: string): string | undefined {
    return /^[a-z]+$/i.test(id) ? id.toLowerCase() : undefined;
  }
  async login(): Promise<string> {
    return 'Connected as tester';
  }
  async logout(): Promise<void> {}
  async onText(contact: string, text: string, _options: TextOptions): Promise<string | undefined> {
    this.said.push(`${contact}: ${text}`);
    return undefined;
  }
}

/** Every handler, with message ids of its own (`L1`, `L2`…; XMPP sees them as `x-L1`). */
class RichSession extends PlainSession {
  readonly calls: string[] = [];
  readonly avatars: Array<PersonAvatar | undefined> = [];
  #next = 0;
  override async onText(contact: string, text: string, options: TextOptions): Promise<string> {
    await super.onText(contact, text, options);
    this.#next += 1;
    return `L${this.#next}`;
  }
  async onCorrect(contact: string, legacyId: string, text: string): Promise<void> {
    this.calls.push(`correct ${contact} ${legacyId} ${text}`);
  }
  async onReact(contact: string, legacyId: string, emojis: readonly string[]): Promise<void> {
    this.calls.push(`react ${contact} ${legacyId} [${emojis.join(',')}]`);
  }
  async onRetract(contact: string, legacyId: string): Promise<void> {
    this.calls.push(`retract ${contact} ${legacyId}`);
  }
  async onDisplayed(contact: string, legacyId: string): Promise<void> {
    this.calls.push(`displayed ${contact} ${legacyId}`);
  }
  async onChatState(contact: string, state: ChatState): Promise<void> {
    this.calls.push(`state ${contact} ${state}`);
  }
  async onFriendAccept(contact: string): Promise<void> {
    this.calls.push(`friend ${contact}`);
  }
  async onAvatar(avatar: PersonAvatar | undefined): Promise<void> {
    this.avatars.push(avatar);
  }
  xmppMessageId(legacyId: string): string {
    return `x-${legacyId}`;
  }
  legacyMessageId(xmppId: string): string | undefined {
    return xmppId.startsWith('x-') ? xmppId.slice(2) : undefined;
  }
}

const chat = (id: string, ...children: Element[]) => xml('message', { from: ALICE, to: `carol@${DOMAIN}`, type: 'chat', id }, ...children);
const reactions = (to: string, ...emojis: string[]) => xml('reactions', { xmlns: 'urn:xmpp:reactions:0', id: to }, ...emojis.map((e) => xml('reaction', {}, e)));
const retract = (to: string) => xml('retract', { xmlns: 'urn:xmpp:message-retract:1', id: to });
const displayed = (to: string) => xml('displayed', { xmlns: 'urn:xmpp:chat-markers:0', id: to });
const photoPresence = (hash: string) => xml('presence', { from: ALICE, to: DOMAIN }, xml('x', { xmlns: 'vcard-temp:x:update' }, xml('photo', {}, hash)));

describe('gateway handlers', () => {
  it('a network with every handler gets its own ids: the person\'s sent ids are remembered, the contact\'s converted', async () => {
    const { gateway, link, sessions, reply } = await setupGateway((events) => new RichSession(events));
    const session = sessions[0]!;
    // The person's message x1 becomes L1 on the network; a correction, reactions, a retraction of x1 name L1.
    gateway.handle(chat('x1', xml('body', {}, 'hello')));
    await waitFor(() => gateway.sessions().get('alice@example.org')?.ids.toLegacy('x1'), { timeoutMs: 2000, what: 'x1 sent' });
    gateway.handle(chat('c1', xml('body', {}, 'hello!'), xml('replace', { xmlns: 'urn:xmpp:message-correct:0', id: 'x1' })));
    gateway.handle(chat('r1', reactions('x1', '👍', ' ', '🎉')));
    gateway.handle(chat('r2', reactions('x1')));
    gateway.handle(chat('d1', retract('x1'), xml('body', {}, 'This person attempted to retract a previous message')));
    await waitFor(() => (session.calls.length === 4 ? true : undefined), { timeoutMs: 2000, what: 'four calls' });
    assert.deepEqual(session.calls, ['correct carol L1 hello!', 'react carol L1 [👍,🎉]', 'react carol L1 []', 'retract carol L1']);
    assert.deepEqual(session.said, ['carol: hello'], 'the retraction\'s fallback body is not sent as text');
    // The contact's message L7 reaches XMPP as x-L7; the person's displayed marker on x-L7 names L7 again.
    session.events.text('carol', 'hi', { legacyId: 'L7' });
    assert.equal(link.sent.at(-1)?.attrs.id, 'x-L7');
    gateway.handle(chat('m1', displayed('x-L7')));
    await waitFor(() => (session.calls.includes('displayed carol L7') ? true : undefined), { timeoutMs: 2000, what: 'the displayed marker' });
    // An id nobody knows (the conversion answers none) is item-not-found, in words.
    const unknown = await reply(chat('r3', reactions('zzz', '👍')), (s) => s.attrs.id === 'r3');
    assert.equal(conditionOf(unknown), 'item-not-found');
    // A legacy id with control characters or beyond 128 characters is not used as an XMPP id.
    session.events.text('carol', 'odd', { legacyId: 'bad\u0007id' });
    assert.equal(link.sent.at(-1)?.attrs.id, undefined);
  });

  it('a network without them (IRC): reactions as marked text, a retraction refused in words, markers accepted silently', async () => {
    const { gateway, link, sessions, reply } = await setupGateway((events) => new PlainSession(events));
    const session = sessions[0]!;
    gateway.handle(chat('x1', xml('body', {}, 'hello')));
    gateway.handle(chat('r1', reactions('x1', '👍')));
    gateway.handle(chat('r2', reactions('x1')));
    await waitFor(() => (session.said.length === 2 ? true : undefined), { timeoutMs: 2000, what: 'two texts' });
    assert.deepEqual(session.said, ['carol: hello', 'carol: 👍 (reaction)']);
    const retracted = await reply(chat('d1', retract('x1'), xml('body', {}, 'fallback')), (s) => s.attrs.id === 'd1');
    assert.equal(conditionOf(retracted), 'feature-not-implemented');
    assert.match(retracted.getChild('error')?.getChildText('text', 'urn:ietf:params:xml:ns:xmpp-stanzas') ?? '', /already delivered/);
    const before = link.sent.length;
    gateway.handle(chat('m1', displayed('x1')));
    // The next message is handled after the marker: nothing was answered to the marker.
    await reply(chat('x2', xml('body', {}, 'again')), () => session.said.includes('carol: again'));
    assert.deepEqual(link.sent.slice(before).filter((s) => s.attrs.id === 'm1'), []);
    // The legacy id is passed through as is (no conversion): a contact's msgid is the XMPP id.
    session.events.text('carol', 'hi', { legacyId: 'abc' });
    assert.equal(link.sent.at(-1)?.attrs.id, 'abc');
  });

  it('the person\'s avatar: fetched from their vCard once per announced hash, checked, removed; never for a network without onAvatar', async () => {
    const image = Buffer.from('not really a png, but bytes');
    const hash = createHash('sha1').update(image).digest('hex');
    const vcard = (data: Buffer) => xml('iq', { type: 'result' }, xml('vCard', { xmlns: 'vcard-temp' }, xml('PHOTO', {}, xml('TYPE', {}, 'image/png'), xml('BINVAL', {}, data.toString('base64')))));
    const { gateway, link, sessions } = await setupGateway((events) => new RichSession(events));
    const session = sessions[0]!;
    link.answer = (iq) => (iq.attrs.to === 'alice@example.org' && iq.getChild('vCard', 'vcard-temp') !== undefined ? vcard(image) : undefined);
    gateway.handle(photoPresence(hash));
    await waitFor(() => (session.avatars.length === 1 ? true : undefined), { timeoutMs: 2000, what: 'the avatar' });
    assert.deepEqual({ ...session.avatars[0], data: session.avatars[0]?.data.toString() }, { hash, type: 'image/png', data: image.toString() });
    gateway.handle(photoPresence(hash.toUpperCase())); // the same hash again: not fetched again
    // A photo that is not the announced one is not handed over; an empty photo removes the avatar.
    gateway.handle(photoPresence('0'.repeat(40)));
    gateway.handle(photoPresence(''));
    await waitFor(() => (session.avatars.length === 2 ? true : undefined), { timeoutMs: 2000, what: 'the removal' });
    assert.equal(session.avatars[1], undefined);
    assert.equal(link.requests.length, 2);

    const plain = await setupGateway((events) => new PlainSession(events));
    plain.gateway.handle(photoPresence(hash));
    await plain.reply(chat('x1', xml('body', {}, 'after')), () => plain.sessions[0]?.said.includes('carol: after') === true);
    assert.equal(plain.link.requests.length, 0, 'IRC has no avatar: nothing is fetched');
  });

  it('a legacy friend request becomes a subscription request with the name; the person\'s answer reaches onFriendAccept', async () => {
    const { gateway, link, sessions } = await setupGateway((events) => new RichSession(events));
    const session = sessions[0]!;
    session.events.friendRequest('Dave', { name: 'Dave', text: 'hi,\u0007 it is Dave' });
    const request = link.sent.at(-1);
    assert.deepEqual([request?.attrs.type, request?.attrs.from, request?.attrs.to], ['subscribe', `dave@${DOMAIN}`, 'alice@example.org']);
    assert.equal(request?.getChildText('nick', 'http://jabber.org/protocol/nick'), 'Dave');
    assert.equal(request?.getChildText('status'), 'hi,  it is Dave');
    gateway.handle(xml('presence', { from: 'alice@example.org', to: `dave@${DOMAIN}`, type: 'subscribed' }));
    await waitFor(() => (session.calls.includes('friend dave') ? true : undefined), { timeoutMs: 2000, what: 'the acceptance' });
  });

  it('receipts: given by the gateway once the network accepted the message when the settings say so, never otherwise', async () => {
    const request = () => xml('request', { xmlns: 'urn:xmpp:receipts' });
    const withReceipts = await setupGateway((events) => new PlainSession(events), { receipts: true });
    await withReceipts.reply(chat('x1', xml('body', {}, 'hello'), request()), (s) => s.getChild('received', 'urn:xmpp:receipts')?.attrs.id === 'x1');
    const receipt = withReceipts.link.sent.find((s) => s.getChild('received', 'urn:xmpp:receipts') !== undefined);
    assert.deepEqual([receipt?.attrs.from, receipt?.attrs.to], [`carol@${DOMAIN}`, ALICE]);
    const info = await withReceipts.reply(xml('iq', { from: ALICE, to: `carol@${DOMAIN}`, type: 'get', id: 'i1' }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })), (s) => s.attrs.id === 'i1');
    assert.ok(info.getChild('query')?.getChildren('feature').some((f) => f.attrs.var === 'urn:xmpp:receipts'));
    const without = await setupGateway((events) => new PlainSession(events));
    await without.reply(chat('x1', xml('body', {}, 'hello'), request()), () => without.sessions[0]?.said.includes('carol: hello') === true);
    await without.reply(chat('x2', xml('body', {}, 'again')), () => without.sessions[0]?.said.includes('carol: again') === true);
    assert.equal(without.link.sent.filter((s) => s.getChild('received', 'urn:xmpp:receipts') !== undefined).length, 0);
  });

  it('every chat state without a body reaches onChatState (inactive too); one with a body goes with the text', async () => {
    const { gateway, sessions } = await setupGateway((events) => new RichSession(events));
    const session = sessions[0]!;
    for (const state of ['composing', 'paused', 'active', 'inactive']) gateway.handle(chat(`s-${state}`, xml(state, { xmlns: 'http://jabber.org/protocol/chatstates' })));
    await waitFor(() => (session.calls.length === 4 ? true : undefined), { timeoutMs: 2000, what: 'four chat states' });
    assert.deepEqual(session.calls, ['state carol composing', 'state carol paused', 'state carol active', 'state carol inactive']);
  });
});
