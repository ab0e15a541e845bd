/**
 * What a benchmark file exports, and what it receives when it runs.
 */
import type { BenchOutcome } from './result.js';

/** Handed to a benchmark's `run`. */
export interface BenchContext {
  /** A progress line on stderr (never in the results). */
  progress(message: string): void;
  /**
   * Fewer repeats and smaller runs, to check that a benchmark works (BENCH_QUICK=1 or
   * `--quick`). Quick figures are not a baseline.
   */
  readonly quick: boolean;
  /**
   * When set (`--profile`), child processes the benchmark starts (the switchboard binary)
   * should run with `--cpu-prof --cpu-prof-dir=<profileDir>`.
   */
  readonly profileDir?: string;
  /**
   * Peer bridges' binaries for side-by-side runs, by peer name (`--peer matterbridge=PATH`,
   * passed on as BENCH_PEERS=name=path[,name=path]). Benchmarks skip a peer without a binary.
   */
  readonly peers: Readonly<Record<string, string>>;
}

/** The default export of every `bench/*.bench.ts` file. */
export interface Benchmark {
  readonly name: string;
  readonly title: string;
  run(context: BenchContext): Promise<BenchOutcome>;
}
