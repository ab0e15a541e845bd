import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EgressBudget } from '../../src/net/egress/budget.js';
import { EgressError } from '../../src/net/egress/errors.js';

describe('EgressBudget', () => {
  it('counts its time from creation, also when the signal is first asked for later', () => {
    let now = 1_000;
    const budget = new EgressBudget(500, 4, () => now);
    assert.equal(budget.expired, false);
    now = 1_499;
    assert.equal(budget.expired, false);
    now = 1_500;
    assert.equal(budget.expired, true, 'expired at the deadline without a signal ever made');
    const { signal } = budget;
    assert.equal(signal.aborted, true, 'a signal made after the deadline is aborted at once');
    assert.ok(signal.reason instanceof EgressError);
    assert.equal(signal.reason.code, 'budget');
  });

  it('aborts its signal when the time left runs out', async () => {
    const budget = new EgressBudget(30, 4);
    const { signal } = budget;
    assert.equal(signal.aborted, false);
    await new Promise<void>((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error('the signal did not abort within 5 s')), 5_000);
      signal.addEventListener('abort', () => {
        clearTimeout(guard);
        resolve();
      });
    });
    assert.equal(budget.expired, true);
    assert.equal(budget.signal, signal, 'the same signal every time');
  });
});
