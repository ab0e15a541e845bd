/**
 * Warm-up and repeats: runs a measurement a few times unrecorded, then the recorded times.
 */

export interface RepeatOptions {
  /** Unrecorded runs first (JIT warm-up, caches, server state). */
  readonly warmups: number;
  /** Recorded runs; the figures are their median and spread. */
  readonly repeats: number;
  /** Called after every run (e.g. progress on stderr). */
  readonly onRun?: (info: { index: number; warmup: boolean }) => void;
}

/**
 * Runs `measure` `warmups` times (results dropped), then `repeats` times, one after another,
 * and returns the recorded results in order. `measure` receives the recorded run's index
 * (warm-ups get -1, -2, …).
 */
export async function repeatRuns<T>(options: RepeatOptions, measure: (index: number) => Promise<T>): Promise<T[]> {
  if (!Number.isInteger(options.warmups) || options.warmups < 0) throw new RangeError('warmups must be an integer ≥ 0');
  if (!Number.isInteger(options.repeats) || options.repeats < 1) throw new RangeError('repeats must be an integer ≥ 1');
  for (let i = 1; i <= options.warmups; i++) {
    await measure(-i);
    options.onRun?.({ index: -i, warmup: true });
  }
  const results: T[] = [];
  for (let i = 0; i < options.repeats; i++) {
    results.push(await measure(i));
    options.onRun?.({ index: i, warmup: false });
  }
  return results;
}

/** Picks one numeric field out of every run's result. */
export function field<T>(runs: readonly T[], pick: (run: T) => number): number[] {
  return runs.map(pick);
}
