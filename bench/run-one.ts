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

/** Every benchmark must finish within this (issue 8: under two minutes) unless its entry allows longer. */
const DEFAULT_DEADLINE_MS = Number(process.env.BENCH_DEADLINE_MS ?? 120_000);

/** `name=path,name=path` (BENCH_PEERS) as a record. */
function parsePeers(spec: string | undefined): Record<string, string> {
  const peers: Record<string, string> = {};
  for (const item of (spec ?? '').split(',').filter(Boolean)) {
    const at = item.indexOf('=');
    if (at <= 0) throw new Error(`BENCH_PEERS: expected name=path, got "${item}"`);
    peers[item.slice(0, at)] = item.slice(at + 1);
  }
  return peers;
}

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
    peers: parsePeers(process.env.BENCH_PEERS),
  };
  const deadlineMs = entry.timeoutSeconds === undefined ? DEFAULT_DEADLINE_MS : entry.timeoutSeconds * 1000;
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${deadlineMs / 1000} s`)), deadlineMs);
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
