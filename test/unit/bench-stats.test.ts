/**
 * The benchmark statistics helpers (bench/lib/stats.ts), figures and the summary table.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { countOutOfOrder, latencySummary, median, quantile, summarize } from '../../bench/lib/stats.js';
import { figure, meets } from '../../bench/lib/result.js';
import { repeatRuns } from '../../bench/lib/repeat.js';

const finite = fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true });
const samples = fc.array(finite, { minLength: 1, maxLength: 200 });

describe('quantile and median', () => {
  it('gives the middle value, or the mean of the two middle values', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([7]), 7);
  });

  it('interpolates linearly between ranks (type 7)', () => {
    const values = [10, 20, 30, 40, 50];
    assert.equal(quantile(values, 0), 10);
    assert.equal(quantile(values, 1), 50);
    assert.equal(quantile(values, 0.25), 20);
    assert.equal(quantile(values, 0.9), 46);
    assert.equal(quantile([1, 2], 0.95), 1.95);
  });

  it('does not sort the caller’s array', () => {
    const values = [3, 1, 2];
    median(values);
    assert.deepEqual(values, [3, 1, 2]);
  });

  it('sorts numerically, not as strings', () => {
    assert.equal(median([100, 9, 20]), 20);
  });

  it('refuses empty input, non-finite samples and q outside [0, 1] with a clear error', () => {
    assert.throws(() => median([]), /no samples/);
    assert.throws(() => median([1, Number.NaN]), /not a finite number/);
    assert.throws(() => quantile([1, 2], 1.5), /within \[0, 1\]/);
    assert.throws(() => quantile([1, 2], -0.1), /within \[0, 1\]/);
  });

  it('property: a quantile lies between min and max and grows with q', () => {
    fc.assert(
      fc.property(samples, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (values, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const qLo = quantile(values, lo);
        const qHi = quantile(values, hi);
        assert.ok(qLo >= Math.min(...values) && qHi <= Math.max(...values));
        assert.ok(qLo <= qHi + 1e-6 * Math.max(1, Math.abs(qHi)));
      }),
    );
  });

  it('property: the median does not depend on the order of the samples', () => {
    fc.assert(
      fc.property(samples, fc.integer(), (values, seed) => {
        const shuffled = [...values].sort((x, y) => ((x * 31 + seed) % 7) - ((y * 31 + seed) % 7));
        assert.equal(median(shuffled), median(values));
      }),
    );
  });

  it('property: at least half of the samples are ≤ the median and at least half ≥ it', () => {
    fc.assert(
      fc.property(samples, (values) => {
        const m = median(values);
        assert.ok(values.filter((v) => v <= m).length * 2 >= values.length);
        assert.ok(values.filter((v) => v >= m).length * 2 >= values.length);
      }),
    );
  });
});

describe('summarize', () => {
  it('reports count, extremes, mean, quartiles, standard deviation and relative IQR', () => {
    const s = summarize([2, 4, 4, 4, 5, 5, 7, 9]);
    assert.equal(s.count, 8);
    assert.equal(s.min, 2);
    assert.equal(s.max, 9);
    assert.equal(s.mean, 5);
    assert.equal(s.median, 4.5);
    assert.equal(s.p25, 4);
    assert.equal(s.p75, 5.5);
    assert.ok(Math.abs(s.stdDev - Math.sqrt(32 / 7)) < 1e-12);
    assert.equal(s.relativeIqr, 1.5 / 4.5);
  });

  it('has no spread for one sample or identical samples', () => {
    assert.deepEqual([summarize([3]).stdDev, summarize([3]).relativeIqr], [0, 0]);
    assert.equal(summarize([5, 5, 5]).relativeIqr, 0);
  });

  it('property: min ≤ p25 ≤ median ≤ p75 ≤ p95 ≤ p99 ≤ max, and the mean lies within [min, max]', () => {
    fc.assert(
      fc.property(samples, (values) => {
        const s = summarize(values);
        const chain = [s.min, s.p25, s.median, s.p75, s.p95, s.p99, s.max];
        for (let i = 1; i < chain.length; i++) assert.ok(chain[i - 1]! <= chain[i]! + 1e-6 * Math.max(1, Math.abs(chain[i]!)));
        assert.ok(s.mean >= s.min - 1e-6 * Math.abs(s.min) - 1e-9 && s.mean <= s.max + 1e-6 * Math.abs(s.max) + 1e-9);
      }),
    );
  });
});

describe('latencySummary', () => {
  it('gives p50, p95, p99 and max of one run', () => {
    const latencies = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    assert.deepEqual(latencySummary(latencies), { count: 100, p50: 50.5, p95: 95.05, p99: 99.01, max: 100 });
  });
});

describe('countOutOfOrder', () => {
  it('is 0 for an ordered sequence, with gaps (lost messages) allowed', () => {
    assert.equal(countOutOfOrder([0, 1, 2, 5, 9]), 0);
    assert.equal(countOutOfOrder([]), 0);
  });

  it('counts each message that arrives after a later one once', () => {
    assert.equal(countOutOfOrder([0, 2, 1, 3]), 1);
    assert.equal(countOutOfOrder([5, 0, 1, 2, 3, 4]), 5);
    assert.equal(countOutOfOrder([0, 9, 1, 2, 3]), 3);
  });

  it('property: a sorted permutation has none; a reversed one of n distinct items has n − 1', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer(), { minLength: 1, maxLength: 100 }), (values) => {
        const sorted = [...values].sort((a, b) => a - b);
        assert.equal(countOutOfOrder(sorted), 0);
        assert.equal(countOutOfOrder([...sorted].reverse()), values.length - 1);
      }),
    );
  });
});

describe('figure', () => {
  it('reports the median of the runs with min, max and every sample', () => {
    const f = figure({ key: 'k', label: 'a figure', unit: 'ms' }, [3, 1, 2]);
    assert.equal(f.value, 2);
    assert.deepEqual(f.spread, { min: 1, max: 3, relativeIqr: 0.5 });
    assert.deepEqual(f.samples, [3, 1, 2]);
    assert.equal(f.met, undefined);
  });

  it('compares the median with a target in the stated direction', () => {
    assert.equal(figure({ key: 'k', label: 'l', unit: 'ms', target: { op: '<=', value: 2 } }, [1, 2, 9]).met, true);
    assert.equal(figure({ key: 'k', label: 'l', unit: 'ms', target: { op: '<=', value: 2 } }, [3, 3, 1]).met, false);
    assert.equal(meets(100_000, { op: '>=', value: 100_000 }), true);
    assert.equal(meets(99_999, { op: '>=', value: 100_000 }), false);
  });
});

describe('repeatRuns', () => {
  it('runs the warm-ups first, unrecorded, then records the repeats in order', async () => {
    const calls: number[] = [];
    const results = await repeatRuns({ warmups: 2, repeats: 3 }, (index) => {
      calls.push(index);
      return Promise.resolve(index * 10);
    });
    assert.deepEqual(calls, [-1, -2, 0, 1, 2]);
    assert.deepEqual(results, [0, 10, 20]);
  });

  it('refuses nonsense counts', async () => {
    await assert.rejects(repeatRuns({ warmups: -1, repeats: 1 }, () => Promise.resolve(0)), /warmups/);
    await assert.rejects(repeatRuns({ warmups: 0, repeats: 0 }, () => Promise.resolve(0)), /repeats/);
  });
});
