/**
 * The sorted keyed list (src/gateway/keyed-list.ts) behaves as a Map from each value's key to
 * the value under any sequence of puts, deletes and clears (fast-check against a Map), and gives
 * its values in key order.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KeyedList } from '../../src/gateway/keyed-list.js';

interface Entry {
  readonly key: string;
  readonly n: number;
}

const keyArb = fc.string({ maxLength: 4 });
const opArb = fc.oneof(
  fc.record({ op: fc.constant('put' as const), key: keyArb, n: fc.integer() }),
  fc.record({ op: fc.constant('delete' as const), key: keyArb }),
  fc.record({ op: fc.constant('clear' as const) }),
);

describe('gateway keyed list', () => {
  it('matches a Map under puts, deletes and clears, values in key order', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 200 }), fc.array(keyArb, { maxLength: 20 }), (ops, probes) => {
      const list = new KeyedList<Entry>((e) => e.key);
      const model = new Map<string, Entry>();
      for (const o of ops) {
        if (o.op === 'put') {
          const entry = { key: o.key, n: o.n };
          list.put(entry);
          model.set(o.key, entry);
        } else if (o.op === 'delete') {
          assert.equal(list.delete(o.key), model.delete(o.key));
        } else {
          list.clear();
          model.clear();
        }
        assert.equal(list.size, model.size);
      }
      for (const key of [...probes, ...model.keys()]) {
        assert.equal(list.get(key), model.get(key));
        assert.equal(list.has(key), model.has(key));
      }
      const sorted = [...model.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      assert.deepEqual(list.values(), sorted);
    }));
  });

  it('gives a copy of its values (deleting while going through them is safe)', () => {
    const list = new KeyedList<Entry>((e) => e.key);
    for (const key of ['c', 'a', 'b']) list.put({ key, n: 0 });
    const seen: string[] = [];
    for (const e of list.values()) {
      seen.push(e.key);
      list.delete(e.key);
    }
    assert.deepEqual(seen, ['a', 'b', 'c']);
    assert.equal(list.size, 0);
  });
});
