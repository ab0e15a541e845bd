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

  it('token bucket: a line may cost several tokens, capped at the burst', () => {
    let now = 0;
    const bucket = new TokenBucket({ burst: 3, intervalMs: 1000 }, () => now);
    assert.equal(bucket.tryTake(2), true);
    assert.equal(bucket.tryTake(2), false, 'one token left');
    assert.equal(bucket.waitMs(2), 1000);
    now = 1000;
    assert.equal(bucket.tryTake(2), true);
    now = 10_000;
    assert.equal(bucket.tryTake(50), true, 'a cost above the burst takes the whole burst');
    assert.equal(bucket.tryTake(), false);
  });

  it('token bucket: intervalMs 0 means no limit', () => {
    const bucket = new TokenBucket({ burst: 1, intervalMs: 0 }, () => 0);
    assert.equal([1, 2, 3, 4, 5].every(() => bucket.tryTake()), true);
    assert.equal(bucket.waitMs(), 0);
  });

  it('outgoing queue: control lines go first, and only control lines while the gate is "control"', async () => {
    const written: string[] = [];
    const queue = new OutgoingQueue({ burst: 100, intervalMs: 1 }, (line) => {
      written.push(line);
      return true;
    });
    const message = queue.enqueue('#a', ['PRIVMSG #a :1']);
    const join = queue.enqueueControl('JOIN #a');
    assert.deepEqual(written, [], 'closed until resumed');
    queue.resume('control');
    assert.equal(await join, true);
    assert.deepEqual(written, ['JOIN #a']);
    assert.equal(queue.depth(), 1, 'the message waits for the gate to open fully');
    queue.resume();
    assert.equal(await message, true);
    void queue.enqueue('#a', ['PRIVMSG #a :2', 'PRIVMSG #a :3']);
    assert.deepEqual(written, ['JOIN #a', 'PRIVMSG #a :1', 'PRIVMSG #a :2', 'PRIVMSG #a :3']);
  });

  it('outgoing queue: a control line overtakes queued messages but waits for tokens like them', () => {
    let now = 0;
    const written: string[] = [];
    const queue = new OutgoingQueue({ burst: 2, intervalMs: 1000 }, (line) => {
      written.push(line);
      return true;
    }, () => now);
    queue.resume();
    void queue.enqueue('#a', ['m1', 'm2', 'm3', 'm4']);
    assert.deepEqual(written, ['m1', 'm2']);
    void queue.enqueueControl('KICK #a x :bye');
    assert.deepEqual(written, ['m1', 'm2'], 'no token left: the control line waits too');
    queue.pause();
    now = 1000;
    queue.resume();
    assert.deepEqual(written, ['m1', 'm2', 'KICK #a x :bye'], 'then goes before m3');
    queue.discard();
  });

  it('outgoing queue: discardControl drops only control lines; a line the writer refuses is dropped', async () => {
    const written: string[] = [];
    const queue = new OutgoingQueue({ burst: 100, intervalMs: 1 }, (line) => {
      if (line.includes('bad')) throw new Error('refused');
      written.push(line);
      return true;
    });
    const join = queue.enqueueControl('JOIN #old');
    const message = queue.enqueue('#a', ['kept']);
    assert.equal(queue.discardControl(), 1);
    assert.equal(await join, false);
    assert.equal(queue.depth(), 1);
    const bad = queue.enqueue('#a', ['bad line']);
    queue.resume();
    assert.equal(await message, true);
    assert.equal(await bad, false);
    assert.deepEqual(written, ['kept']);
  });

  it('property: with any mix of control lines and messages, every line is written once, control lines before messages queued with them', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant('control'), fc.constantFrom('#a', '#b')), { maxLength: 40 }), (kinds) => {
        const written: string[] = [];
        const queue = new OutgoingQueue({ burst: 1000, intervalMs: 1 }, (line) => {
          written.push(line);
          return true;
        });
        kinds.forEach((kind, i) => {
          if (kind === 'control') void queue.enqueueControl(`c${i}`);
          else void queue.enqueue(kind, [`${kind}:${i}`]);
        });
        queue.resume();
        assert.equal(written.length, kinds.length);
        const firstMessage = written.findIndex((line) => line.startsWith('#'));
        if (firstMessage >= 0) assert.ok(written.slice(firstMessage).every((line) => line.startsWith('#')), 'all control lines first');
        assert.equal(new Set(written).size, kinds.length);
      }),
    );
  });
});
