/**
 * Reading and writing the result files in `bench/results/` (override the directory with
 * BENCH_RESULTS_DIR, e.g. for a scratch run).
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './result.js';
import { renderSummary } from './summary.js';

/** `bench/results/` in the source tree (this file runs from dist/bench/lib/). */
export function resultsDir(): string {
  return process.env.BENCH_RESULTS_DIR ?? fileURLToPath(new URL('../../../bench/results/', import.meta.url));
}

/** Writes `result` to `<dir>/<name>.json` (atomically: a half-written file is never left). */
export function writeResult(result: BenchResult, dir = resultsDir()): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${result.name}.json`);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  return path;
}

/** Every result file in `dir`. A file that cannot be read or parsed is reported and skipped. */
export function readResults(dir = resultsDir(), warn: (message: string) => void = () => undefined): BenchResult[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  const results: BenchResult[] = [];
  for (const name of names) {
    try {
      const parsed = JSON.parse(readFileSync(join(dir, name), 'utf8')) as BenchResult;
      if (typeof parsed.name !== 'string' || !Array.isArray(parsed.figures)) throw new Error('not a benchmark result');
      results.push(parsed);
    } catch (error) {
      warn(`skipping ${join(dir, name)}: ${(error as Error).message}`);
    }
  }
  return results;
}

/** Regenerates `<dir>/README.md` from the result files; returns its path. */
export function writeSummary(dir = resultsDir(), warn?: (message: string) => void): string {
  const path = join(dir, 'README.md');
  writeFileSync(path, renderSummary(readResults(dir, warn)));
  return path;
}
