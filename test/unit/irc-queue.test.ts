import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FairQueue, OutgoingQueue, TokenBucket } from '../../src/networks/irc/queue.js';

describe('IRC flood control', () => {
  it('token bucket: a burst, then one token per interval', () => {
    let now = 0;
    const bucket = new TokenBucket({ burst: 3, intervalMs: 1000 }, () => now);
    assert.deepEqual([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()], [true, true, true, false]);
    assert.equal(bucket.waitMs(), 1000);
    now = 999;
    assert.equal(bucket.tryTake(), false);
    now = 1000;
    assert.equal(bucket.tryTake(), true);
    now = 100_000;
    assert.equal([1, 2, 3, 4].filter(() => bucket.tryTake()).length, 3, 'never more than the burst');
  });

  it('fair queue: round robin between keys, FIFO within a key', () => {
    const queue = new FairQueue<string>();
    for (const item of ['a1', 'a2', 'a3', 'a4']) queue.push('a', item);
    queue.push('b', 'b1');
    queue.push('c', 'c1');
    queue.push('b', 'b2');
    const out: string[] = [];
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) out.push(item);
    assert.deepEqual(out, ['a1', 'b1', 'c1', 'a2', 'b2', 'a3', 'a4']);
  });

  it('property: every item comes out once, in order per key, and a waiting key is served within one round', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.nat()), { maxLength: 60 }), (pushes) => {
        const queue = new FairQueue<[string, number]>();
        pushes.forEach(([key], i) => queue.push(key, [key, i]));
        assert.equal(queue.size, pushes.length);
        const out: Array<[string, number]> = [];
        for (let item = queue.shift(); item !== undefined; item = queue.shift()) out.push(item);
        assert.equal(out.length, pushes.length);
        for (const key of ['a', 'b', 'c', 'd']) {
          const order = out.filter(([k]) => k === key).map(([, i]) => i);
          assert.deepEqual(order, [...order].sort((x, y) => x - y));
        }
        const keys = new Set(pushes.map(([k]) => k)).size;
        for (let i = 0; i + keys <= out.length; i++) {
          const window = new Set(out.slice(i, i + keys).map(([k]) => k));
          const remaining = new Set(out.slice(i).map(([k]) => k));
          assert.equal(window.size, Math.min(keys, remaining.size), 'each waiting key appears once per round');
        }
      }),
    );
  });

  it('outgoing queue: writes in order, pauses when the write fails, resumes where it stopped', async () => {
    const written: string[] = [];
    let connected = true;
    const queue = new OutgoingQueue({ burst: 100, intervalMs: 1 }, (line) => {
      if (!connected) return false;
      written.push(line);
      return true;
    });
    queue.resume();
    assert.equal(await queue.enqueue('#a', ['1', '2']), true);
    connected = false;
    const pending = queue.enqueue('#a', ['3', '4']);
    assert.equal(queue.depth(), 2, 'kept while not connected');
    connected = true;
    queue.resume();
    assert.equal(await pending, true);
    assert.deepEqual(written, ['1', '2', '3', '4']);
    connected = false;
    const dropped = queue.enqueue('#b', ['5']);
    assert.equal(queue.discard(), 1);
    assert.equal(await dropped, false);
    assert.equal(queue.depth(), 0);
  });
});
