/**
 * The benchmark result files and the summary table (bench/lib/files.ts, bench/lib/summary.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatNumber, renderSummary } from '../../bench/lib/summary.js';
import { readResults, writeResult, writeSummary } from '../../bench/lib/files.js';
import { figure, type BenchResult } from '../../bench/lib/result.js';
import { environment } from '../../bench/lib/environment.js';

function result(name: string, value: number): BenchResult {
  return {
    name,
    title: `the ${name} benchmark`,
    date: '2025-01-01T00:00:00.000Z',
    durationSeconds: 12.3,
    environment: environment(),
    parameters: { messages: 200 },
    figures: [figure({ key: 'p50', label: 'p50 latency', unit: 'ms', target: { op: '<=', value: 2 } }, [value, value + 1, value + 2])],
    unavailable: [{ key: 'puppets', label: 'memory per puppet', reason: 'no puppet mode' }],
    notes: ['limits lifted'],
  };
}

describe('formatNumber', () => {
  it('keeps three significant digits below 1,000 and whole numbers with separators above', () => {
    assert.equal(formatNumber(123_456.7), '123,457');
    assert.equal(formatNumber(512.4), '512');
    assert.equal(formatNumber(12.345), '12.3');
    assert.equal(formatNumber(1.2345), '1.23');
    assert.equal(formatNumber(0.012345), '0.012');
    assert.equal(formatNumber(0), '0');
  });
});

describe('renderSummary', () => {
  it('has one row per figure with median, spread, target and verdict, sorted by benchmark', () => {
    const text = renderSummary([result('zeta', 5), result('alpha', 1)]);
    const rows = text.split('\n').filter((l) => l.startsWith('| alpha') || l.startsWith('| zeta'));
    assert.deepEqual(rows, [
      '| alpha | p50 latency | 2.00 ms | 1.00 – 3.00 | ≤ 2.00 ms | met |',
      '| alpha | memory per puppet | not available: no puppet mode | |  | |',
      '| zeta | p50 latency | 6.00 ms | 5.00 – 7.00 | ≤ 2.00 ms | **missed** |',
      '| zeta | memory per puppet | not available: no puppet mode | |  | |',
    ]);
    assert.match(text, /- \*\*alpha\*\* \(the alpha benchmark\): 2025-01-01T00:00:00.000Z, 12.3 s, Node v\d+/);
    assert.match(text, / {2}- limits lifted/);
  });
});

describe('result files', () => {
  it('writes <name>.json, reads it back and regenerates README.md, skipping broken files with a warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-results-'));
    try {
      const path = writeResult(result('storage', 1), dir);
      assert.equal(path, join(dir, 'storage.json'));
      writeFileSync(join(dir, 'broken.json'), '{ not json');
      const warnings: string[] = [];
      const results = readResults(dir, (m) => warnings.push(m));
      assert.deepEqual(results.map((r) => r.name), ['storage']);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /broken\.json/);
      const summary = readFileSync(writeSummary(dir), 'utf8');
      assert.match(summary, /\| storage \| p50 latency \| 2\.00 ms/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
