/**
 * The relay's per-target queue on real storage (SQLite in memory): order, jobs done within
 * their turn never written, waiting while the
 * network is down, resuming after a restart, bounds, permanent failures and already-delivered
 * jobs. Every wait has a timeout; nothing asserts on timing.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/open.js';
import { migrations } from '../../src/store/migrations/index.js';
import { silentLogger } from '../../src/core/log.js';
import { MAX_UNCONFIRMED, MAYBE_SENT_AT_STOP, TargetQueue, queueName, type TargetQueueDeps } from '../../src/features/relay/queue.js';
import { PermanentDeliveryError } from '../../src/features/relay/deliver.js';
import type { NoticeJob, RelayJob } from '../../src/features/relay/jobs.js';
import type { QueueStore } from '../../src/core/store.js';
import { waitFor } from '../support/wait.js';

const target = { network: 'irc', id: '#Lobby' };
const job = (n: number): NoticeJob => ({
  op: 'notice', bridge: 'lobby', target,
  message: { id: `m${n}`, author: { network: 'jabber', id: 'bob' }, kind: 'notice', body: [{ type: 'text', text: String(n) }], attachments: [], ts: n },
});
const numberOf = (j: RelayJob) => Number(j.message.id.slice(1));

interface Harness {
  readonly delivered: number[];
  readonly failed: Array<[number, string]>;
  up: boolean;
  deps: TargetQueueDeps;
}

function harness(store: QueueStore, over: Partial<TargetQueueDeps> = {}): Harness {
  const h: Harness = {
    delivered: [],
    failed: [],
    up: true,
    deps: undefined as unknown as TargetQueueDeps,
  };
  h.deps = {
    store,
    log: silentLogger(),
    maxSize: 100,
    isUp: () => h.up,
    deliver: async (j) => { h.delivered.push(numberOf(j)); },
    isPermanent: (error) => error instanceof PermanentDeliveryError,
    storeBeforeSend: () => false,
    alreadyDelivered: async () => false,
    arrived: async (jobs) => jobs.map(() => false),
    failed: async (j, reason) => { h.failed.push([numberOf(j), reason]); },
    ...over,
  };
  return h;
}

/** A harness whose deliveries wait for a confirmation that the test gives (or refuses) by hand. */
function confirmedByHand(store: QueueStore, over: Partial<TargetQueueDeps> = {}) {
  const pending: Array<{ n: number; resolve: () => void; reject: (e: Error) => void }> = [];
  const h = harness(store, {
    deliver: async (j) => {
      h.delivered.push(numberOf(j));
      return { confirmed: new Promise<void>((resolve, reject) => pending.push({ n: numberOf(j), resolve, reject })) };
    },
    ...over,
  });
  return { h, pending };
}

async function withStore(fn: (store: QueueStore) => Promise<void>): Promise<void> {
  const hub = await openStore({ kind: 'sqlite', path: ':memory:' }, silentLogger());
  try {
    await fn(hub.queues('module:relay'));
  } finally {
    await hub.close();
  }
}

const until = (what: string, probe: () => boolean) => waitFor(() => (probe() ? true : undefined), { timeoutMs: 5000, what });

describe('relay target queue', () => {
  it('delivers in order and empties its storage', () => withStore(async (store) => {
    const h = harness(store);
    const queue = new TargetQueue(target, h.deps);
    await queue.load();
    for (let i = 0; i < 50; i++) await queue.push(job(i));
    await until('50 deliveries', () => h.delivered.length === 50);
    assert.deepEqual(h.delivered, Array.from({ length: 50 }, (_, i) => i));
    await until('an empty queue', () => queue.depth === 0);
    assert.deepEqual(await store.entries(queueName(target)), []);
    await queue.stop();
  }));

  it('never writes a job delivered within the turn that queued it; writes (and later removes) the others, in order', () => withStore(async (store) => {
    const calls: string[] = [];
    const spy: QueueStore = { ...store, all: () => store.all(), entries: (q) => store.entries(q),
      append: (q, seq, value) => { calls.push(`append ${seq}`); return store.append(q, seq, value); },
      remove: (q, seq) => { calls.push(`remove ${seq}`); return store.remove(q, seq); },
      appendThen: (q, seq, value, done) => { calls.push(`append ${seq}`); store.appendThen(q, seq, value, done); },
      removeThen: (q, seq, done) => { calls.push(`remove ${seq}`); store.removeThen(q, seq, done); } };
    let slow: (() => void) | undefined;
    const h = harness(spy, { deliver: async (j) => {
      if (numberOf(j) === 3) await new Promise<void>((resolve) => (slow = resolve));
      h.delivered.push(numberOf(j));
    } });
    const queue = new TargetQueue(target, h.deps);
    await queue.load();
    await Promise.all([1, 2, 3, 4].map((n) => queue.push(job(n))));
    assert.deepEqual(calls, ['append 3', 'append 4'], 'the jobs done within the turn are not written; the one under way and the one after it are');
    assert.deepEqual((await store.entries(queueName(target))).map((e) => e.seq), [3, 4]);
    slow?.();
    await until('4 deliveries', () => h.delivered.length === 4);
    await until('an empty queue', () => queue.depth === 0);
    await until('both removed', () => calls.length === 4);
    assert.deepEqual(calls.slice(2).sort(), ['remove 3', 'remove 4']);
    assert.deepEqual(h.delivered, [1, 2, 3, 4]);
    assert.deepEqual(await store.entries(queueName(target)), []);
    await queue.stop();
  }));

  it('waits while the network is down, keeps the jobs stored, and delivers them in order when woken', () => withStore(async (store) => {
    const h = harness(store);
    h.up = false;
    const queue = new TargetQueue(target, h.deps);
    await queue.load();
    for (let i = 0; i < 5; i++) await queue.push(job(i));
    assert.equal((await store.entries(queueName(target))).length, 5);
    assert.deepEqual(h.delivered, []);
    h.up = true;
    queue.wake();
    await until('5 deliveries', () => h.delivered.length === 5);
    assert.deepEqual(h.delivered, [0, 1, 2, 3, 4]);
    await queue.stop();
  }));

  it('resumes stored jobs after a restart, in order, then numbers new ones after them', () => withStore(async (store) => {
    const first = harness(store);
    first.up = false;
    const before = new TargetQueue(target, first.deps);
    await before.load();
    for (let i = 0; i < 3; i++) await before.push(job(i));
    await before.stop();

    const second = harness(store);
    const after = new TargetQueue(target, second.deps);
    assert.equal(await after.load(), 3);
    await after.push(job(3));
    await until('4 deliveries', () => second.delivered.length === 4);
    assert.deepEqual(second.delivered, [0, 1, 2, 3]);
    await after.stop();
  }));

  it('skips resumed jobs that were already delivered (e.g. just before a crash)', () => withStore(async (store) => {
    const first = harness(store);
    first.up = false;
    const before = new TargetQueue(target, first.deps);
    await before.load();
    for (let i = 0; i < 6; i++) await before.push(job(i));
    await before.stop();

    const asked: number[] = [];
    const h = harness(store, { alreadyDelivered: async (j) => { asked.push(numberOf(j)); return numberOf(j) % 2 === 0; } });
    const queue = new TargetQueue(target, h.deps);
    assert.equal(await queue.load(), 6);
    await queue.push(job(6));
    await until('the queue to drain', () => queue.depth === 0);
    assert.deepEqual(h.delivered, [1, 3, 5, 6]);
    // Jobs pushed in this run cannot have been delivered yet: only the resumed ones are looked up.
    assert.deepEqual(asked, [0, 1, 2, 3, 4, 5]);
    await queue.stop();
  }));

  it('asks the network whether a job of this run had arrived before retrying it', () => withStore(async (store) => {
    let tries = 0;
    const asked: number[] = [];
    const h = harness(store, {
      // The first try writes the message out and then fails: the retry must not send it again.
      deliver: async (j) => { tries += 1; h.delivered.push(numberOf(j)); if (tries === 1) throw new Error('connection reset'); },
      arrived: async (jobs) => { asked.push(...jobs.map(numberOf)); return jobs.map((j) => h.delivered.includes(numberOf(j))); },
    });
    const queue = new TargetQueue(target, h.deps);
    await queue.load();
    await queue.push(job(0));
    await queue.push(job(1));
    await until('the queue to drain', () => queue.depth === 0);
    assert.deepEqual(h.delivered, [0, 1]);
    assert.deepEqual(asked, [0]);
    await queue.stop();
  }));

  it('sends on without waiting for confirmations, and removes a job from storage only once it is confirmed', () => withStore(async (store) => {
    const { h, pending } = confirmedByHand(store);
    const queue = new TargetQueue(target, h.deps);
    await queue.load();
    for (let i = 0; i < 5; i++) await queue.push(job(i));
    await until('5 sends', () => h.delivered.length === 5);
    assert.equal((await store.entries(queueName(target))).length, 5, 'nothing confirmed: everything still stored');
    pending[1]!.resolve(); // out of order: job 0 is still unconfirmed, so nothing can be removed yet
    pending[0]!.resolve();
    await until('jobs 0 and 1 removed', () => queue.depth === 3);
    await waitFor(async () => ((await store.entries(queueName(target))).length === 3 ? true : undefined), { timeoutMs: 5000, what: 'storage to follow' });
    for (const p of pending.slice(2)) p.resolve();
    await until('an empty queue', () => queue.depth === 0);
    await queue.stop();
  }));

  it(`has at most ${MAX_UNCONFIRMED} jobs unconfirmed at a time`, () => withStore(async (store) => {
    const { h, pending } = confirmedByHand(store);
    const queue = new TargetQueue(target, h.deps);
    await queue.load();
    for (let i = 0; i < MAX_UNCONFIRMED + 10; i++) void queue.push(job(i));
    await until('a full window', () => h.delivered.length === MAX_UNCONFIRMED);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(h.delivered.length, MAX_UNCONFIRMED, 'no more sends until confirmations arrive');
    pending[0]!.resolve();
    await until('one more send', () => h.delivered.length === MAX_UNCONFIRMED + 1);
    for (let i = 0; pending.length < MAX_UNCONFIRMED + 10 || i < pending.length; i++) {
      await until(`send ${i}`, () => pending.length > i);
      pending[i]!.resolve();
    }
    await until('an empty queue', () => queue.depth === 0);
    await queue.stop();
  }));

  it('when a confirmation cannot come, checks the unconfirmed jobs with the network and sends again, in order, those that had not arrived', () => withStore(async (store) => {
    const asked: number[][] = [];
    const { h, pending } = confirmedByHand(store, {
      arrived: async (jobs) => {
        asked.push(jobs.map(numberOf));
        return jobs.map((j) => numberOf(j) === 2); // 2 made it before the connection dropped
      },
    });
    const queue = new TargetQueue(target, h.deps);
    await queue.load();
    for (let i = 0; i < 5; i++) await queue.push(job(i));
    await until('5 sends', () => pending.length === 5);
    pending[0]!.resolve();
    for (const p of pending.slice(1)) p.reject(new Error('connection lost'));
    await until('the unconfirmed ones sent again', () => h.delivered.length === 8);
    assert.deepEqual(asked, [[1, 2, 3, 4]]);
    assert.deepEqual(h.delivered, [0, 1, 2, 3, 4, 1, 3, 4]);
    for (const p of pending.slice(5)) p.resolve();
    await until('an empty queue', () => queue.depth === 0);
    assert.deepEqual(await store.entries(queueName(target)), []);
    await queue.stop();
  }));

  it('a send under way when an earlier confirmation is lost is checked and sent after the earlier ones, none lost or repeated', () => withStore(async (store) => {
    let releaseSend: (() => void) | undefined;
    const asked: number[][] = [];
    const { h, pending } = confirmedByHand(store, {
      arrived: async (jobs) => {
        asked.push(jobs.map(numberOf));
        return jobs.map((j) => numberOf(j) === 2); // the send under way had made it
      },
    });
    const deliver = h.deps.deliver;
    h.deps = {
      ...h.deps,
      deliver: async (j) => {
        // Job 2's first send hangs until the test has failed job 0's confirmation.
        if (numberOf(j) === 2 && releaseSend === undefined) await new Promise<void>((resolve) => (releaseSend = resolve));
        return deliver(j);
      },
    };
    const queue = new TargetQueue(target, h.deps);
    await queue.load();
    for (let i = 0; i < 4; i++) await queue.push(job(i));
    await until('jobs 0 and 1 sent, 2 under way', () => pending.length === 2 && releaseSend !== undefined);
    pending[0]!.reject(new Error('connection lost'));
    pending[1]!.reject(new Error('connection lost'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    releaseSend!();
    await until('everything sent', () => h.delivered.filter((n) => n === 3).length === 1);
    for (const p of pending.slice(2)) p.resolve();
    await until('an empty queue', () => queue.depth === 0);
    assert.deepEqual(h.delivered, [0, 1, 2, 0, 1, 3], 'job 2 arrived: checked, not sent again; 0 and 1 sent again before 3');
    assert.deepEqual(asked.flat().sort(), [0, 1, 2]);
    await queue.stop();
  }));

  it('records a refusal that arrives instead of a confirmation, and goes on', () => withStore(async (store) => {
    const h = harness(store, {
      deliver: async (j) => {
        h.delivered.push(numberOf(j));
        return { confirmed: numberOf(j) === 1 ? Promise.reject(new PermanentDeliveryError('forbidden')) : Promise.resolve() };
      },
    });
    const queue = new TargetQueue(target, h.deps);
    await queue.load();
    for (let i = 0; i < 3; i++) await queue.push(job(i));
    await until('the queue to drain', () => queue.depth === 0);
    assert.deepEqual(h.delivered, [0, 1, 2]);
    assert.deepEqual(h.failed, [[1, 'forbidden']]);
    await queue.stop();
  }));

  it('asks the network about the first resumed jobs, which may have been sent before the stop', () => withStore(async (store) => {
    const first = harness(store, { maxSize: 1000 });
    first.up = false;
    const before = new TargetQueue(target, first.deps);
    await before.load();
    for (let i = 0; i < MAYBE_SENT_AT_STOP + 2; i++) await before.push(job(i));
    await before.stop();

    const asked: number[][] = [];
    const h = harness(store, { maxSize: 1000, arrived: async (jobs) => { asked.push(jobs.map(numberOf)); return jobs.map((j) => numberOf(j) < 3); } });
    const queue = new TargetQueue(target, h.deps);
    await queue.load();
    await until('the queue to drain', () => queue.depth === 0);
    assert.deepEqual(asked, [Array.from({ length: MAYBE_SENT_AT_STOP }, (_, i) => i)]);
    assert.deepEqual(h.delivered, Array.from({ length: MAYBE_SENT_AT_STOP - 1 }, (_, i) => i + 3));
    await queue.stop();
  }));

  it('records a permanent failure once and goes on with the next job', () => withStore(async (store) => {
    const h = harness(store);
    h.deps = { ...h.deps, deliver: async (j) => {
      if (numberOf(j) === 1) throw new PermanentDeliveryError('refused');
      h.delivered.push(numberOf(j));
    } };
    const queue = new TargetQueue(target, h.deps);
    await queue.load();
    for (let i = 0; i < 3; i++) await queue.push(job(i));
    await until('the queue to drain', () => queue.depth === 0);
    assert.deepEqual(h.delivered, [0, 2]);
    assert.deepEqual(h.failed, [[1, 'refused']]);
    await queue.stop();
  }));

  it('gives a job up after repeated failures while the network is up', () => withStore(async (store) => {
    const h = harness(store);
    h.deps = { ...h.deps, deliver: async (j) => {
      if (numberOf(j) === 0) throw new Error('flaky');
      h.delivered.push(numberOf(j));
    } };
    const queue = new TargetQueue(target, h.deps);
    await queue.load();
    await queue.push(job(0));
    await queue.push(job(1));
    await until('the queue to drain', () => queue.depth === 0);
    assert.deepEqual(h.delivered, [1]);
    assert.deepEqual(h.failed.map(([n]) => n), [0]);
    assert.match(h.failed[0]![1], /gave up after 3 attempts/);
    await queue.stop();
  }));

  it('skips a damaged stored job, and numbers new jobs after it (its row stays)', () => withStore(async (store) => {
    const h = harness(store);
    h.up = false;
    const queue = new TargetQueue(target, h.deps);
    assert.equal(await queue.load([{ seq: 1, value: job(0) }, { seq: 2, value: undefined }]), 1);
    await queue.push(job(1));
    assert.deepEqual((await store.entries(queueName(target))).map((e) => e.seq), [3]);
    h.up = true;
    queue.wake();
    await until('2 deliveries', () => h.delivered.length === 2);
    assert.deepEqual(h.delivered, [0, 1]);
    await queue.stop();
  }));

  it('is bounded: jobs beyond maxSize are recorded as failed, not stored', () => withStore(async (store) => {
    const h = harness(store, { maxSize: 3 });
    h.up = false;
    const queue = new TargetQueue(target, h.deps);
    await queue.load();
    for (let i = 0; i < 5; i++) await queue.push(job(i));
    assert.equal(queue.depth, 3);
    assert.deepEqual(h.failed.map(([n]) => n), [3, 4]);
    assert.match(h.failed[0]![1], /queue full/);
    await queue.stop();
  }));

  it('takes leave jobs beyond maxSize (up to twice it): refusing one would leave a user behind', () => withStore(async (store) => {
    const logged: string[] = [];
    const log = { ...silentLogger(), error: (_o: unknown, m?: string) => { logged.push(String(m)); } } as unknown as TargetQueueDeps['log'];
    const h = harness(store, { maxSize: 3, log });
    h.up = false;
    const queue = new TargetQueue(target, h.deps);
    await queue.load();
    const leave = (n: number): RelayJob => ({ op: 'leave', bridge: 'lobby', target, quit: true, message: { ...job(n).message, kind: 'notice' } });
    for (let i = 0; i < 4; i++) await queue.push(job(i));
    for (let i = 10; i < 15; i++) await queue.push(leave(i));
    await queue.push(job(20));
    assert.equal(queue.depth, 6, 'three jobs, then three leaves up to twice maxSize');
    assert.deepEqual(h.failed.map(([n]) => n), [3, 13, 14, 20]);
    assert.equal(logged.filter((m) => m.includes('queue full')).length, 1, 'logged once for the whole overflow');
    h.up = true;
    queue.wake();
    await until('every job delivered', () => h.delivered.length === 6);
    assert.deepEqual(h.delivered, [0, 1, 2, 10, 11, 12]);
    await queue.stop();
  }));

  it('delivers, in order, the jobs an older version queued in the key-value table (migration 0003)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-relay-upgrade-'));
    const config = { kind: 'sqlite' as const, path: join(dir, 'switchboard.db') };
    try {
      const old = await openStore(config, silentLogger(), { migrations: migrations.filter((m) => m.version < 3) });
      // The key the relay wrote each job under: queue/<network>/<channel, lower case>/<16-digit seq>.
      for (let seq = 1; seq <= 12; seq++) await old.kv('module:relay').set(`queue/irc/%23lobby/${String(seq).padStart(16, '0')}`, job(seq - 1));
      await old.close();

      const hub = await openStore(config, silentLogger());
      try {
        const h = harness(hub.queues('module:relay'));
        const queue = new TargetQueue(target, h.deps);
        assert.equal(await queue.load((await h.deps.store.all<RelayJob>()).get(queueName(target))), 12);
        await queue.push(job(12));
        await until('13 deliveries', () => h.delivered.length === 13);
        assert.deepEqual(h.delivered, Array.from({ length: 13 }, (_, i) => i));
        await until('an empty queue', () => queue.depth === 0);
        await queue.stop();
        await waitFor(async () => ((await h.deps.store.all()).size === 0 ? true : undefined), { timeoutMs: 5000, what: 'the stored queue to empty' });
        assert.deepEqual(await hub.kv('module:relay').keys('queue/'), []);
      } finally {
        await hub.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** Runs `check` with a queue whose storage commits only when the test says so. */
  async function withSlowStorage(storeBeforeSend: boolean, check: (h: Harness, queue: TargetQueue, commit: () => void) => Promise<void>): Promise<void> {
    await withStore(async (store) => {
      const appends: Array<() => void> = [];
      const slow: QueueStore = { ...store, all: () => store.all(), entries: (q) => store.entries(q), remove: (q, seq) => store.remove(q, seq),
        removeThen: (q, seq, done) => store.removeThen(q, seq, done),
        append: async (q, seq, value) => {
          await new Promise<void>((resolve) => appends.push(resolve));
          await store.append(q, seq, value);
        },
        appendThen: (q, seq, value, done) => {
          appends.push(() => store.appendThen(q, seq, value, done));
        } };
      const h = harness(slow, { storeBeforeSend: () => storeBeforeSend });
      const queue = new TargetQueue(target, h.deps);
      await queue.load();
      await check(h, queue, () => {
        for (const commit of appends.splice(0)) commit();
      });
      await queue.stop();
    });
  }

  it('sends a job whose source replays history only once it is stored: a crash never leaves a delivered job unaccepted', async () => {
    await withSlowStorage(true, async (h, queue, commit) => {
      const stored = [queue.push(job(1)), queue.push(job(2))];
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(h.delivered, [], 'nothing sent before it is stored');
      commit();
      await Promise.all(stored);
      await until('both delivered', () => h.delivered.length === 2);
      assert.deepEqual(h.delivered, [1, 2]);
    });
  });

  it('sends other jobs at once, while their write commits', async () => {
    await withSlowStorage(false, async (h, queue, commit) => {
      const stored = [queue.push(job(1)), queue.push(job(2))];
      await until('both delivered before they are stored', () => h.delivered.length === 2);
      assert.deepEqual(h.delivered, [1, 2]);
      commit();
      await Promise.all(stored);
    });
  });
});
