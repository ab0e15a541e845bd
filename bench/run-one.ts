/**
 * Runs one benchmark in this process and writes its result file:
 * `node dist/bench/run-one.js <name>` (scripts/run-bench.mjs calls it, pinned when the
 * benchmark asks for one core). Exits 1 when the benchmark fails or overruns its deadline.
 */
import { performance } from 'node:perf_hooks';
import { BENCHMARKS } from './registry.js';
import type { Benchmark, BenchContext } from './lib/benchmark.js';
import { environment } from './lib/environment.js';
import { writeResult } from './lib/files.js';
import type { BenchResult } from './lib/result.js';

/** Every benchmark must finish within this (issue 8: under two minutes). */
const DEADLINE_MS = Number(process.env.BENCH_DEADLINE_MS ?? 120_000);

async function main(name: string | undefined): Promise<number> {
  const entry = BENCHMARKS.find((b) => b.name === name);
  if (!entry) {
    process.stderr.write(`run-one: unknown benchmark "${name ?? ''}"; known: ${BENCHMARKS.map((b) => b.name).join(', ')}\n`);
    return 2;
  }
  const benchmark = ((await import(`./${entry.file}`)) as { default: Benchmark }).default;
  const context: BenchContext = {
    progress: (message) => process.stderr.write(`[${name}] ${message}\n`),
    quick: process.env.BENCH_QUICK === '1',
    ...(process.env.BENCH_PROFILE_DIR ? { profileDir: process.env.BENCH_PROFILE_DIR } : {}),
  };
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${DEADLINE_MS / 1000} s`)), DEADLINE_MS);
  });
  try {
    const outcome = await Promise.race([benchmark.run(context), overrun]);
    const result: BenchResult = {
      name: benchmark.name,
      title: benchmark.title,
      date: new Date().toISOString(),
      durationSeconds: Math.round((performance.now() - started) / 100) / 10,
      environment: environment(),
      ...outcome,
      parameters: { ...outcome.parameters, quick: context.quick },
    };
    const path = writeResult(result);
    context.progress(`wrote ${path}`);
    return 0;
  } catch (error) {
    process.stderr.write(`[${name}] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  } finally {
    clearTimeout(timer);
  }
}

// Exit explicitly: a benchmark's leftover handles (sockets being closed) must not keep it alive.
process.exit(await main(process.argv[2]));
