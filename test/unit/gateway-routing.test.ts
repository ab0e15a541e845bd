/**
 * The gateway's stanza routing without servers (gateway-fixture.ts): a legacy session whose
 * handlers are scripted. Errors in words, a handler
 * that throws does not stop the gateway, error stanzas are never answered.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import xml from '@xmpp/xml';
import { LegacyRefusal, type ContactProfile, type LegacySession, type SessionEvents, type TextOptions } from '../../src/gateway/api.js';
import { waitFor } from '../support/wait.js';
import { conditionOf, DOMAIN, NS_STANZAS, setupGateway } from './gateway-fixture.js';

/** A legacy session: text to "boom" throws a bug, to "nope" a refusal; the rest is recorded. */
class FakeSession implements LegacySession {
  readonly said: string[] = [];
  constructor(readonly events: SessionEvents) {}
  contactKey(id: string): string | undefined {
    return /^[a-z]+$/i.test(id) ? id.toLowerCase() : undefined;
  }
  async login(): Promise<string> {
    return 'Connected as tester';
  }
  async logout(): Promise<void> {}
  /** The `undelivered` callback of the last message. */
  undelivered: ((reason: string) => void) | undefined;
  async onText(contact: string, text: string, options: TextOptions): Promise<string | undefined> {
    if (contact === 'boom') throw new Error('a bug in the legacy network');
    if (contact === 'nope') throw new LegacyRefusal('that person blocks you', 'not-acceptable');
    this.said.push(`${contact}: ${options.action ? '[action] ' : ''}${text}`);
    this.undelivered = options.undelivered;
    return undefined;
  }
  async onProfile(contact: string): Promise<ContactProfile | undefined> {
    return contact === 'carol' ? { nickname: 'Carol', fullName: 'Carol Example' } : undefined;
  }
}

function setup() {
  return setupGateway((events) => new FakeSession(events));
}

describe('gateway routing', () => {
  it('messages reach the legacy session (with /me); the gateway presence says connected', async () => {
    const { gateway, link, sessions } = await setup();
    assert.ok(link.sent.some((s) => s.is('presence') && s.getChildText('status') === 'Connected as tester'));
    gateway.handle(xml('message', { from: 'alice@example.org/phone', to: `carol@${DOMAIN}`, type: 'chat' }, xml('body', {}, 'hi')));
    gateway.handle(xml('message', { from: 'alice@example.org/phone', to: `carol@${DOMAIN}`, type: 'chat' }, xml('body', {}, '/me waves')));
    await waitFor(() => (sessions[0]?.said.length === 2 ? true : undefined), { timeoutMs: 2000, what: 'two messages' });
    assert.deepEqual(sessions[0]?.said, ['carol: hi', 'carol: [action] waves']);
    sessions[0]?.events.text('Carol', 'hello', { name: 'Carol' });
    const out = link.sent.at(-1);
    assert.equal(out?.attrs.from, `carol@${DOMAIN}`);
    assert.equal(out?.getChildText('body'), 'hello');
  });

  it('a bug in a handler is an internal-server-error, a refusal its own error with its words; the gateway goes on', async () => {
    const { reply, sessions } = await setup();
    const bug = await reply(xml('message', { from: 'alice@example.org/phone', to: `boom@${DOMAIN}`, type: 'chat', id: 'm1' }, xml('body', {}, 'x')), (s) => s.attrs.id === 'm1');
    assert.equal(conditionOf(bug), 'internal-server-error');
    const refused = await reply(xml('message', { from: 'alice@example.org/phone', to: `nope@${DOMAIN}`, type: 'chat', id: 'm2' }, xml('body', {}, 'x')), (s) => s.attrs.id === 'm2');
    assert.equal(conditionOf(refused), 'not-acceptable');
    assert.equal(refused.getChild('error')?.getChildText('text', NS_STANZAS), 'that person blocks you');
    const long = await reply(xml('message', { from: 'alice@example.org/phone', to: `carol@${DOMAIN}`, type: 'chat', id: 'm3' }, xml('body', {}, 'x'.repeat(101))), (s) => s.attrs.id === 'm3');
    assert.equal(conditionOf(long), 'not-acceptable');
    await reply(xml('message', { from: 'alice@example.org/phone', to: `carol@${DOMAIN}`, type: 'chat' }, xml('body', {}, 'still here')), () => sessions[0]?.said.includes('carol: still here') === true);
  });

  it('strangers are told to register; invalid contacts are item-not-found; error stanzas get no answer', async () => {
    const { reply, link, gateway } = await setup();
    const stranger = await reply(xml('message', { from: 'eve@example.org/x', to: `carol@${DOMAIN}`, type: 'chat', id: 's1' }, xml('body', {}, 'hi')), (s) => s.attrs.id === 's1');
    assert.equal(conditionOf(stranger), 'registration-required');
    const invalid = await reply(xml('message', { from: 'alice@example.org/x', to: `c4rol@${DOMAIN}`, type: 'chat', id: 's2' }, xml('body', {}, 'hi')), (s) => s.attrs.id === 's2');
    assert.equal(conditionOf(invalid), 'item-not-found');
    const before = link.sent.length;
    gateway.handle(xml('message', { from: 'eve@example.org/x', to: `carol@${DOMAIN}`, type: 'error', id: 's3' }, xml('error', { type: 'cancel' })));
    gateway.handle(xml('iq', { from: 'eve@example.org/x', to: DOMAIN, type: 'result', id: 's4' }));
    await reply(xml('iq', { from: 'eve@example.org/x', to: DOMAIN, type: 'get', id: 's5' }, xml('ping', { xmlns: 'urn:xmpp:ping' })), (s) => s.attrs.id === 's5');
    assert.deepEqual(link.sent.slice(before).map((s) => s.attrs.id), ['s5']);
  });

  it('disco shows a gateway with registration and commands; unknown requests are service-unavailable', async () => {
    const { reply } = await setup();
    const info = await reply(xml('iq', { from: 'eve@example.org/x', to: DOMAIN, type: 'get', id: 'd1' }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })), (s) => s.attrs.id === 'd1');
    assert.deepEqual(info.getChild('query')?.getChild('identity')?.attrs, { category: 'gateway', type: 'test', name: 'Test gateway' });
    const items = await reply(xml('iq', { from: 'eve@example.org/x', to: DOMAIN, type: 'get', id: 'd2' }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#items', node: 'http://jabber.org/protocol/commands' })), (s) => s.attrs.id === 'd2');
    assert.deepEqual(items.getChild('query')?.getChildren('item').map((i) => i.attrs.node), ['register']);
    const unknown = await reply(xml('iq', { from: 'eve@example.org/x', to: DOMAIN, type: 'get', id: 'd3' }, xml('query', { xmlns: 'urn:example:nothing' })), (s) => s.attrs.id === 'd3');
    assert.equal(conditionOf(unknown), 'service-unavailable');
  });

  it('a vCard comes from the session\'s profile (unknown: item-not-found; strangers: registration-required)', async () => {
    const { reply } = await setup();
    const vcard = (from: string, to: string, id: string) => reply(xml('iq', { from, to, type: 'get', id }, xml('vCard', { xmlns: 'vcard-temp' })), (s) => s.attrs.id === id);
    const card = await vcard('alice@example.org/x', `carol@${DOMAIN}`, 'v1');
    assert.equal(card.attrs.type, 'result');
    assert.equal(card.getChild('vCard', 'vcard-temp')?.getChildText('FN'), 'Carol Example');
    assert.equal(conditionOf(await vcard('alice@example.org/x', `dave@${DOMAIN}`, 'v2')), 'item-not-found');
    assert.equal(conditionOf(await vcard('eve@example.org/x', `carol@${DOMAIN}`, 'v3')), 'registration-required');
  });

  it('a file offered by link goes as text; a message lost after it was accepted gets one recipient-unavailable error', async () => {
    const { reply, sessions, link } = await setup();
    const url = 'https://up.example.org/cat.jpg';
    await reply(xml('message', { from: 'alice@example.org/phone', to: `carol@${DOMAIN}`, type: 'chat', id: 'f1' }, xml('body', {}, 'my cat'), xml('x', { xmlns: 'jabber:x:oob' }, xml('url', {}, url))),
      () => sessions[0]?.said.includes(`carol: my cat ${url}`) === true);
    sessions[0]?.undelivered?.('the connection dropped');
    sessions[0]?.undelivered?.('the connection dropped again');
    assert.equal(link.sent.filter((s) => s.attrs.id === 'f1').length, 1, 'once');
    const error = link.sent.find((s) => s.attrs.id === 'f1' && s.attrs.type === 'error');
    assert.equal(conditionOf(error!), 'recipient-unavailable');
    assert.equal(error?.getChild('error')?.attrs.type, 'wait');
    assert.equal(error?.attrs.to, 'alice@example.org/phone');
    assert.equal(error?.getChild('error')?.getChildText('text', NS_STANZAS), 'not delivered: the connection dropped');
  });
});
