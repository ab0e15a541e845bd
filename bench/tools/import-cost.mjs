// What each package costs in memory once loaded, in the order the hub loads them.
//
//   node --expose-gc bench/tools/import-cost.mjs [package ...]
//
// Imports the packages one after another in this process and prints, after each, the growth of
// V8's used heap, of its total (reserved) heap and of the process's anonymous and total RSS,
// each read after three forced collections. The first package also pays for the module loader
// itself; later ones show their own (marginal) cost. Run from the checkout (packages resolve
// from its node_modules). Development tool: not used by `npm test` or `npm run bench`.
import v8 from 'node:v8';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const DEFAULT = ['pino', 'commander', 'yaml', 'zod', 'kysely', 'better-sqlite3', 'lru-cache', 'irc-framework', '@xmpp/client-core', 'prom-client', 'fastify', 'pg'];
const packages = process.argv.length > 2 ? process.argv.slice(2) : DEFAULT;
if (typeof globalThis.gc !== 'function') {
  console.error('import-cost: run with node --expose-gc');
  process.exit(2);
}
const require = createRequire(pathToFileURL(`${process.cwd()}/`));
const MiB = 1024 * 1024;

function sample() {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kib = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  const heap = v8.getHeapStatistics();
  return { used: heap.used_heap_size / MiB, total: heap.total_heap_size / MiB, anon: kib('RssAnon') / 1024, rss: kib('VmRSS') / 1024 };
}

async function settle() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

await settle();
let before = sample();
console.log(`start: heap used ${before.used.toFixed(1)} MiB, total ${before.total.toFixed(1)}, RSS ${before.rss.toFixed(1)} (anon ${before.anon.toFixed(1)})`);
for (const name of packages) {
  await import(pathToFileURL(require.resolve(name)).href).catch(() => import(name));
  await settle();
  const after = sample();
  const grew = (field) => (after[field] - before[field]).toFixed(2).padStart(6);
  console.log(`${name.padEnd(20)} heap used +${grew('used')}  heap total +${grew('total')}  RSS anon +${grew('anon')}  RSS +${grew('rss')} MiB`);
  before = after;
}
