/**
 * `npm run fuzz`: every fuzz target on FUZZ_RUNS generated inputs (default 1,000,000), figures to
 * fuzz/results/. Exits 1 when a target crashes, hangs or breaks its property.
 *
 * usage: node dist/fuzz/run.js [target ...]   (env FUZZ_RUNS, FUZZ_SEED, FUZZ_HANG_MS)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fuzz, type FuzzFigures, type FuzzTarget } from './harness.js';
import { config } from './targets/config.js';
import { formatting } from './targets/formatting.js';
import { ircLines } from './targets/irc-lines.js';
import { ircLinkHybridLines, ircLinkInspircdLines, ircLinkLines } from './targets/irc-link-lines.js';
import { ircOutput } from './targets/irc-output.js';
import { xmppOutput } from './targets/xmpp-output.js';
import { xmppStanzas } from './targets/xmpp-stanzas.js';

const TARGETS: readonly FuzzTarget<never>[] = [ircLines, ircLinkLines, ircLinkInspircdLines, ircLinkHybridLines, ircOutput, xmppStanzas, xmppOutput, formatting, config] as FuzzTarget<never>[];

const runs = Number(process.env.FUZZ_RUNS ?? 1_000_000);
const hangMs = Number(process.env.FUZZ_HANG_MS ?? 10);
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const names = process.argv.slice(2);
const unknown = names.filter((n) => !TARGETS.some((t) => t.name === n));
if (unknown.length > 0) {
  console.error(`fuzz: unknown target ${unknown.join(', ')}; known: ${TARGETS.map((t) => t.name).join(', ')}`);
  process.exit(2);
}

const results: FuzzFigures[] = [];
for (const target of TARGETS.filter((t) => names.length === 0 || names.includes(t.name))) {
  process.stdout.write(`${target.name}: ${runs.toLocaleString('en')} inputs ... `);
  const figures = await fuzz(target, { runs, hangMs, ...(seed === undefined ? {} : { seed }) });
  results.push(figures);
  console.log(figures.failure === undefined
    ? `ok in ${figures.wallSeconds} s (mean ${figures.meanUs} µs, slowest confirmed ${figures.slowestMs} ms, ${figures.slowOnce} slow once)`
    : `FAILED after ${figures.runs}\n${figures.failure}`);
}

// The results file keeps every target's latest run (a run of some targets replaces only theirs).
const dir = fileURLToPath(new URL('../../fuzz/results/', import.meta.url));
mkdirSync(dir, { recursive: true });
const at = new Date().toISOString();
const kept = previousResults(`${dir}fuzz.json`).filter((r) => !results.some((n) => n.name === r.name));
const all = [...kept, ...results.map((r) => ({ ...r, at, node: process.version, hangMs }))];
all.sort((a, b) => TARGETS.findIndex((t) => t.name === a.name) - TARGETS.findIndex((t) => t.name === b.name));
writeFileSync(`${dir}fuzz.json`, `${JSON.stringify({ results: all }, null, 2)}\n`);
const failed = results.filter((r) => r.failure !== undefined);
console.log(`${results.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length > 0 ? 1 : 0);

/** The results of an earlier run, or none (a missing or unreadable file). */
function previousResults(path: string): Array<FuzzFigures & { at: string }> {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { results?: Array<FuzzFigures & { at: string }> };
    return Array.isArray(parsed.results) ? parsed.results : [];
  } catch {
    return [];
  }
}
