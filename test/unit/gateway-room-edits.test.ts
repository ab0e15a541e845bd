/**
 * Corrections, retractions and reactions the person sends in a room (src/gateway/room-edits.ts),
 * on a real SQLite archive, with a scripted legacy session: what the legacy room gets, what is
 * archived (as such, referring to the original's stanza id), what the person's resources get
 * (reflections with the client's id), and the refusals (someone else's message, an unknown id,
 * no id).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import xml, { type Element } from '@xmpp/xml';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/log.js';
import type { TextOptions } from '../../src/gateway/api.js';
import { RETRACTED_NOTE, RoomEdits, roomEditOf } from '../../src/gateway/room-edits.js';
import { RoomHistory, type HistoryLimits } from '../../src/gateway/room-history.js';
import { Room } from '../../src/gateway/rooms.js';
import type { UserSession } from '../../src/gateway/session.js';
import { storeOpener } from '../support/store-contract.js';

const root = mkdtempSync(join(tmpdir(), 'switchboard-edits-'));
after(() => rmSync(root, { recursive: true, force: true }));
const LIMITS: HistoryLimits = { maxAgeDays: 30, maxMessagesPerRoom: 1000, onJoin: 20, maxOnJoin: 50, maxPage: 100 };
const OWNER = 'alice@example.org';
const ROOM = '#lobby@gw.example.org';
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const ALLOW = async () => ({ allowed: true } as const);

const condition = (el: Element | undefined): string | undefined =>
  el?.getChild('error')?.children.find((c): c is Element => typeof c !== 'string' && c.attrs.xmlns === NS_STANZAS && c.name !== 'text')?.name;

describe('gateway room edits', () => {
  const open = storeOpener();
  let n = 0;

  async function setup(options: { history?: boolean } = {}) {
    const store = (await open({ kind: 'sqlite', path: join(root, `db-${++n}.sqlite`) })).roomArchive('network:gw');
    const history = options.history === false ? undefined : new RoomHistory(store, silentLogger(), LIMITS);
    const sent: Element[] = [];
    const said: string[] = [];
    const edits = new RoomEdits({ log: silentLogger(), maxBodyChars: 1000, history, send: (s) => sent.push(s) });
    const room = new Room('#lobby', ROOM);
    room.fill({ name: '#lobby', self: { nick: 'alice', role: 'participant', affiliation: 'none' }, participants: [{ nick: 'carol', role: 'participant', affiliation: 'none' }], subject: { text: '' } });
    room.resources.add(`${OWNER}/laptop`).add(`${OWNER}/phone`);
    const session = {
      jid: OWNER,
      legacy: {
        onRoomText: async (key: string, text: string, o: TextOptions) => {
          said.push(`${key} ${o.action ? '[action] ' : ''}${text}`);
          return undefined;
        },
      },
    } as unknown as UserSession;
    const message = (id: string, ...children: Element[]) => xml('message', { from: `${OWNER}/phone`, to: ROOM, type: 'groupchat', id }, ...children);
    const apply = async (stanza: Element) => {
      const edit = roomEditOf(stanza);
      assert.ok(edit);
      await edits.apply(stanza, edit, session, room, ALLOW);
    };
    const archived = async () => (await history?.query({ owner: OWNER, room: '#lobby', newestFirst: false, limit: 100 }) ?? []).map((e) => `${e.kind} ${e.nick} ${JSON.stringify(e.body)} → ${e.refers}`);
    return { edits, room, sent, said, message, apply, archived, history };
  }

  it('a correction of the person\'s own message: IRC gets the new text marked, the archive a correction, every resource a reflection', async () => {
    const { edits, room, sent, said, message, apply, archived } = await setup();
    edits.said(room, { stanzaId: 'sid-1', clientId: 'c-1', nick: 'alice', body: 'helo', own: true });
    await apply(message('c-2', xml('body', {}, 'hello'), xml('replace', { xmlns: 'urn:xmpp:message-correct:0', id: 'c-1' })));
    assert.deepEqual(said, ['#lobby hello (correction)']);
    assert.deepEqual(await archived(), ['correction alice "hello" → sid-1']);
    assert.deepEqual(sent.map((s) => `${s.attrs.id} ${s.attrs.from} → ${s.attrs.to} ${s.getChildText('body')} ${s.getChild('replace')?.attrs.id}`), [
      `c-2 ${ROOM}/alice → ${OWNER}/laptop hello c-1`, `c-2 ${ROOM}/alice → ${OWNER}/phone hello c-1`,
    ]);
  });

  it('a retraction: nothing to IRC, archived as a retraction, reflected, and the person told IRC still shows it', async () => {
    const { edits, room, sent, said, message, apply, archived } = await setup();
    edits.said(room, { stanzaId: 'sid-1', clientId: 'c-1', nick: 'alice', body: 'oops', own: true });
    await apply(message('r-1', xml('retract', { xmlns: 'urn:xmpp:message-retract:1', id: 'sid-1' })));
    assert.deepEqual(said, []);
    assert.deepEqual(await archived(), ['retraction alice "" → sid-1']);
    assert.equal(sent.filter((s) => s.getChild('retract', 'urn:xmpp:message-retract:1')?.attrs.id === 'sid-1').length, 2);
    assert.equal(sent.filter((s) => s.getChildText('body') === RETRACTED_NOTE && s.attrs.from === ROOM).length, 2);
    // Retracted: it cannot be corrected any more.
    sent.length = 0;
    await apply(message('c-3', xml('body', {}, 'x'), xml('replace', { xmlns: 'urn:xmpp:message-correct:0', id: 'c-1' })));
    assert.equal(condition(sent[0]), 'item-not-found');
  });

  it('a reaction to anyone\'s message: IRC gets the added emojis with an excerpt, bounded; a withdrawal sends nothing', async () => {
    const { edits, room, sent, said, message, apply, archived } = await setup();
    edits.said(room, { stanzaId: 'irc-7', nick: 'carol', body: `a rather long message from carol\nthat goes on and on ${'x'.repeat(500)}`, own: false });
    const react = (id: string, ...emojis: string[]) => apply(message(id, xml('reactions', { xmlns: 'urn:xmpp:reactions:0', id: 'irc-7' }, ...emojis.map((e) => xml('reaction', {}, e)))));
    await react('re-1', '👍');
    await react('re-2', '👍', '🎉');
    await react('re-3');
    assert.deepEqual(said, [
      '#lobby [action] reacted 👍 to "a rather long message from carol that go…"',
      '#lobby [action] reacted 🎉 to "a rather long message from carol that go…"',
    ]);
    assert.deepEqual(await archived(), ['reaction alice "👍" → irc-7', 'reaction alice "👍\\n🎉" → irc-7', 'reaction alice "" → irc-7']);
    assert.equal(sent.filter((s) => s.getChild('reactions', 'urn:xmpp:reactions:0') !== undefined).length, 6);
  });

  it('refused: someone else\'s message corrected or retracted, an unknown id, no id; nothing sent or archived', async () => {
    const { edits, room, sent, said, message, apply, archived } = await setup();
    edits.said(room, { stanzaId: 'irc-7', nick: 'carol', body: 'mine', own: false });
    // The person's own message whose client id is another message's stanza id: it does not hide that message.
    edits.said(room, { stanzaId: 'sid-2', clientId: 'irc-7', nick: 'alice', body: 'trick', own: true });
    await apply(message('a', xml('body', {}, 'pwned'), xml('replace', { xmlns: 'urn:xmpp:message-correct:0', id: 'irc-7' })));
    await apply(message('b', xml('retract', { xmlns: 'urn:xmpp:message-retract:1', id: 'irc-7' })));
    await apply(message('c', xml('reactions', { xmlns: 'urn:xmpp:reactions:0', id: 'nope' }, xml('reaction', {}, '👍'))));
    await apply(message('d', xml('retract', { xmlns: 'urn:xmpp:message-retract:1' })));
    assert.deepEqual(sent.map(condition), ['forbidden', 'forbidden', 'item-not-found', 'bad-request']);
    assert.deepEqual(said, []);
    assert.deepEqual(await archived(), []);
  });

  it('after a restart (nothing remembered) the archive tells what an id is, and whose', async () => {
    const first = await setup();
    first.history?.record(OWNER, '#lobby', { stanzaId: 'old-own', nick: 'alice', body: 'before', action: false });
    first.history?.record(OWNER, '#lobby', { stanzaId: 'old-carol', nick: 'carol', body: 'hers', action: false });
    await first.apply(first.message('x', xml('body', {}, 'after'), xml('replace', { xmlns: 'urn:xmpp:message-correct:0', id: 'old-own' })));
    await first.apply(first.message('y', xml('body', {}, 'no'), xml('replace', { xmlns: 'urn:xmpp:message-correct:0', id: 'old-carol' })));
    await first.apply(first.message('z', xml('reactions', { xmlns: 'urn:xmpp:reactions:0', id: 'old-carol' }, xml('reaction', {}, '❤'))));
    assert.deepEqual(first.said, ['#lobby after (correction)', '#lobby [action] reacted ❤ to "hers"']);
    assert.equal(condition(first.sent.find((s) => s.attrs.id === 'y')), 'forbidden');
  });

  it('without an archive only the remembered messages can be named', async () => {
    const { sent, message, apply } = await setup({ history: false });
    await apply(message('x', xml('retract', { xmlns: 'urn:xmpp:message-retract:1', id: 'whatever' })));
    assert.equal(condition(sent[0]), 'item-not-found');
  });

  it('reads the edit a stanza carries, bounded', () => {
    assert.equal(roomEditOf(xml('message', {}, xml('body', {}, 'hi'))), undefined);
    assert.deepEqual(roomEditOf(xml('message', {}, xml('replace', { xmlns: 'urn:xmpp:message-correct:0', id: 'a' }))), { kind: 'invalid', text: 'a correction needs a body' });
    const many = roomEditOf(xml('message', {}, xml('reactions', { xmlns: 'urn:xmpp:reactions:0', id: 'a' }, ...Array.from({ length: 50 }, (_, i) => xml('reaction', {}, `${i}`)), xml('reaction', {}, 'x'.repeat(100)), xml('reaction', {}, '1'))));
    assert.equal(many?.kind === 'reaction' ? many.emojis.length : -1, 20);
    assert.equal(roomEditOf(xml('message', {}, xml('retract', { xmlns: 'urn:xmpp:message-retract:1', id: 'x'.repeat(300) })))?.kind, 'invalid');
  });
});
