/**
 * Gateway room history, the pure parts and the batching: the join's `<history/>` read with a cap,
 * a MAM query's form and RSM read with clear refusals, and RoomHistory writing one batch per turn
 * of the event loop with strictly increasing seqs, nothing lost or duplicated, failures logged.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import xml from '@xmpp/xml';
import type { ArchiveQuery, ArchivedMessage, RoomArchiveStore } from '../../src/core/room-archive.js';
import { silentLogger } from '../../src/core/log.js';
import { captureLog } from '../support/log-capture.js';
import { RoomHistory, type HistoryLimits } from '../../src/gateway/room-history.js';
import { parseMamQuery } from '../../src/gateway/room-mam.js';
import { historyRequest, mamResult } from '../../src/gateway/xmpp/room-archive-stanzas.js';

const NS_MUC = 'http://jabber.org/protocol/muc';
const NS_MAM = 'urn:xmpp:mam:2';
const NS_RSM = 'http://jabber.org/protocol/rsm';
const ROOM = '#lobby@gw.example.org';
const NOW = Date.parse('2026-12-07T12:00:00Z');
const LIMITS: HistoryLimits = { maxAgeDays: 30, maxMessagesPerRoom: 1000, onJoin: 20, maxOnJoin: 50, maxPage: 100 };

/** An archive in memory that records every call. */
class MemoryArchive implements RoomArchiveStore {
  readonly rows: ArchivedMessage[] = [];
  readonly batches: number[] = [];
  readonly prunedRooms: string[] = [];
  failNext = false;
  async append(entries: readonly ArchivedMessage[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('disk full');
    }
    this.batches.push(entries.length);
    for (const e of entries) if (!this.rows.some((r) => r.owner === e.owner && r.room === e.room && r.stanzaId === e.stanzaId)) this.rows.push(e);
  }
  async query(q: ArchiveQuery): Promise<ArchivedMessage[]> {
    const rows = this.rows.filter((r) => r.owner === q.owner && r.room === q.room);
    return (q.newestFirst ? rows.reverse() : rows).slice(0, q.limit);
  }
  async seqOf(): Promise<number | undefined> {
    return undefined;
  }
  async pruneOlderThan(): Promise<number> {
    return 0;
  }
  async pruneRoom(_owner: string, room: string): Promise<number> {
    this.prunedRooms.push(room);
    return 0;
  }
  async removeOwner(): Promise<number> {
    return 0;
  }
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('gateway room history: the join request', () => {
  const join = (attrs?: Record<string, string>) => xml('presence', {}, xml('x', { xmlns: NS_MUC }, attrs === undefined ? null : xml('history', attrs)));
  const defaults = { amount: 20, cap: 50 };

  it('gives the default without <history/>, caps what is asked, and none for maxchars or maxstanzas 0', () => {
    assert.deepEqual(historyRequest(join(), defaults, NOW), { maxStanzas: 20 });
    assert.deepEqual(historyRequest(xml('presence'), defaults, NOW), { maxStanzas: 20 });
    assert.deepEqual(historyRequest(join({ maxstanzas: '5' }), defaults, NOW), { maxStanzas: 5 });
    assert.deepEqual(historyRequest(join({ maxstanzas: '5000' }), defaults, NOW), { maxStanzas: 50 });
    assert.deepEqual(historyRequest(join({ maxstanzas: '0' }), defaults, NOW), { maxStanzas: 0 });
    assert.deepEqual(historyRequest(join({ maxchars: '0', maxstanzas: '9' }), defaults, NOW), { maxStanzas: 0 });
  });

  it('takes the later of seconds and since, and ignores malformed attributes', () => {
    assert.deepEqual(historyRequest(join({ seconds: '60' }), defaults, NOW), { maxStanzas: 20, since: NOW - 60_000 });
    assert.deepEqual(historyRequest(join({ seconds: '60', since: '2026-12-07T11:59:30Z' }), defaults, NOW), { maxStanzas: 20, since: NOW - 30_000 });
    assert.deepEqual(historyRequest(join({ seconds: '-5', maxstanzas: 'lots', since: 'yesterday' }), defaults, NOW), { maxStanzas: 20 });
  });
});

describe('gateway room history: a MAM query', () => {
  const query = (fields: Record<string, string>, set: ReturnType<typeof xml>[] = []) => xml('query', { xmlns: NS_MAM },
    xml('x', { xmlns: 'jabber:x:data', type: 'submit' }, ...Object.entries(fields).map(([k, v]) => xml('field', { var: k }, xml('value', {}, v)))),
    set.length === 0 ? null : xml('set', { xmlns: NS_RSM }, ...set));

  it('reads a range, an occupant and RSM paging', () => {
    assert.deepEqual(parseMamQuery(query({ FORM_TYPE: NS_MAM, start: '2026-12-07T10:00:00Z', end: '2026-12-07T11:00:00Z', with: `${ROOM}/carol` }, [xml('max', {}, '10'), xml('after', {}, 'x1')]), ROOM, 100),
      { ok: true, max: 10, start: Date.parse('2026-12-07T10:00:00Z'), end: Date.parse('2026-12-07T11:00:00Z'), nick: 'carol', after: 'x1', last: false });
    assert.deepEqual(parseMamQuery(xml('query', { xmlns: NS_MAM }), ROOM, 100), { ok: true, max: 100, last: false });
    assert.deepEqual(parseMamQuery(query({}, [xml('before')]), ROOM, 100), { ok: true, max: 100, last: true });
  });

  it('refuses bad input with a clear reason', () => {
    const refusal = (q: ReturnType<typeof xml>) => {
      const parsed = parseMamQuery(q, ROOM, 100);
      assert.equal(parsed.ok, false);
      return parsed.ok ? undefined : [parsed.condition, parsed.text];
    };
    assert.deepEqual(refusal(query({ start: '2026-12-07T11:00:00Z', end: '2026-12-07T10:00:00Z' })), ['bad-request', 'start is after end']);
    assert.match(refusal(query({ start: 'last week' }))?.[1] ?? '', /start is not an XEP-0082 date/);
    assert.deepEqual(refusal(query({}, [xml('max', {}, '101')])), ['not-acceptable', 'at most 100 messages per page']);
    assert.equal(refusal(query({}, [xml('max', {}, '-1')]))?.[0], 'bad-request');
    assert.equal(refusal(query({ with: 'carol@elsewhere.org' }))?.[0], 'bad-request');
    assert.equal(refusal(query({ with: `${ROOM}/` }))?.[0], 'bad-request');
    assert.equal(refusal(query({}, [xml('after', {}, 'a'), xml('before', {}, 'b')]))?.[0], 'bad-request');
    assert.equal(refusal(query({}, [xml('index', {}, '3')]))?.[0], 'feature-not-implemented');
    assert.equal(refusal(query({ 'before-id': 'x' }))?.[0], 'feature-not-implemented');
    assert.equal(refusal(query({ FORM_TYPE: 'urn:other' }))?.[0], 'bad-request');
  });

  it('forwards an entry with its delay, /me, and the modules\' fields', () => {
    const entry: ArchivedMessage = { owner: 'a@b', room: '#lobby', seq: 1, stanzaId: 's1', at: NOW, nick: 'carol', kind: 'message', body: 'waves', action: true, refers: '' };
    const result = mamResult(ROOM, 'alice@example.org/phone', 'q1', entry, { tag: 1 });
    const forwarded = result.getChild('result', NS_MAM)?.getChild('forwarded');
    assert.equal(result.getChild('result', NS_MAM)?.attrs.queryid, 'q1');
    assert.equal(forwarded?.getChild('delay')?.attrs.stamp, '2026-12-07T12:00:00.000Z');
    assert.equal(forwarded?.getChild('message')?.getChildText('body'), '/me waves');
    assert.equal(forwarded?.getChild('message')?.attrs.from, `${ROOM}/carol`);
    assert.equal(forwarded?.getChild('message')?.attrs.xmlns, 'jabber:client', 'the forwarded message is in jabber:client (XEP-0297), not in the forwarded namespace');
    assert.equal(forwarded?.getChild('message')?.getChildText('unsigned', 'urn:switchboard:unsigned:0'), '{"tag":1}');
    const retraction = mamResult(ROOM, 'alice@example.org/phone', undefined, { ...entry, kind: 'retraction', refers: 's0', body: '' }, {});
    assert.equal(retraction.getChild('result', NS_MAM)?.getChild('forwarded')?.getChild('message')?.getChild('retract')?.attrs.id, 's0');
  });
});

describe('gateway room history: batching', () => {
  it('writes what one turn recorded as one batch, with strictly increasing seqs at the same millisecond', async () => {
    const store = new MemoryArchive();
    const history = new RoomHistory(store, silentLogger(), LIMITS, () => NOW);
    for (let i = 0; i < 5; i++) history.record('a@b', '#lobby', { stanzaId: `s${i}`, nick: 'carol', body: `m${i}`, action: false });
    await turn();
    await history.flush();
    assert.deepEqual(store.batches, [5]);
    const seqs = store.rows.map((r) => r.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
    assert.equal(new Set(seqs).size, 5);
  });

  it('a query sees what was just recorded; a failed batch is logged and the next one is written', async () => {
    const store = new MemoryArchive();
    const history = new RoomHistory(store, silentLogger(), LIMITS, () => NOW);
    history.record('a@b', '#lobby', { stanzaId: 's1', nick: 'carol', body: 'hi', action: false });
    assert.deepEqual((await history.query({ owner: 'a@b', room: '#lobby', newestFirst: false, limit: 10 })).map((r) => r.body), ['hi']);
    store.failNext = true;
    history.record('a@b', '#lobby', { stanzaId: 's2', nick: 'carol', body: 'lost', action: false });
    await history.flush();
    history.record('a@b', '#lobby', { stanzaId: 's3', nick: 'carol', body: 'kept', action: false });
    await history.flush();
    assert.deepEqual(store.rows.map((r) => r.body), ['hi', 'kept']);
  });

  it('bounds what waits for a slow store (in flight too), logging once per burst', async () => {
    const store = new MemoryArchive();
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow: RoomArchiveStore = Object.assign(Object.create(store) as RoomArchiveStore, {
      append: async (entries: readonly ArchivedMessage[]) => {
        await blocked;
        return store.append(entries);
      },
    });
    const capture = captureLog();
    const history = new RoomHistory(slow, capture.log, LIMITS, () => NOW);
    for (let t = 0; t < 3; t++) {
      for (let i = 0; i < 10_000; i++) history.record('a@b', '#lobby', { stanzaId: `s${t}-${i}`, nick: 'n', body: '', action: false });
      await turn();
    }
    release();
    await history.flush();
    assert.equal(store.rows.length, 20_000);
    assert.equal(capture.lines.filter((l) => /the room archive is behind/.test(String(l.msg))).length, 1);
  });

  it('prunes a room by count once it grew by a tenth of its bound', async () => {
    const store = new MemoryArchive();
    const history = new RoomHistory(store, silentLogger(), { ...LIMITS, maxMessagesPerRoom: 1000 }, () => NOW);
    for (let i = 0; i < 99; i++) history.record('a@b', '#lobby', { stanzaId: `s${i}`, nick: 'n', body: '', action: false });
    await history.flush();
    assert.deepEqual(store.prunedRooms, []);
    history.record('a@b', '#lobby', { stanzaId: 's99', nick: 'n', body: '', action: false });
    await history.flush();
    assert.deepEqual(store.prunedRooms, ['#lobby']);
  });

  it('property: whatever the turns, every entry is written once, in order, seqs increasing per room', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.array(fc.constantFrom('#a', '#b'), { maxLength: 20 }), { maxLength: 10 }), async (turns) => {
      const store = new MemoryArchive();
      let clock = NOW;
      const history = new RoomHistory(store, silentLogger(), LIMITS, () => clock);
      let n = 0;
      for (const rooms of turns) {
        for (const room of rooms) history.record('a@b', room, { stanzaId: `s${n++}`, nick: 'n', body: '', action: false });
        if (n % 3 === 0) clock -= 1; // a clock going back does not reorder
        await turn();
      }
      await history.flush();
      assert.deepEqual(store.rows.map((r) => r.stanzaId), Array.from({ length: n }, (_, i) => `s${i}`));
      for (let i = 1; i < store.rows.length; i++) assert.ok(store.rows[i]!.seq > store.rows[i - 1]!.seq);
    }), { numRuns: 50 });
  });
});
