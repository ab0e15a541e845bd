#!/usr/bin/env node
// Runs the benchmarks (compiled to dist/bench/ by `npm run build`), each in its own process, and
// regenerates bench/results/README.md. See bench/README.md.
//
// usage: node scripts/run-bench.mjs [name ...] [--quick] [--profile] [--list] [--peer name=PATH ...]
//   name       run only these benchmarks (default: all), e.g. `npm run bench -- dispatcher`
//   --quick    fewer repeats, to check that benchmarks work (figures are not a baseline)
//   --profile  write V8 CPU profiles (node --cpu-prof) of the benchmark process and of the
//              switchboard processes it starts to bench/profiles/<name>/
//   --list     print the benchmarks and exit
//   --peer     a peer bridge's binary for side-by-side (e.g. --peer matterbridge=/work/peers/bin/matterbridge);
//              without it, the peer's runs are skipped
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const distBench = new URL('../dist/bench/', import.meta.url);
/** Each benchmark must finish in under two minutes (or its entry's timeoutSeconds); it is killed a little after that. */
const KILL_MARGIN_MS = 30_000;

const args = process.argv.slice(2);
/** `--peer name=PATH` (or `--peer=name=PATH`), repeatable. */
const peers = [];
const rest = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--peer') peers.push(args[++i] ?? '');
  else if (args[i].startsWith('--peer=')) peers.push(args[i].slice('--peer='.length));
  else rest.push(args[i]);
}
for (const peer of peers) {
  if (!/^[a-z0-9-]+=.+$/.test(peer)) {
    console.error(`run-bench: --peer expects name=PATH, got "${peer}"`);
    process.exit(2);
  }
}
const flags = new Set(rest.filter((a) => a.startsWith('--')));
const names = rest.filter((a) => !a.startsWith('--'));
for (const flag of flags) {
  if (!['--quick', '--profile', '--list'].includes(flag)) {
    console.error(`run-bench: unknown option ${flag} (known: --quick, --profile, --list, --peer name=PATH)`);
    process.exit(2);
  }
}

const { BENCHMARKS } = await import(new URL('registry.js', distBench).href);
const { writeSummary, resultsDir } = await import(new URL('lib/files.js', distBench).href);

if (flags.has('--list')) {
  for (const b of BENCHMARKS) console.log(`${b.name.padEnd(18)} ${b.description}`);
  process.exit(0);
}
const unknown = names.filter((n) => !BENCHMARKS.some((b) => b.name === n));
if (unknown.length > 0) {
  console.error(`run-bench: unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  process.exit(2);
}
const selected = names.length === 0 ? BENCHMARKS : BENCHMARKS.filter((b) => names.includes(b.name));
const hasTaskset = spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;

/** Runs one benchmark in a child process; resolves with its exit code. */
function runOne(bench) {
  const nodeArgs = ['--enable-source-maps'];
  const env = { ...process.env };
  if (flags.has('--quick')) env.BENCH_QUICK = '1';
  if (peers.length > 0) env.BENCH_PEERS = peers.join(',');
  if (flags.has('--profile')) {
    const dir = `${root}bench/profiles/${bench.name}`;
    mkdirSync(dir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
    env.BENCH_PROFILE_DIR = dir;
  }
  nodeArgs.push(fileURLToPath(new URL('run-one.js', distBench)), bench.name);
  const pinned = bench.pinOneCore && hasTaskset;
  if (bench.pinOneCore && !hasTaskset) console.error(`[${bench.name}] taskset not found: running unpinned`);
  const [command, commandArgs] = pinned ? ['taskset', ['-c', '0', process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  console.error(`\n=== ${bench.name}${pinned ? ' (pinned to CPU 0)' : ''}: ${bench.description}`);
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { stdio: 'inherit', env, cwd: root });
    const killAfterMs = (bench.timeoutSeconds ?? 120) * 1000 + KILL_MARGIN_MS;
    const timer = setTimeout(() => {
      console.error(`[${bench.name}] still running after ${killAfterMs / 1000} s: stopping it (pid ${child.pid})`);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }, killAfterMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

const failed = [];
for (const bench of selected) {
  const code = await runOne(bench);
  if (code !== 0) failed.push(bench.name);
}
const summary = writeSummary(resultsDir(), (message) => console.error(`run-bench: ${message}`));
console.error(`\nsummary: ${summary}`);
if (failed.length > 0) {
  console.error(`run-bench: failed: ${failed.join(', ')}`);
  process.exit(1);
}
