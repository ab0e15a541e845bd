/**
 * The hub in its own process (relay-hub-child.ts), for tests that kill it or must keep their
 * own timers running whatever the hub does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withTimeout } from '../support/wait.js';

const CHILD = fileURLToPath(new URL('./relay-hub-child.js', import.meta.url));

/** Starts the hub process with the HubConfig in `configFile` and resolves once it printed READY; its stderr goes to `stderr`. */
export async function startChild(configFile: string, stderr: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CHILD, configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      if (chunk.includes('READY')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`hub process exited with ${code}: ${stderr.join('').slice(-2000)}`)));
  });
  await withTimeout(ready, 30_000, 'the hub process to be ready');
  return child;
}

/** Sends `signal` to the hub process (by its pid) and resolves once it exited. */
export function killByPid(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, signal);
  return withTimeout(exited, 10_000, `hub process ${child.pid} to exit`);
}
