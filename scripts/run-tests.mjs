#!/usr/bin/env node
// Runs the compiled tests with Node's built-in runner: unit tests, then e2e tests against real servers.
// usage: node scripts/run-tests.mjs [unit|e2e] [name-filter]
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensurePackages, TEST_SERVERS } from './system-packages.mjs';

const [tier = 'all', filter = ''] = process.argv.slice(2);
const root = new URL('../dist/test/', import.meta.url).pathname;

function findTests(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(findTests(path));
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const tiers = tier === 'all' ? ['unit', 'e2e'] : [tier];
if (tiers.includes('e2e')) ensurePackages(TEST_SERVERS, 'tests');
const files = tiers
  .flatMap((t) => findTests(join(root, t)))
  // The filter matches the path below dist/test/ (a checkout's own path may contain any word).
  .filter((f) => f.slice(root.length).includes(filter))
  .sort();
if (files.length === 0) {
  console.error(`no test files found for tier "${tier}" filter "${filter}" under ${root}`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--enable-source-maps', '--test', '--test-reporter=spec', '--test-concurrency=2', '--test-timeout=120000', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
