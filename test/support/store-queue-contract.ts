/**
 * The durable queues (`Store.queues()`) and migration 0003, which moved the relay's queued
 * deliveries out of the key-value table: one suite run against every backend (SQLite in
 * test/unit/store.test.ts, PostgreSQL in test/e2e/store-postgres.test.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StoreError } from '../../src/store/errors.js';
import { migrations, type Migration } from '../../src/store/migrations/index.js';
import { captureLog } from './log-capture.js';
import { storeOpener, type NewDatabase } from './store-contract.js';

/** The schema before the queue table: what Switchboard ran before migration 0003. */
const BEFORE_QUEUE_TABLE = migrations.filter((m) => m.version < 3);

/** A relay job key as the relay wrote it into its key-value namespace before migration 0003. */
function oldQueueKey(network: string, channel: string, seq: number): string {
  return `queue/${encodeURIComponent(network)}/${encodeURIComponent(channel.toLowerCase())}/${String(seq).padStart(16, '0')}`;
}

const job = (n: number, target: string) => ({ op: 'notice', bridge: 'lobby', target: { network: 'irc', id: target }, message: { id: `m${n}`, body: [{ type: 'text', text: String(n) }] } });

type QueueCommand = { op: 'append'; queue: number; value: number } | { op: 'remove'; queue: number; pick: number };

export function describeQueueContract(name: string, newDatabase: NewDatabase): void {
  describe(`Store contract, queues: ${name}`, () => {
    const open = storeOpener();

    it('keeps entries in seq order (numeric), apart per queue and namespace, until removed', async () => {
      const store = await open(await newDatabase());
      const queues = store.queues('module:relay');
      for (const seq of [1, 2, 9, 10, 100]) await queues.append('irc/%23a', seq, { n: seq });
      await queues.append('irc/%23b', 1, 'b1');
      await store.queues('module:other').append('irc/%23a', 1, 'other');
      assert.deepEqual((await queues.entries('irc/%23a')).map((e) => e.seq), [1, 2, 9, 10, 100]);
      assert.deepEqual((await queues.entries('irc/%23a'))[3], { seq: 10, value: { n: 10 } });
      assert.equal(await queues.remove('irc/%23a', 9), true);
      assert.equal(await queues.remove('irc/%23a', 9), false);
      const all = await queues.all();
      assert.deepEqual([...all.keys()], ['irc/%23a', 'irc/%23b']);
      assert.deepEqual(all.get('irc/%23a')!.map((e) => e.seq), [1, 2, 10, 100]);
      assert.deepEqual(all.get('irc/%23b'), [{ seq: 1, value: 'b1' }]);
      assert.deepEqual(await store.queues('module:other').entries('irc/%23a'), [{ seq: 1, value: 'other' }]);
      assert.deepEqual(await queues.entries('nothing/here'), []);
    });

    it('behaves like in-memory queues under any sequence of appends and removals, issued without waiting (property)', async () => {
      const config = await newDatabase();
      const store = await open(config);
      let round = 0;
      const command: fc.Arbitrary<QueueCommand> = fc.oneof(
        fc.record({ op: fc.constant('append' as const), queue: fc.nat(2), value: fc.integer() }),
        fc.record({ op: fc.constant('remove' as const), queue: fc.nat(2), pick: fc.nat(20) }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(command, { maxLength: 40 }), async (commands) => {
          const queues = store.queues(`property-${round++}`);
          const model = new Map<string, Array<{ seq: number; value: number }>>();
          const next = new Map<string, number>();
          const writes: Array<Promise<unknown>> = [];
          for (const c of commands) {
            const name = `q${c.queue}`;
            const entries = model.get(name) ?? [];
            if (c.op === 'append') {
              const seq = (next.get(name) ?? 0) + 1;
              next.set(name, seq);
              entries.push({ seq, value: c.value });
              model.set(name, entries);
              writes.push(queues.append(name, seq, c.value));
            } else {
              const seq = entries.length > 0 ? entries.splice(c.pick % entries.length, 1)[0]!.seq : c.pick + 1;
              if (entries.length === 0) model.delete(name);
              writes.push(queues.remove(name, seq));
            }
          }
          await Promise.all(writes);
          assert.deepEqual(await queues.all(), new Map([...model].filter(([, e]) => e.length > 0).sort(([a], [b]) => (a < b ? -1 : 1))));
        }),
        { numRuns: 25 },
      );
    });

    it('refuses an entry it cannot store, or a seq already stored, with a clear error, and keeps the old entry', async () => {
      const store = await open(await newDatabase());
      const queues = store.queues('strict');
      await queues.append('q', 1, 'old');
      const bad: Array<[string, () => Promise<unknown>, RegExp]> = [
        ['the same seq again', () => queues.append('q', 1, 'new'), /queues\("strict"\)\.append\("q", 1\) failed/],
        ['undefined value', () => queues.append('q', 2, undefined), /cannot be stored as JSON/],
        ['fractional seq', () => queues.append('q', 2.5, 1), /seq must be a non-negative integer/],
        ['empty queue name', () => queues.append('', 2, 1), /queue name must not be empty/],
        ['NUL in queue name', () => queues.entries('q\0'), /NUL/],
      ];
      for (const [what, action, message] of bad) {
        await assert.rejects(action(), (error: unknown) => error instanceof StoreError && message.test(error.message), what);
      }
      assert.throws(() => store.queues(''), /namespace must not be empty/);
      assert.deepEqual(await queues.entries('q'), [{ seq: 1, value: 'old' }]);
    });

    it('appendThen and removeThen (no promise) report each outcome once, never synchronously for an append, in the order of every other write', async () => {
      const store = await open(await newDatabase());
      const queues = store.queues('callbacks');
      const outcomes: string[] = [];
      const report = (what: string) => (error: Error | undefined): void => {
        outcomes.push(error === undefined ? `${what} ok` : `${what} failed: ${error instanceof StoreError ? error.message : String(error)}`);
      };
      queues.appendThen('q', 1, 'one', report('first'));
      queues.appendThen('q', 1, 'again', report('duplicate'));
      queues.appendThen('q', 2, undefined, report('undefined'));
      queues.appendThen('', 3, 'x', report('no name'));
      assert.equal(outcomes.length, 0, 'nothing reported before the writes ran');
      await queues.append('q', 3, 'three');
      queues.removeThen('q', 3, report('removal'));
      await queues.append('q', 4, 'four');
      assert.equal(outcomes.length, 5, outcomes.join('; '));
      const only = (what: string): string => {
        const found = outcomes.filter((o) => o.startsWith(`${what} `));
        assert.equal(found.length, 1, `${what}: reported once`);
        return found[0]!;
      };
      assert.equal(only('first'), 'first ok');
      assert.match(only('duplicate'), /^duplicate failed: queues\("callbacks"\)\.append\("q", 1\) failed/);
      assert.match(only('undefined'), /failed: .*cannot be stored as JSON/);
      assert.match(only('no name'), /failed: queue name must not be empty/);
      assert.equal(only('removal'), 'removal ok');
      assert.deepEqual(await queues.entries('q'), [{ seq: 1, value: 'one' }, { seq: 4, value: 'four' }]);
    });

    it('reads a damaged entry as undefined in its place, logging it once with context', async () => {
      const damage: Migration = {
        version: migrations.length + 1,
        name: 'damage-a-queue-entry',
        async up({ db }) {
          await db.insertInto('queue_entries').values([
            { namespace: 'damaged', queue: 'q', seq: 1, value: '{not json', created_at: 0 },
            { namespace: 'damaged', queue: 'q', seq: 2, value: '"fine"', created_at: 0 },
          ]).execute();
        },
      };
      const capture = captureLog();
      const store = await open(await newDatabase(), { migrations: [...migrations, damage] }, capture.log);
      const queues = store.queues('damaged');
      assert.deepEqual(await queues.entries('q'), [{ seq: 1, value: undefined }, { seq: 2, value: 'fine' }]);
      assert.deepEqual((await queues.all()).get('q'), [{ seq: 1, value: undefined }, { seq: 2, value: 'fine' }]);
      const warnings = capture.lines.filter((l) => l.level === 40);
      assert.equal(warnings.length, 1, 'logged once');
      assert.equal(warnings[0]!.namespace, 'damaged');
      assert.equal(warnings[0]!.queue, 'q');
      assert.equal(warnings[0]!.seq, 1);
    });

    it('upgrades a database with relay jobs queued in the key-value table: every job moves to its queue, in order, nothing else moves', async () => {
      const config = await newDatabase();
      const old = await open(config, { migrations: BEFORE_QUEUE_TABLE });
      const relayKv = old.kv('module:relay');
      // As the relay wrote them before: seqs 1..1,100 for #Lobby (more than one batch of the
      // migration, crossing powers of ten), 5..6 for #dev.
      const lobby = Array.from({ length: 1_100 }, (_, i) => i + 1);
      await Promise.all(lobby.map((seq) => relayKv.set(oldQueueKey('irc', '#Lobby', seq), job(seq, '#Lobby'))));
      for (const seq of [5, 6]) await relayKv.set(oldQueueKey('xmpp net', 'Dev@conference.example.org', seq), job(seq, 'dev'));
      // Not queued jobs: stay in the key-value table.
      await relayKv.set('failed/000001700000000/abc', { reason: 'refused' });
      await relayKv.set('excerpt/irc/m1', { nick: 'alice', text: 'hi' });
      await relayKv.set('queue/odd-key', 'not a job key');
      await old.kv('module:other').set(oldQueueKey('irc', '#lobby', 1), 'another module');
      await old.close();

      const store = await open(config);
      assert.equal(await store.schemaVersion(), migrations.length);
      const all = await store.queues('module:relay').all();
      assert.deepEqual([...all.keys()], ['irc/%23lobby', 'xmpp%20net/dev%40conference.example.org']);
      assert.deepEqual(all.get('irc/%23lobby'), lobby.map((seq) => ({ seq, value: job(seq, '#Lobby') })));
      assert.deepEqual(all.get('xmpp%20net/dev%40conference.example.org'), [5, 6].map((seq) => ({ seq, value: job(seq, 'dev') })));
      assert.deepEqual(await store.kv('module:relay').keys(), ['excerpt/irc/m1', 'failed/000001700000000/abc', 'queue/odd-key']);
      assert.equal(await store.kv('module:other').get(oldQueueKey('irc', '#lobby', 1)), 'another module');
      assert.deepEqual(await store.queues('module:other').all(), new Map());
    });
  });
}
