/**
 * Runs a peer bridge's binary (built outside the repository, e.g. Matterbridge) for the
 * side-by-side benchmark: spawns it in its own directory, keeps its output for error messages,
 * and stops it by PID (SIGTERM, then SIGKILL) — also when the benchmark process ends early.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { onProcessEnd } from '../../test/support/exit-cleanup.js';
import { withTimeout } from '../../test/support/wait.js';

/** A bridge process under measurement, whichever bridge it is. */
export interface RunningBridge {
  readonly pid: number;
  /** performance.now() when the process was spawned. */
  readonly spawnedAt: number;
  /** Its output so far, for error messages. */
  output(): string;
  /** SIGTERM by PID, wait up to `graceMs`, then SIGKILL. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `binary` with `args` in `dir`. */
export function startPeerProcess(binary: string, args: readonly string[], dir: string): RunningBridge {
  const spawnedAt = performance.now();
  const child = spawn(binary, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${binary} did not start (no pid)`);
  const forget = onProcessEnd(() => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  });
  let output = '';
  const keep = (chunk: string) => {
    output = (output + chunk).slice(-20_000);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  return {
    pid,
    spawnedAt,
    output: () => output,
    stop(graceMs = 5_000) {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          try {
            await withTimeout(exited, graceMs, `${binary} to stop after SIGTERM`);
          } catch {
            child.kill('SIGKILL');
            await withTimeout(exited, 5000, `${binary} to die after SIGKILL`).catch(() => undefined);
          }
        }
        forget();
      })();
      return stopping;
    },
  };
}
