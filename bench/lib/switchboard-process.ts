/**
 * Runs the real `switchboard` binary for end-to-end benchmarks: writes the config, starts
 * `node bin/switchboard.js run -c <file>`, notes when the hub logs `ready`, reads its memory,
 * and stops it by PID (SIGTERM, then SIGKILL) — also when the benchmark process ends early.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { onProcessEnd } from '../../test/support/exit-cleanup.js';
import { withTimeout } from '../../test/support/wait.js';

const BIN = fileURLToPath(new URL('../../../bin/switchboard.js', import.meta.url));

export interface SwitchboardOptions {
  /** Where the config (and the database it names) go. */
  readonly dir: string;
  readonly config: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Write a CPU profile of the process into this directory (node --cpu-prof). */
  readonly profileDir?: string;
}

export interface RunningSwitchboard {
  readonly child: ChildProcess;
  readonly pid: number;
  /** performance.now() when the process was spawned. */
  readonly spawnedAt: number;
  /** Resolves with performance.now() when the hub logged `ready`; rejects if it exits first or after `timeoutMs`. */
  ready(timeoutMs: number): Promise<number>;
  /** The log output so far (JSON lines), for error messages. */
  output(): string;
  /** SIGTERM by PID, wait up to `graceMs`, then SIGKILL. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Node flags for every switchboard process the benchmarks start, from BENCH_HUB_NODE_ARGS
 * (space-separated, e.g. `--heap-prof --heap-prof-dir=/tmp/heap` or `--trace-gc`): for
 * profiling a hub by hand; never set by the benchmarks themselves.
 */
function extraNodeArgs(): string[] {
  return (process.env.BENCH_HUB_NODE_ARGS ?? '').split(' ').filter(Boolean);
}

/** Starts the binary on `options.config` (written to `<dir>/switchboard.yaml`). */
export function startSwitchboardProcess(options: SwitchboardOptions): RunningSwitchboard {
  const configPath = join(options.dir, 'switchboard.yaml');
  writeFileSync(configPath, options.config);
  const nodeArgs = [
    ...(options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : []),
    ...extraNodeArgs(),
  ];
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'run', '-c', configPath], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('switchboard did not start (no pid)');
  const forget = onProcessEnd(() => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  });
  let output = '';
  let readyAt: number | undefined;
  let onReady: ((at: number) => void) | undefined;
  let buffered = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    output += chunk;
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (readyAt === undefined && line.includes('"msg":"ready"')) {
        readyAt = performance.now();
        onReady?.(readyAt);
      }
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  return {
    child,
    pid,
    spawnedAt,
    output: () => output,
    ready(timeoutMs) {
      if (readyAt !== undefined) return Promise.resolve(readyAt);
      const ready = new Promise<number>((resolve, reject) => {
        onReady = resolve;
        void exited.then(() => reject(new Error(`switchboard exited before it was ready:\n${output.slice(-3000)}`)));
      });
      return withTimeout(ready, timeoutMs, `switchboard to log "ready" (output so far:\n${output.slice(-3000)})`);
    },
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          try {
            await withTimeout(exited, graceMs, 'switchboard to stop after SIGTERM');
          } catch {
            child.kill('SIGKILL');
            await withTimeout(exited, 5000, 'switchboard to die after SIGKILL').catch(() => undefined);
          }
        }
        forget();
      })();
      return stopping;
    },
  };
}

/** The resident set size of process `pid` in bytes (Linux /proc). */
export function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s*(\d+) kB/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb) * 1024;
}

/** One sample value from a Prometheus text exposition, e.g. `nodejs_heap_size_used_bytes`. */
export function metricValue(exposition: string, name: string): number {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)`, 'm').exec(exposition);
  if (!match?.[1]) throw new Error(`metric ${name} not found`);
  return Number(match[1]);
}

/** GETs `http://<address><path>` with a timeout; returns status and body. */
export async function httpGet(address: string, path: string, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://${address}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, body: await response.text() };
}
