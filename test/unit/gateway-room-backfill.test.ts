/**
 * Backfill's hole bounds (slidge's HoleBound) on a real SQLite archive: an empty archive, a room
 * only backfilled before, a room never backfilled but with live messages, a downtime hole
 * (archived before, live since: both bounds, only what falls inside is kept, in order); once per
 * room and run; a failing network leaves the join going. And placeInHole's ordering (property).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/log.js';
import type { RoomArchiveStore } from '../../src/core/room-archive.js';
import type { LegacySession } from '../../src/gateway/api.js';
import type { BackfilledMessage, HoleBound } from '../../src/gateway/room-api.js';
import { backfillRoom, placeInHole } from '../../src/gateway/room-backfill.js';
import { RoomHistory, type HistoryLimits } from '../../src/gateway/room-history.js';
import { storeOpener } from '../support/store-contract.js';

const root = mkdtempSync(join(tmpdir(), 'switchboard-backfill-'));
after(() => rmSync(root, { recursive: true, force: true }));
const LIMITS: HistoryLimits = { maxAgeDays: 30, maxMessagesPerRoom: 100, onJoin: 20, maxOnJoin: 50, maxPage: 100 };
const OWNER = 'alice@example.org';
const T0 = Date.parse('2026-12-07T10:00:00Z');

type Bounds = { after?: HoleBound; before?: HoleBound; limit: number };

/** A legacy session whose archive answers `answer` and records the bounds it was asked with. */
function legacyWith(answer: (bounds: Bounds) => readonly BackfilledMessage[]): { session: LegacySession; asked: Bounds[] } {
  const asked: Bounds[] = [];
  const session = {
    backfillRoom: async (_room: string, bounds: Bounds) => {
      asked.push(bounds);
      return answer(bounds);
    },
  } as unknown as LegacySession;
  return { session, asked };
}

const msg = (id: string, at: number, nick = 'carol'): BackfilledMessage => ({ id, nick, text: id, action: false, at });

describe('gateway room backfill', () => {
  const open = storeOpener();
  let n = 0;
  const archive = async (): Promise<RoomArchiveStore> => (await open({ kind: 'sqlite', path: join(root, `db-${++n}.sqlite`) })).roomArchive('network:gw');
  const run = (store: RoomArchiveStore, clock: { now: number }): RoomHistory => new RoomHistory(store, silentLogger(), LIMITS, () => clock.now);
  const bodies = async (history: RoomHistory): Promise<string[]> =>
    (await history.query({ owner: OWNER, room: '#lobby', newestFirst: false, limit: 100 })).map((e) => e.body);

  it('empty archive: no bounds; then only-backfilled: after is the newest backfilled; once per run', async () => {
    const store = await archive();
    const clock = { now: T0 };
    const first = run(store, clock);
    const network = legacyWith(() => [msg('b2', T0 - 1000), msg('b1', T0 - 2000)]);
    assert.equal(await backfillRoom(first, network.session, OWNER, '#lobby', first.mark(), silentLogger()), 2);
    assert.deepEqual(network.asked, [{ limit: 100 }]);
    assert.deepEqual(await bodies(first), ['b1', 'b2']);
    assert.equal(await backfillRoom(first, network.session, OWNER, '#lobby', first.mark(), silentLogger()), 0);
    assert.equal(network.asked.length, 1, 'once per room and run');

    clock.now = T0 + 60_000;
    const second = run(store, clock);
    const again = legacyWith(() => [msg('b2', T0 - 1000), msg('b3', T0 + 30_000)]);
    assert.equal(await backfillRoom(second, again.session, OWNER, '#lobby', second.mark(), silentLogger()), 1);
    assert.deepEqual(again.asked, [{ after: { id: 'b2', at: T0 - 1000 }, limit: 100 }]);
    assert.deepEqual(await bodies(second), ['b1', 'b2', 'b3']);
  });

  it('never backfilled, live messages only: after is the newest live one', async () => {
    const store = await archive();
    const clock = { now: T0 };
    const history = run(store, clock);
    history.record(OWNER, '#lobby', { stanzaId: 'l1', nick: 'carol', body: 'l1', action: false });
    await history.flush();
    clock.now = T0 + 5000;
    const network = legacyWith(() => []);
    await backfillRoom(history, network.session, OWNER, '#lobby', history.mark(), silentLogger());
    assert.deepEqual(network.asked, [{ after: { id: 'l1', at: T0 }, limit: 100 }]);
  });

  it('a downtime hole: both bounds, only what falls inside is kept, between them in order', async () => {
    const store = await archive();
    const clock = { now: T0 };
    const before = run(store, clock);
    before.record(OWNER, '#lobby', { stanzaId: 'old', nick: 'carol', body: 'old', action: false });
    await before.stop();
    clock.now = T0 + 3_600_000; // the gateway was down for an hour
    const restarted = run(store, clock);
    const joinSeq = restarted.mark();
    clock.now += 1000;
    restarted.record(OWNER, '#lobby', { stanzaId: 'live', nick: 'dave', body: 'live', action: false });
    const network = legacyWith(() => [
      msg('h2', T0 + 2_000_000), msg('too-old', T0 - 5), msg('h1', T0 + 1_000_000), msg('too-new', T0 + 9_000_000), msg('', T0 + 1_500_000),
      { id: 'bad', nick: 'x', text: 'bad', action: false, at: Number.NaN },
    ]);
    assert.equal(await backfillRoom(restarted, network.session, OWNER, '#lobby', joinSeq, silentLogger()), 2);
    assert.deepEqual(network.asked, [{ after: { id: 'old', at: T0 }, before: { id: 'live', at: T0 + 3_601_000 }, limit: 100 }]);
    assert.deepEqual(await bodies(restarted), ['old', 'h1', 'h2', 'live']);
  });

  it('text the database cannot hold (NUL, a lone surrogate) is cleaned, not failing the batch', async () => {
    const history = run(await archive(), { now: T0 });
    history.record(OWNER, '#lobby', { stanzaId: 'n1', nick: 'ca\0rol', body: 'a\0b', action: false });
    history.record(OWNER, '#lobby', { stanzaId: 'n2', nick: 'carol', body: 'x\uD800y', action: false });
    history.record(OWNER, '#lobby', { stanzaId: 'n3', nick: 'carol', body: 'fine', action: false });
    assert.deepEqual(await bodies(history), ['ab', 'x\uFFFDy', 'fine']);
  });

  it('a network that fails: nothing archived, no throw', async () => {
    const history = run(await archive(), { now: T0 });
    const session = { backfillRoom: () => Promise.reject(new Error('archive down')) } as unknown as LegacySession;
    assert.equal(await backfillRoom(history, session, OWNER, '#lobby', history.mark(), silentLogger()), 0);
    assert.deepEqual(await bodies(history), []);
  });

  it('property: placeInHole keeps time order, strictly increasing seqs, all inside the hole', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 40 }), fc.integer({ min: 0, max: 5_000_000 }), fc.integer({ min: 1, max: 8_000_000 }),
      (times, low, width) => {
        const high = low + width;
        const placed = placeInHole(times.map((at, i) => msg(`m${i}`, at)), low, high);
        assert.ok(placed.length <= times.length);
        assert.ok(placed.length >= Math.min(times.length, width - 1));
        for (let i = 0; i < placed.length; i++) {
          assert.ok(placed[i]!.seq > low && placed[i]!.seq < high);
          if (i > 0) {
            assert.ok(placed[i]!.seq > placed[i - 1]!.seq);
            assert.ok(placed[i]!.message.at >= placed[i - 1]!.message.at);
          }
        }
      }));
  });
});
