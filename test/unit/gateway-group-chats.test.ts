/**
 * The framework's group chats (src/gateway/group-chats.ts) without servers, with a scripted legacy
 * session: XEP-0045's join order (participants, self-presence 110 (210 when the network kept
 * another nick), then the subject, which ends the join), one legacy join for several resources, refusals as presence errors, room
 * events to every resource, the person's message reflected once with its id, the subject from
 * XMPP, leaving on the last resource, and losing the connection.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import xml, { type Element } from '@xmpp/xml';
import { LegacyRefusal, type LegacyNetwork, type LegacySession, type RoomSnapshot, type SessionEvents, type TextOptions } from '../../src/gateway/api.js';
import { ALICE, startTestGateway } from '../support/gateway-harness.js';
import { waitFor } from '../support/wait.js';

const DOMAIN = 'gw.example.org';
const ROOM = `#lobby@${DOMAIN}`;
const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

/** Rooms are names starting with `#`; `#closed` refuses; joins resolve when the test says. */
class RoomSession implements LegacySession {
  readonly calls: string[] = [];
  #release: (() => void) | undefined;
  constructor(readonly events: SessionEvents, private readonly hold: boolean) {}
  contactKey(id: string): string | undefined {
    return /^[a-z]+$/.test(id) ? id : undefined;
  }
  roomKey(id: string): string | undefined {
    return /^#[a-z]+$/i.test(id) ? id.toLowerCase() : undefined;
  }
  async login(): Promise<string> {
    return 'Connected as alice';
  }
  async logout(): Promise<void> {}
  async onText(contact: string, text: string): Promise<string | undefined> {
    this.calls.push(`privmsg ${contact} ${text}`);
    return undefined;
  }
  async joinRoom(room: string, nick: string): Promise<RoomSnapshot> {
    this.calls.push(`join ${room} as ${nick}`);
    if (room === '#closed') throw new LegacyRefusal('#closed: the channel is invite-only (+i)', 'not-authorized');
    if (this.hold) await new Promise<void>((resolve) => (this.#release = resolve));
    return {
      name: '#Lobby', self: { nick: 'alice_', role: 'participant', affiliation: 'none' },
      participants: [{ nick: 'carol', role: 'moderator', affiliation: 'admin' }, { nick: 'dave\u0002', role: 'participant', affiliation: 'member' }],
      subject: { text: 'hello', by: 'carol' },
    };
  }
  release(): void {
    this.#release?.();
  }
  async leaveRoom(room: string): Promise<void> {
    this.calls.push(`leave ${room}`);
  }
  async onRoomText(room: string, text: string, options: TextOptions): Promise<string | undefined> {
    this.calls.push(`say ${room} ${options.action ? '[action] ' : ''}${text}`);
    return undefined;
  }
  async setRoomSubject(room: string, subject: string): Promise<void> {
    this.calls.push(`topic ${room} ${subject}`);
  }
}

async function setup(options: { hold?: boolean; groups?: boolean; receipts?: boolean } = {}) {
  const sessions: RoomSession[] = [];
  const legacy: LegacyNetwork = {
    settings: { name: 'Test', identityType: 'test', registrationType: 'single-step-form', registrationFields: [], registrationInstructions: '', welcomeMessage: '', preferences: [], searchFields: [], searchColumns: [], groups: options.groups ?? true, ...(options.receipts === undefined ? {} : { receipts: options.receipts }) },
    validate: async () => ({ data: {} }),
    createSession: (_user, events) => {
      const session = new RoomSession(events, options.hold === true);
      sessions.push(session);
      return session;
    },
  };
  const { gateway, link } = await startTestGateway(DOMAIN, legacy);
  const session = sessions[0]!;
  const after = (from: number) => link.sent.slice(from);
  const next = (what: string, match: (el: Element) => boolean): Promise<Element> => waitFor(() => link.sent.find(match), { timeoutMs: 2000, what });
  return { gateway, link, session, after, next };
}

const join = (resource: string, nick = 'alice', room = ROOM): Element =>
  xml('presence', { from: `${ALICE}/${resource}`, to: `${room}/${nick}` }, xml('x', { xmlns: 'http://jabber.org/protocol/muc' }));
const codes = (el: Element): string[] => (el.getChild('x', NS_MUC_USER)?.getChildren('status') ?? []).map((s) => String(s.attrs.code));
const item = (el: Element) => el.getChild('x', NS_MUC_USER)?.getChild('item')?.attrs;
const isSelf = (resource: string) => (el: Element) => el.is('presence') && el.attrs.to === `${ALICE}/${resource}` && codes(el).includes('110');
const condition = (el: Element) => el.getChild('error')?.children.find((c): c is Element => typeof c !== 'string' && c.attrs.xmlns === NS_STANZAS && c.name !== 'text')?.name;

describe('gateway group chats', () => {
  it('a join: participants, then the self-presence (110 + 210: the network kept its nick), then the subject', async () => {
    const { gateway, link, session, next } = await setup();
    gateway.handle(join('laptop'));
    await next('the subject', (s) => s.is('message') && s.getChild('subject') !== undefined);
    assert.deepEqual(session.calls, ['join #lobby as alice']);
    const sent = link.sent.filter((s) => s.attrs.to === `${ALICE}/laptop` && String(s.attrs.from).startsWith(ROOM));
    assert.deepEqual(sent.map((s) => `${s.name} ${s.attrs.from}`), [
      `presence ${ROOM}/carol`, `presence ${ROOM}/dave`, `presence ${ROOM}/alice_`, `message ${ROOM}/carol`,
    ]);
    assert.deepEqual(item(sent[0]!), { affiliation: 'admin', role: 'moderator' });
    assert.deepEqual(codes(sent[2]!), ['110', '210']);
    assert.equal(sent[3]?.getChildText('subject'), 'hello');
    assert.equal(sent[3]?.getChild('body'), undefined);
  });

  it('several resources share one legacy join; events reach every resource; messages are reflected once with their id', async () => {
    const { gateway, link, session, next, after } = await setup({ hold: true });
    gateway.handle(join('laptop'));
    gateway.handle(join('phone'));
    await waitFor(() => (session.calls.length === 1 ? true : undefined), { timeoutMs: 2000, what: 'the join' });
    session.release();
    await next('laptop in', isSelf('laptop'));
    await next('phone in', isSelf('phone'));
    assert.deepEqual(session.calls, ['join #lobby as alice']);
    const mark = link.sent.length;
    session.events.room('#lobby', { kind: 'message', nick: 'carol', text: 'hi', action: false, legacyId: 'irc-1' });
    session.events.room('#lobby', { kind: 'joined', participant: { nick: 'erin', role: 'participant', affiliation: 'none' } });
    session.events.room('#lobby', { kind: 'renamed', nick: 'alice_', to: 'alice' });
    session.events.room('#other', { kind: 'message', nick: 'x', text: 'not joined', action: false });
    assert.deepEqual(after(mark).map((s) => `${s.name} ${s.attrs.type ?? ''} ${s.attrs.from} → ${s.attrs.to} ${codes(s).join(',')}`), [
      `message groupchat ${ROOM}/carol → ${ALICE}/laptop `, `message groupchat ${ROOM}/carol → ${ALICE}/phone `,
      `presence  ${ROOM}/erin → ${ALICE}/laptop `, `presence  ${ROOM}/erin → ${ALICE}/phone `,
      `presence unavailable ${ROOM}/alice_ → ${ALICE}/laptop 303,110`, `presence unavailable ${ROOM}/alice_ → ${ALICE}/phone 303,110`,
      `presence  ${ROOM}/alice → ${ALICE}/laptop 110`, `presence  ${ROOM}/alice → ${ALICE}/phone 110`,
    ]);
    assert.equal(after(mark)[0]?.attrs.id, 'irc-1');
    // A groupchat message: to the legacy room, reflected once to each resource with the client's id.
    const before = link.sent.length;
    gateway.handle(xml('message', { from: `${ALICE}/phone`, to: ROOM, type: 'groupchat', id: 'x1' }, xml('body', {}, '/me waves')));
    await waitFor(() => (link.sent.length - before === 2 ? true : undefined), { timeoutMs: 2000, what: 'the reflections' });
    assert.deepEqual(after(before).map((s) => `${s.attrs.id} ${s.attrs.from} → ${s.attrs.to} ${s.getChildText('body')}`), [
      `x1 ${ROOM}/alice → ${ALICE}/laptop /me waves`, `x1 ${ROOM}/alice → ${ALICE}/phone /me waves`,
    ]);
    // One stanza-id of the room's for both copies, not the client's id.
    const stanzaIds = after(before).map((s) => s.getChild('stanza-id', 'urn:xmpp:sid:0')?.attrs.id);
    assert.equal(new Set(stanzaIds).size, 1);
    assert.notEqual(stanzaIds[0], 'x1');
    gateway.handle(xml('message', { from: `${ALICE}/phone`, to: ROOM, type: 'groupchat' }, xml('subject', {}, 'new')));
    await waitFor(() => (session.calls.includes('topic #lobby new') ? true : undefined), { timeoutMs: 2000, what: 'the topic' });
    assert.ok(session.calls.includes('say #lobby [action] waves'));
    // Leaving: the phone first (the room stays), then the laptop (the legacy room is left).
    gateway.handle(xml('presence', { from: `${ALICE}/phone`, to: `${ROOM}/alice`, type: 'unavailable' }));
    await next('the phone out', (s) => s.attrs.type === 'unavailable' && s.attrs.to === `${ALICE}/phone` && codes(s).join() === '110');
    assert.equal(session.calls.includes('leave #lobby'), false);
    gateway.handle(xml('presence', { from: `${ALICE}/laptop`, to: `${ROOM}/alice`, type: 'unavailable' }));
    await waitFor(() => (session.calls.includes('leave #lobby') ? true : undefined), { timeoutMs: 2000, what: 'the leave' });
  });

  it('a private message through the room (room/nick) takes the one-to-one path; its errors and receipt come from the occupant JID', async () => {
    const { gateway, link, session, next } = await setup({ receipts: true });
    gateway.handle(join('laptop'));
    await next('the subject', (s) => s.is('message') && s.getChild('subject') !== undefined);
    gateway.handle(xml('message', { from: `${ALICE}/laptop`, to: `${ROOM}/carol`, type: 'chat', id: 'p1' }, xml('body', {}, 'psst'), xml('request', { xmlns: 'urn:xmpp:receipts' })));
    const receipt = await next('the receipt', (s) => s.getChild('received', 'urn:xmpp:receipts')?.attrs.id === 'p1');
    assert.equal(receipt.attrs.from, `${ROOM}/carol`);
    assert.ok(session.calls.includes('privmsg carol psst'));
    gateway.handle(xml('message', { from: `${ALICE}/laptop`, to: `${ROOM}/nobody`, type: 'chat', id: 'p2' }, xml('body', {}, 'hi')));
    const unknown = await next('the refusal', (s) => s.attrs.id === 'p2' && s.attrs.type === 'error');
    assert.equal(unknown.attrs.from, `${ROOM}/nobody`);
    assert.equal(condition(unknown), 'item-not-found');
    // A participant the legacy network has no contact for (here: a nick with a control character).
    gateway.handle(xml('message', { from: `${ALICE}/laptop`, to: `${ROOM}/dave\u0002`, type: 'chat', id: 'p3' }, xml('body', {}, 'hi')));
    assert.equal(condition(await next('no contact', (s) => s.attrs.id === 'p3' && s.attrs.type === 'error')), 'item-not-found');
    assert.deepEqual(session.calls.filter((c) => c.startsWith('privmsg')), ['privmsg carol psst']);
    assert.equal(link.sent.filter((s) => s.attrs.id === 'p2' || s.attrs.id === 'p3').length, 2);
  });

  it('refusals: the network\'s (a presence error with its words), no such room, not joined, a nick change, groups off', async () => {
    const { gateway, next, session } = await setup();
    gateway.handle(join('laptop', 'alice', `#closed@${DOMAIN}`));
    const closed = await next('the refusal', (s) => s.attrs.type === 'error' && s.attrs.from === `#closed@${DOMAIN}/alice`);
    assert.equal(condition(closed), 'not-authorized');
    assert.match(closed.getChild('error')?.getChildText('text', NS_STANZAS) ?? '', /invite-only/);
    gateway.handle(join('laptop', 'alice', `#no.valid@${DOMAIN}`));
    assert.equal(condition(await next('not a room', (s) => s.attrs.type === 'error' && s.attrs.from === `#no.valid@${DOMAIN}/alice`)), 'item-not-found');
    gateway.handle(xml('message', { from: `${ALICE}/laptop`, to: ROOM, type: 'groupchat', id: 'n1' }, xml('body', {}, 'hi')));
    assert.equal(condition(await next('not joined', (s) => s.attrs.type === 'error' && s.attrs.id === 'n1')), 'not-acceptable');
    gateway.handle(join('laptop'));
    await next('joined', isSelf('laptop'));
    gateway.handle(join('laptop', 'bob'));
    // A nick change renames the person on the network: this one cannot rename (no setName).
    assert.equal(condition(await next('nick change', (s) => s.attrs.type === 'error' && s.attrs.from === `${ROOM}/bob`)), 'feature-not-implemented');
    assert.deepEqual(session.calls.filter((c) => c.startsWith('join')), ['join #closed as alice', 'join #lobby as alice']);

    const off = await setup({ groups: false });
    off.gateway.handle(join('laptop'));
    assert.equal(condition(await off.next('groups off', (s) => s.attrs.type === 'error')), 'feature-not-implemented');
  });

  it('the connection lost or a kick: every resource is told it left (332, 307), and may join again', async () => {
    const { gateway, session, next, link } = await setup();
    gateway.handle(join('laptop'));
    await next('joined', isSelf('laptop'));
    session.events.room('#lobby', { kind: 'removed', reason: 'kicked by carol: out', kicked: true });
    const kicked = await next('kicked', (s) => s.attrs.type === 'unavailable' && codes(s).includes('307'));
    assert.equal(kicked.getChildText('status'), 'kicked by carol: out');
    const mark = link.sent.length;
    gateway.handle(join('laptop'));
    await waitFor(() => (link.sent.slice(mark).some(isSelf('laptop')) ? true : undefined), { timeoutMs: 2000, what: 'joined again' });
    session.events.lost('connection reset', false);
    const lost = await next('lost', (s) => s.attrs.type === 'unavailable' && codes(s).includes('332'));
    assert.deepEqual(codes(lost), ['110', '332']);
  });
});
