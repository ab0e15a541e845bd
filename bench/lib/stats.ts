/**
 * Statistics for benchmark samples: quantiles, a five-number summary and the spread of
 * repeated runs. Pure functions; the inputs are never modified.
 */

/** A summary of a list of samples. */
export interface Summary {
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly median: number;
  /** First and third quartile. */
  readonly p25: number;
  readonly p75: number;
  readonly p95: number;
  readonly p99: number;
  /** Sample standard deviation (0 for fewer than two samples). */
  readonly stdDev: number;
  /**
   * The spread relative to the median: (p75 − p25) / |median|, or 0 when the median is 0.
   * 0.05 means the middle half of the runs lies within 5 % of the median.
   */
  readonly relativeIqr: number;
}

/** Sorts a copy of `values` ascending (numeric, not lexicographic). */
export function sortedCopy(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

function checkSamples(values: readonly number[], what: string): void {
  if (values.length === 0) throw new RangeError(`${what}: no samples`);
  for (const value of values) {
    if (!Number.isFinite(value)) throw new RangeError(`${what}: sample ${String(value)} is not a finite number`);
  }
}

/**
 * The `q` quantile (0 ≤ q ≤ 1) of `values`, interpolating linearly between the two nearest
 * ranks (the method of R's default, type 7, and NumPy's `linear`).
 * @throws RangeError for an empty list, a non-finite sample or q outside [0, 1].
 */
export function quantile(values: readonly number[], q: number): number {
  checkSamples(values, 'quantile');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be within [0, 1], got ${q}`);
  return quantileOfSorted(sortedCopy(values), q);
}

/** {@link quantile} for an already sorted list (not checked). */
export function quantileOfSorted(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower]!;
  const high = sorted[upper]!;
  return low + (high - low) * (position - lower);
}

/** The median (the 0.5 quantile). */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Summarises `values`. @throws RangeError for an empty list or a non-finite sample. */
export function summarize(values: readonly number[]): Summary {
  checkSamples(values, 'summarize');
  const sorted = sortedCopy(values);
  const count = sorted.length;
  const mean = sorted.reduce((sum, v) => sum + v, 0) / count;
  const variance = count < 2 ? 0 : sorted.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (count - 1);
  const med = quantileOfSorted(sorted, 0.5);
  const p25 = quantileOfSorted(sorted, 0.25);
  const p75 = quantileOfSorted(sorted, 0.75);
  return {
    count,
    min: sorted[0]!,
    max: sorted[count - 1]!,
    mean,
    median: med,
    p25,
    p75,
    p95: quantileOfSorted(sorted, 0.95),
    p99: quantileOfSorted(sorted, 0.99),
    stdDev: Math.sqrt(variance),
    relativeIqr: med === 0 ? 0 : (p75 - p25) / Math.abs(med),
  };
}

/** Latency percentiles of one run. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** p50/p95/p99/max of one run's latencies. @throws RangeError for an empty list. */
export function latencySummary(latencies: readonly number[]): LatencySummary {
  const s = summarize(latencies);
  return { count: s.count, p50: s.median, p95: s.p95, p99: s.p99, max: s.max };
}

/**
 * How many items arrived out of order: an item counts when its sequence number is lower than
 * one that arrived before it (so one late item counts once, however far it was overtaken).
 */
export function countOutOfOrder(arrivalOrder: readonly number[]): number {
  let highest = -Infinity;
  let outOfOrder = 0;
  for (const seq of arrivalOrder) {
    if (seq < highest) outOfOrder += 1;
    else highest = seq;
  }
  return outOfOrder;
}
