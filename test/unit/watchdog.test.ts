/**
 * The watchdog (one timer for many time limits): a wait settles like its work, or with the
 * timeout value once the work overran; errors pass through; a late answer changes nothing.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Watchdog } from '../../src/core/watchdog.js';

const TIMED_OUT = Symbol('timed out');

describe('watchdog', () => {
  it('settles each wait like its work, and gives up only on the work that overran', async () => {
    const watchdog = new Watchdog(30, TIMED_OUT);
    let late: ((value: string) => void) | undefined;
    const waits = [
      watchdog.within(Promise.resolve('at once')),
      watchdog.within(new Promise<string>((resolve) => setTimeout(() => resolve('soon'), 5))),
      watchdog.within(new Promise<string>((resolve) => (late = resolve))),
      watchdog.within(Promise.reject(new Error('failed'))).catch((error: Error) => error.message),
    ];
    assert.deepEqual(await Promise.all(waits), ['at once', 'soon', TIMED_OUT, 'failed']);
    late?.('too late');
    assert.equal(await waits[2], TIMED_OUT);
    // It keeps working after a round with nothing to watch.
    assert.equal(await watchdog.within(new Promise<string>(() => {})), TIMED_OUT);
    assert.equal(await watchdog.within(Promise.resolve('again')), 'again');
  });
});
