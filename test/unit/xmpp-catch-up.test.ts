/**
 * Catch-up from room archives (src/networks/xmpp/catch-up*.ts, room-cursors.ts, archive.ts
 * paging): the plan is a property test over random archives; the run is driven by a scripted
 * archive (the MAM wire format, as Prosody sends it) that can also misbehave: refuse, never
 * answer, never end.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import xml, { type Element } from '@xmpp/xml';
import type { IqCaller } from '@xmpp/iq/caller.js';
import { captureLog } from '../../src/app/log-capture.js';
import { ArchiveSearch, type ArchivedMessage } from '../../src/networks/xmpp/archive.js';
import { CatchUp } from '../../src/networks/xmpp/catch-up.js';
import { CatchUpScan, skippedText } from '../../src/networks/catch-up/scan.js';
import { LogOnce } from '../../src/networks/log-once.js';
import { MucRoom } from '../../src/networks/xmpp/muc-room.js';
import { RoomCursors } from '../../src/networks/catch-up/cursors.js';
import { Dispatcher } from '../../src/core/dispatcher.js';
import { ListenerRegistry } from '../../src/core/listeners.js';
import type { KeyValueStore } from '../../src/core/store.js';
import type { AnyEventInput } from '../../src/core/event.js';
import { silentLogger } from '../../src/core/log.js';
import parseXml from '@xmpp/xml/lib/parse.js';
import { Inbound } from '../../src/networks/xmpp/inbound.js';
import { Confirmations } from '../../src/networks/xmpp/confirmations.js';
import { MessageIds } from '../../src/networks/xmpp/message-ids.js';
import { ReactionSets } from '../../src/networks/xmpp/reactions.js';

const ROOM = 'room@conf.test';
const MUC_USER = 'http://jabber.org/protocol/muc#user';
const NOW = Date.UTC(2026, 0, 1, 12, 0);
const MINUTE = 60_000;

/** An archived message: `id`, said by `nick` at `stamp`. */
function archived(id: string, nick: string, stamp: number, body = `text ${id}`): ArchivedMessage {
  return { id, stamp, message: xml('message', { from: `${ROOM}/${nick}`, type: 'groupchat' }, xml('body', {}, body)) };
}

const bodyOfArchived = (m: ArchivedMessage): string => m.message.getChildText('body') ?? '';

void describe('catch-up plan', () => {
  void it('relays the newest maxMessages within maxAge after the cursor, in order; counts the rest; leaves ours out', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ ours: fc.boolean(), ageMinutes: fc.integer({ min: 0, max: 120 }) }), { maxLength: 60 }),
      fc.option(fc.nat(), { nil: undefined }),
      fc.integer({ min: 1, max: 20 }),
      fc.integer({ min: 1, max: 13 }),
      (spec, cursorAt, maxMessages, pageSize) => {
        // Archive order is time order: the oldest first.
        const ages = spec.map((s) => s.ageMinutes).sort((a, b) => b - a);
        const items = spec.map((s, i) => archived(`s${i}`, s.ours ? 'bot' : 'al', NOW - ages[i]! * MINUTE));
        const cursor = cursorAt === undefined || items.length === 0 ? 'gone' : items[cursorAt % items.length]!.id;
        const scan = new CatchUpScan<ArchivedMessage>(cursor, { maxMessages, maxAgeMs: 60 * MINUTE }, (m) => String(m.message.attrs.from).endsWith('/bot'), NOW);
        let end = items.length;
        let read: 'complete' | 'stopped' = 'complete';
        while (end > 0) {
          const page = items.slice(Math.max(0, end - pageSize), end);
          end -= page.length;
          if (!scan.page(page)) {
            read = 'stopped';
            break;
          }
        }
        const plan = scan.plan(read);
        const after = items.slice(items.findIndex((m) => m.id === cursor) + 1);
        const theirs = after.filter((_, i) => !spec[items.length - after.length + i]!.ours);
        const recent = theirs.filter((m) => m.stamp! >= NOW - 60 * MINUTE);
        assert.deepEqual(plan.relay.map((m) => m.id), recent.slice(-maxMessages).map((m) => m.id));
        assert.equal(plan.skipped, theirs.length - plan.relay.length);
        assert.equal(plan.incomplete, false);
        assert.equal(plan.newest?.id, after.at(-1)?.id);
      },
    ));
  });

  void it('counts a repeated archive entry once', () => {
    const scan = new CatchUpScan<ArchivedMessage>('c', { maxMessages: 10, maxAgeMs: 60 * MINUTE }, () => false, NOW);
    const page = [archived('a', 'al', NOW), archived('b', 'al', NOW)];
    scan.page(page);
    scan.page(page);
    assert.deepEqual(scan.plan('complete').relay.map((m) => m.id), ['a', 'b']);
  });

  void it('says how many were not relayed, and "more than" when the read stopped early', () => {
    const bounds = { maxMessages: 100, maxAgeMs: 60 * MINUTE };
    assert.equal(skippedText({ skipped: 1, incomplete: false }, bounds), '1 earlier message from while the bridge was away not relayed (only the last 100 from the last 60 minutes are)');
    assert.match(skippedText({ skipped: 4900, incomplete: true }, bounds), /^More than 4900 earlier messages/);
  });
});

/** A KeyValueStore in memory that records every write in order and can be made to fail. */
function memoryStore(): KeyValueStore & { writes: Array<[string, unknown]>; fail: boolean } {
  const values = new Map<string, unknown>();
  const store = {
    writes: [] as Array<[string, unknown]>,
    fail: false,
    get: async <T>(key: string) => values.get(key) as T | undefined,
    set: async (key: string, value: unknown) => {
      if (store.fail) throw new Error('disk full');
      store.writes.push([key, value]);
      values.set(key, value);
    },
    delete: async (key: string) => values.delete(key),
    keys: async () => [...values.keys()].sort(),
    deleteOlderThan: async () => 0,
  };
  return store;
}

/** A promise with its resolve function. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

void describe('room cursors', () => {
  void it('stores a cursor only once it and everything noted before it was handled, newest last', async () => {
    const store = memoryStore();
    const cursors = new RoomCursors(store, () => assert.fail('no failure expected'));
    const first = deferred();
    const second = deferred();
    cursors.note(ROOM, { id: 'a', ts: 1 }, first.promise);
    cursors.note(ROOM, { id: 'b', ts: 2 }, second.promise);
    second.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(store.writes.length, 0, 'b waits for a, whose events are not handled yet');
    first.resolve();
    await cursors.settled(ROOM);
    assert.deepEqual(store.writes.at(-1), ['catch-up/cursor/room@conf.test', { id: 'b', ts: 2 }]);
    assert.ok(store.writes.every(([, v], i) => i === 0 || (v as { ts: number }).ts >= (store.writes[i - 1]![1] as { ts: number }).ts), 'never backwards');
    assert.deepEqual(await cursors.get(ROOM), { id: 'b', ts: 2 });
  });

  void it('issues the cursor write in the same turn as the last write of the listeners that handled its message (one commit)', async () => {
    let turn = 0;
    let counting = true;
    const count = (): void => {
      turn += 1;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    const listeners = new ListenerRegistry();
    const appended: number[] = [];
    // A listener like the relay's: a few awaits (checks, beforeSend), then its write.
    listeners.add({ module: 'relay', order: 0, command: 'MESSAGE', listener: async () => {
      for (let i = 0; i < 5; i++) await Promise.resolve();
      appended.push(turn);
    } });
    const dispatcher = new Dispatcher({ log: silentLogger(), listeners });
    const store = memoryStore();
    const writes: number[] = [];
    const cursors = new RoomCursors({ ...store, set: async (k, v) => {
      writes.push(turn);
      await store.set(k, v);
    } }, () => undefined);
    for (let i = 0; i < 20; i++) {
      const event = { network: 'jabber', sender: 'al', command: 'MESSAGE', args: { channel: { network: 'jabber', id: ROOM }, message: { id: `s${i}`, author: { network: 'jabber', id: 'al' }, kind: 'message', body: [], attachments: [], ts: 1 } } } as AnyEventInput;
      cursors.note(ROOM, { id: `s${i}`, ts: i }, dispatcher.ingestHandled(event));
      if (i % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await cursors.settled(ROOM);
    counting = false;
    assert.equal(writes.length, 20);
    assert.deepEqual(writes, appended, 'each cursor write in the turn of its message\'s last listener write');
  });

  void it('reports a failed write and goes on; ignores what is stored when it is not a cursor', async () => {
    const store = memoryStore();
    const failures: unknown[] = [];
    const cursors = new RoomCursors(store, (_room, error) => failures.push(error));
    store.fail = true;
    cursors.note(ROOM, { id: 'a', ts: 1 }, Promise.resolve());
    await cursors.settled(ROOM);
    assert.equal(failures.length, 1);
    store.fail = false;
    cursors.note(ROOM, { id: 'b', ts: 2 }, Promise.reject(new Error('a listener failed')));
    await cursors.settled(ROOM);
    assert.deepEqual(await cursors.get(ROOM), { id: 'b', ts: 2 });
    for (const bad of [null, 'x', { id: '', ts: 1 }, { id: 'a', ts: Number.NaN }, { id: 'a'.repeat(2000), ts: 1 }]) {
      await store.set('catch-up/cursor/other@conf.test', bad);
      assert.equal(await cursors.get('other@conf.test'), undefined, JSON.stringify(bad));
    }
  });
});

/** How the scripted archive behaves. */
type Behaviour = 'normal' | 'refuse' | 'silent' | 'endless';

/**
 * A room archive answering MAM queries as Prosody does (results as messages routed through
 * `archive.take`, then the `<fin>`), or misbehaving.
 */
function scriptedArchive(archive: ArchiveSearch, items: ArchivedMessage[], behaviour: Behaviour): IqCaller & { queries: number } {
  let endlessId = 0;
  const caller = {
    queries: 0,
    async request(stanza: Element, timeoutMs?: number): Promise<Element> {
      caller.queries += 1;
      const query = stanza.getChild('query', 'urn:xmpp:mam:2')!;
      const set = query.getChild('set', 'http://jabber.org/protocol/rsm')!;
      const max = Number(set.getChildText('max'));
      const before = set.getChildText('before') ?? '';
      const start = query.getChild('x', 'jabber:x:data')?.getChildren('field').find((f) => f.attrs.var === 'start')?.getChildText('value');
      if (behaviour === 'refuse') throw new Error('feature-not-implemented');
      if (behaviour === 'silent') {
        await new Promise((resolve) => setTimeout(resolve, timeoutMs ?? 1000));
        throw new Error('timeout');
      }
      let page: ArchivedMessage[];
      let complete: boolean;
      if (behaviour === 'endless') {
        page = Array.from({ length: max }, () => archived(`e${endlessId++}`, 'al', NOW));
        complete = false;
      } else {
        const since = start === undefined || start === null ? -Infinity : Date.parse(start);
        const candidates = items.filter((m) => m.stamp! >= since);
        const end = before === '' ? candidates.length : candidates.findIndex((m) => m.id === before);
        page = candidates.slice(Math.max(0, end - max), end);
        complete = end - page.length <= 0;
      }
      for (const m of page) {
        archive.take(xml('message', { from: ROOM, to: 'bot@x.test/r' },
          xml('result', { xmlns: 'urn:xmpp:mam:2', queryid: query.attrs.queryid, id: m.id },
            xml('forwarded', { xmlns: 'urn:xmpp:forward:0' }, xml('delay', { xmlns: 'urn:xmpp:delay', stamp: new Date(m.stamp!).toISOString() }), m.message))));
      }
      return xml('iq', { type: 'result' }, xml('fin', { xmlns: 'urn:xmpp:mam:2', ...(complete ? { complete: 'true' } : {}) },
        xml('set', { xmlns: 'http://jabber.org/protocol/rsm' }, page.length > 0 ? xml('first', {}, page[0]!.id) : null)));
    },
    get: () => Promise.reject(new Error('unused')),
    set: () => Promise.reject(new Error('unused')),
  };
  return caller;
}

/** A joined room, a catch-up wired to a scripted archive; what it replays, says and releases is recorded. */
async function catchUpRig(options: { items: ArchivedMessage[]; behaviour?: Behaviour; cursor?: { id: string; ts: number }; maxMessages?: number; timeoutMs?: number }) {
  const store = memoryStore();
  const cursors = new RoomCursors(store, () => undefined);
  if (options.cursor) await store.set(`catch-up/cursor/${ROOM}`, options.cursor);
  const archive = new ArchiveSearch();
  const iq = scriptedArchive(archive, options.items, options.behaviour ?? 'normal');
  const captured = captureLog('info');
  const room = new MucRoom(ROOM, 'bot');
  room.startJoin('bot', true);
  room.assignsStanzaIds = true;
  const out: string[] = [];
  const catchUp = new CatchUp({
    config: { enabled: true, maxMessages: options.maxMessages ?? 100, maxAgeMinutes: 60, timeoutMs: options.timeoutMs ?? 5000 },
    archive, cursors, log: captured.log, logOnce: new LogOnce(captured.log),
    iqCaller: () => iq,
    us: () => ({ nicks: ['bot'], account: 'bot@x.test' }),
    replay: (_room, m) => out.push(`replay ${bodyOfArchived(m)}`),
    notice: (_room, text) => out.push(`notice ${text}`),
    handle: (el) => out.push(`live ${el.getChildText('body') ?? ''}`),
    now: () => NOW,
  });
  const hold = (id: string, body: string): void => {
    room.held!.push(xml('message', { from: `${ROOM}/al`, type: 'groupchat' }, xml('body', {}, body), xml('stanza-id', { xmlns: 'urn:xmpp:sid:0', by: ROOM, id })));
  };
  return { catchUp, room, out, iq, store, cursors, hold, lines: captured.lines as readonly Record<string, unknown>[] };
}

/** `count` messages from al, a minute apart, ending a minute ago; ids m0, m1, … */
const history = (count: number): ArchivedMessage[] =>
  Array.from({ length: count }, (_, i) => archived(`m${i}`, 'al', NOW - (count - i) * 1000, `said ${i}`));

void describe('catch-up run', () => {
  void it('replays what follows the cursor, then the held live messages, skipping a live one already in the archive', async () => {
    const items = [...history(5), archived('own', 'bot', NOW - 500, 'ours'), archived('m5', 'al', NOW - 400, 'said live')];
    const rig = await catchUpRig({ items, cursor: { id: 'm1', ts: NOW - 4000 } });
    rig.hold('m5', 'said live');
    rig.hold('m6', 'said later');
    await rig.catchUp.run(rig.room);
    assert.deepEqual(rig.out, ['replay said 2', 'replay said 3', 'replay said 4', 'live said live', 'live said later']);
    assert.equal(rig.room.held, undefined, 'no longer holding');
    await rig.cursors.settled(ROOM);
    assert.deepEqual((await rig.cursors.get(ROOM))?.id, 'm5', 'the cursor is the archive\'s newest');
  });

  void it('on the first join relays nothing and takes the archive\'s newest as the cursor', async () => {
    const rig = await catchUpRig({ items: history(3) });
    rig.hold('x', 'live');
    await rig.catchUp.run(rig.room);
    assert.deepEqual(rig.out, ['live live']);
    await rig.cursors.settled(ROOM);
    assert.equal((await rig.cursors.get(ROOM))?.id, 'm2');
  });

  void it('with a cursor the archive no longer knows, relays the last messages within the bounds', async () => {
    const rig = await catchUpRig({ items: history(8), cursor: { id: 'forgotten', ts: NOW - 60_000 }, maxMessages: 3 });
    await rig.catchUp.run(rig.room);
    assert.deepEqual(rig.out, [
      'notice 5 earlier messages from while the bridge was away not relayed (only the last 3 from the last 60 minutes are)',
      'replay said 5', 'replay said 6', 'replay said 7',
    ]);
  });

  void it('reads a huge archive backwards: the newest are relayed, the rest counted, within the page limit', async () => {
    const rig = await catchUpRig({ items: history(3000), cursor: { id: 'm10', ts: NOW - 3_600_000 } });
    await rig.catchUp.run(rig.room);
    assert.equal(rig.out[0], 'notice 2889 earlier messages from while the bridge was away not relayed (only the last 100 from the last 60 minutes are)');
    assert.deepEqual(rig.out.slice(1), Array.from({ length: 100 }, (_, i) => `replay said ${2900 + i}`));
    assert.ok(rig.iq.queries <= 50, `${rig.iq.queries} pages`);
  });

  void it('stops an archive that never ends at the page limit and says "more than"', async () => {
    const rig = await catchUpRig({ items: [], behaviour: 'endless', cursor: { id: 'never', ts: NOW }, maxMessages: 10 });
    await rig.catchUp.run(rig.room);
    assert.match(rig.out[0]!, /^notice More than 4990 earlier messages/);
    assert.equal(rig.out.length, 11);
    assert.equal(rig.iq.queries, 50);
  });

  for (const behaviour of ['refuse', 'silent'] as const) {
    void it(`an archive that ${behaviour === 'refuse' ? 'refuses the query' : 'never answers'}: logged once, live messages released`, async () => {
      const rig = await catchUpRig({ items: [], behaviour, cursor: { id: 'c', ts: NOW }, timeoutMs: 200 });
      for (let round = 0; round < 2; round++) {
        rig.room.startJoin('bot', true);
        rig.hold(`l${round}`, `live ${round}`);
        await rig.catchUp.run(rig.room);
      }
      assert.deepEqual(rig.out, ['live live 0', 'live live 1']);
      assert.equal(rig.lines.filter((l) => String(l.msg).startsWith('could not catch up')).length, 1, 'logged once');
    });
  }

  void it('gives up when too many live messages wait, and a rejoin meanwhile voids the old catch-up', async () => {
    const rig = await catchUpRig({ items: history(3), cursor: { id: 'm0', ts: NOW - 5000 } });
    rig.hold('l0', 'held');
    const running = rig.catchUp.run(rig.room);
    rig.catchUp.giveUp(rig.room);
    assert.deepEqual(rig.out, ['live held'], 'released at once');
    await running;
    assert.deepEqual(rig.out, ['live held'], 'the void catch-up relays nothing');
  });

  void it('releases the live messages within timeoutMs when the room never says whether it assigns stanza-ids', async () => {
    const rig = await catchUpRig({ items: history(3), cursor: { id: 'm0', ts: NOW }, timeoutMs: 100 });
    rig.hold('l', 'live');
    await rig.catchUp.run(rig.room, new Promise(() => undefined));
    assert.deepEqual(rig.out, ['live live']);
    assert.equal(rig.iq.queries, 0);
  });

  void it('does nothing in a room that does not assign stanza-ids, but releases it', async () => {
    const rig = await catchUpRig({ items: history(3), cursor: { id: 'm0', ts: NOW } });
    rig.room.assignsStanzaIds = false;
    rig.hold('l', 'live');
    await rig.catchUp.run(rig.room);
    assert.deepEqual(rig.out, ['live live']);
    assert.equal(rig.iq.queries, 0);
  });
});

void describe('inbound: archived, held and tracked messages', () => {
  /** Inbound with a joined room past its subject; events go through emitHandled, whose handling the test settles. */
  function inboundRig() {
    const events: AnyEventInput[] = [];
    const handled: Array<() => void> = [];
    const notes: Array<{ id: string; handled: Promise<void> }> = [];
    const room = new MucRoom(ROOM, 'bot');
    const confirmations = new Confirmations(5000);
    const inbound = new Inbound({
      ctx: {
        name: 'jabber', log: silentLogger(), store: memoryStore(), wantedChannels: () => [],
        emit: (e) => events.push(e),
        emitHandled: (e) => {
          events.push(e);
          return new Promise<void>((resolve) => handled.push(resolve));
        },
        connectionLost: () => undefined,
      },
      rooms: new Map([[ROOM, room]]), ids: new MessageIds(), reactions: new ReactionSets(), logOnce: new LogOnce(silentLogger()),
      account: 'bot@x.test', confirmations, onSelfChange: () => undefined, onRoomError: () => undefined, peerBridges: new Set(), maxBodyBytes: 65_536,
      cursors: { note: (_room, cursor, done) => notes.push({ id: cursor.id, handled: done }) },
    });
    room.startJoin('bot', true);
    room.assignsStanzaIds = true;
    inbound.handle(parseXml(`<presence from='${ROOM}/al'><x xmlns='${MUC_USER}'><item role='participant'/></x></presence>`));
    inbound.handle(parseXml(`<presence from='${ROOM}/bot'><x xmlns='${MUC_USER}'><item role='participant'/><status code='110'/></x></presence>`));
    inbound.handle(parseXml(`<message from='${ROOM}' type='groupchat'><subject/></message>`));
    return { inbound, room, events, handled, notes, confirmations };
  }
  const late = (id: string, inner: string, nick = 'al'): ArchivedMessage => ({ id, stamp: NOW, message: parseXml(`<message from='${ROOM}/${nick}' type='groupchat' id='c-${id}'>${inner}</message>`) });

  void it('applies archived corrections, retractions and reactions to archived messages, all marked late', () => {
    const { inbound, room, events } = inboundRig();
    room.held = undefined;
    inbound.replay(room, late('s1', '<body>helo</body>'));
    inbound.replay(room, late('s2', `<body>hello</body><replace xmlns='urn:xmpp:message-correct:0' id='c-s1'/>`));
    inbound.replay(room, late('s3', `<reactions xmlns='urn:xmpp:reactions:0' id='s1'><reaction>👍</reaction></reactions>`));
    inbound.replay(room, late('s4', `<retract xmlns='urn:xmpp:message-retract:1' id='c-s1'/>`));
    inbound.replay(room, late('s5', `<subject>old topic</subject>`));
    const messages = events.filter((e) => e.command !== 'JOIN' && e.command !== 'TOPIC');
    assert.deepEqual(messages.map((e) => e.command), ['MESSAGE', 'EDIT', 'REACT', 'DELETE']);
    const original = (messages[0]!.args as { message: { id: string; delayed?: boolean; ts: number } }).message;
    assert.deepEqual([original.delayed, original.ts], [true, NOW]);
    assert.equal((messages[1]!.args as { messageId: string }).messageId, original.id);
    assert.equal((messages[1]!.args as { message: { delayed?: boolean } }).message.delayed, true);
    assert.equal((messages[2]!.args as { messageId: string }).messageId, original.id);
    assert.equal((messages[3]!.args as { messageId: string }).messageId, original.id);
  });

  void it('believes the occupant there now only when the archive names the same real JID', () => {
    const { inbound, room, events } = inboundRig();
    room.held = undefined;
    inbound.handle(parseXml(`<presence from='${ROOM}/mallory'><x xmlns='${MUC_USER}'><item role='participant' jid='mallory@x.test/r'/></x></presence>`));
    inbound.replay(room, late('a1', '<body>said by an earlier mallory</body>', 'mallory'));
    inbound.replay(room, { ...late('a2', ''), message: parseXml(`<message from='${ROOM}/mallory' type='groupchat'><body>said by this one</body><x xmlns='${MUC_USER}'><item jid='mallory@x.test/r'/></x></message>`) });
    const authors = events.filter((e) => e.command === 'MESSAGE').map((e) => (e.args as { message: { author: { account?: string } } }).message.author.account);
    assert.deepEqual(authors, [undefined, 'mallory@x.test']);
  });

  void it('holds live messages while catching up, confirming our own echoes at once', async () => {
    const { inbound, room, events, confirmations } = inboundRig();
    const echo = confirmations.expect(ROOM, 'sb-1');
    inbound.handle(parseXml(`<message from='${ROOM}/al' type='groupchat' id='x'><body>live</body></message>`));
    inbound.handle(parseXml(`<message from='${ROOM}/bot' type='groupchat' id='sb-1'><body>ours</body></message>`));
    await echo;
    assert.equal(room.held?.length, 2);
    assert.ok(!events.some((e) => e.command === 'MESSAGE'));
  });

  void it('notes a message\'s stanza-id as the room\'s cursor only once its event was handled', async () => {
    const { inbound, room, handled, notes } = inboundRig();
    room.held = undefined;
    inbound.handle(parseXml(`<message from='${ROOM}/al' type='groupchat' id='x'><body>live</body><stanza-id xmlns='urn:xmpp:sid:0' by='${ROOM}' id='sid-1'/></message>`));
    assert.deepEqual(notes.map((n) => n.id), ['sid-1']);
    let done = false;
    void notes[0]!.handled.then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(done, false, 'not before the hub handled the MESSAGE');
    for (const resolve of handled) resolve();
    await notes[0]!.handled;
  });
});
