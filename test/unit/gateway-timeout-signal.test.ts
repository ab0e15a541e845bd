/**
 * withTimeoutSignal (src/gateway/timeout-signal.ts): the work's signal aborts with a
 * TimeoutError once the time is up, and is never aborted after the work settled.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { withTimeoutSignal } from '../../src/gateway/timeout-signal.js';

describe('gateway timeout signal', () => {
  it('aborts the work with a TimeoutError when the time is up', async () => {
    // The signal's timer does not keep the process alive (as AbortSignal.timeout's): this one does.
    const alive = setTimeout(() => undefined, 10_000);
    const reason = await withTimeoutSignal(10, async (signal) => {
      await once(signal, 'abort');
      return signal.reason as unknown;
    }).finally(() => clearTimeout(alive));
    assert.ok(reason instanceof DOMException);
    assert.equal(reason.name, 'TimeoutError');
  });

  it('releases the signal once the work settled (answers and failures)', async () => {
    let kept: AbortSignal | undefined;
    assert.equal(await withTimeoutSignal(20, async (signal) => ((kept = signal), 'done')), 'done');
    await assert.rejects(withTimeoutSignal(20, async (signal) => {
      kept = kept ?? signal;
      throw new Error('refused');
    }), /refused/);
    await sleep(60);
    assert.equal(kept?.aborted, false);
  });
});
