import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { QUEUE_KEY_ROOT, keysByQueue, queuePrefix } from '../../src/features/relay/queue.js';
import type { ChannelRef } from '../../src/core/refs.js';

const target = fc.record({ network: fc.string({ minLength: 1, maxLength: 12 }), id: fc.string({ minLength: 1, maxLength: 30 }) })
  .map(({ network, id }): ChannelRef => ({ network, id }));

describe('relay queue keys at start', () => {
  void it('property: one listing grouped by keysByQueue gives each target exactly the keys under its own prefix, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(target, fc.array(fc.nat(10_000), { maxLength: 5 })), { maxLength: 20 }), (queues) => {
        const all = queues.flatMap(([t, seqs]) => seqs.map((n) => `${queuePrefix(t)}${String(n).padStart(16, '0')}`)).sort();
        assert.ok(all.every((key) => key.startsWith(QUEUE_KEY_ROOT)));
        const groups = keysByQueue(all);
        for (const [t] of queues) {
          assert.deepEqual(groups.get(queuePrefix(t)) ?? [], all.filter((key) => key.startsWith(queuePrefix(t))));
        }
      }),
    );
  });
});
