/**
 * The component link's write batching (src/gateway/xmpp/write-batch.ts): what is added in one
 * turn is written once, joined in order, at the end of the turn; `flush` writes at once; nothing
 * is written when nothing waits; a very large turn is written in parts, still in order.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { WriteBatch } from '../../src/gateway/xmpp/write-batch.js';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('WriteBatch', () => {
  it('writes a turn\'s stanzas once, joined in order, after the turn', async () => {
    const writes: string[] = [];
    const batch = new WriteBatch((text) => writes.push(text));
    batch.add('<a/>');
    batch.add('<b/>');
    batch.add('<c/>');
    assert.deepEqual(writes, []);
    await turn();
    assert.deepEqual(writes, ['<a/><b/><c/>']);
    await turn();
    assert.deepEqual(writes, ['<a/><b/><c/>']);
  });

  it('flush writes what waits at once, and nothing twice', async () => {
    const writes: string[] = [];
    const batch = new WriteBatch((text) => writes.push(text));
    batch.flush();
    batch.add('<a/>');
    batch.flush();
    batch.add('<b/>');
    await turn();
    assert.deepEqual(writes, ['<a/>', '<b/>']);
  });

  it('keeps every stanza in order whatever the sizes and flushes', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.oneof(fc.string({ maxLength: 50 }).map((s) => `<m>${s}</m>`), fc.constant('flush'), fc.constant('big')), { maxLength: 60 }), async (steps) => {
      const writes: string[] = [];
      const batch = new WriteBatch((text) => writes.push(text));
      let expected = '';
      for (const step of steps) {
        if (step === 'flush') batch.flush();
        else {
          const text = step === 'big' ? `<big>${'x'.repeat(100_000)}</big>` : step;
          batch.add(text);
          expected += text;
        }
      }
      await turn();
      assert.equal(writes.join(''), expected);
      assert.ok(writes.every((w) => w.length > 0));
    }), { numRuns: 50 });
  });

});
