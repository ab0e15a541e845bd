/**
 * Runs the real `switchboard` executable (bin/switchboard.js) as a child process for e2e tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withTimeout } from './wait.js';

const BIN = fileURLToPath(new URL('../../../bin/switchboard.js', import.meta.url));

export interface SwitchboardProcess {
  readonly child: ChildProcess;
  /** The temp dir holding the config (and whatever the test puts there). */
  readonly dir: string;
  readonly configPath: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or 128 + signal number style `signal` name) when the process ends. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Waits for the exit, failing after `timeoutMs`. */
  waitForExit(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILLs the process if still running and removes the temp dir. Idempotent. */
  cleanup(): Promise<void>;
}

/** A temp dir for a test's config, module files and database. */
export function makeTempDir(prefix = 'switchboard-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Writes `config` to `<dir>/switchboard.yaml` and starts `switchboard run -c` on it.
 * `dir` defaults to a fresh temp dir.
 */
export function startSwitchboard(config: string, options: { dir?: string; env?: NodeJS.ProcessEnv } = {}): SwitchboardProcess {
  const dir = options.dir ?? makeTempDir();
  const configPath = join(dir, 'switchboard.yaml');
  writeFileSync(configPath, config);
  const child = spawn(process.execPath, [BIN, 'run', '-c', configPath], {
    env: { ...process.env, SWITCHBOARD_LOG_LEVEL: 'debug', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  let cleaned = false;
  return {
    child, dir, configPath, exited,
    stdout: () => out,
    stderr: () => err,
    waitForExit: (timeoutMs) => withTimeout(exited, timeoutMs, `switchboard to exit (stderr: ${err.slice(-2000)})`),
    async cleanup() {
      if (cleaned) return;
      cleaned = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await withTimeout(exited, 5000, 'switchboard to die after SIGKILL').catch(() => undefined);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes a module file into `dir` and returns its path (for `modules: - module: <path>`). */
export function writeModule(dir: string, fileName: string, source: string): string {
  const path = join(dir, fileName);
  writeFileSync(path, source);
  return path;
}
