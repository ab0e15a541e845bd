/**
 * A Python helper process for end-to-end tests, spoken to in JSON lines: one command object per
 * line on its stdin, one event object per line on its stdout. Runs Debian's interpreter, which sees
 * Debian's python3-irc and python3-slixmpp (the `python3` on PATH may not). Killed when the test
 * process ends, whatever happens.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { onProcessEnd } from './exit-cleanup.js';
import { waitFor } from './wait.js';

/** How many of the latest events a failed wait shows. */
const RECENT = 8;

/** Debian's interpreter. */
export const PYTHON = '/usr/bin/python3';

/** One event the process printed (a line that is no JSON object becomes `{ event: 'unparsed', text }`). */
export interface PythonEvent { readonly event: string }

/** A running JSON-lines process. */
export interface PythonProcess<E extends PythonEvent> {
  /** Everything printed so far, oldest first. */
  readonly events: readonly E[];
  /** Writes one command line. */
  command(command: unknown): void;
  /**
   * Resolves with the first event from index `from` (default 0) matching `match`; rejects after
   * `timeoutMs`, or at once if the process has ended without printing one.
   */
  waitFor(match: (event: E) => boolean, timeoutMs: number, what: string, from?: number): Promise<E>;
  /** Writes `last` (if given), closes stdin and waits for the end; killed after `graceMs`. */
  close(last?: unknown, graceMs?: number): Promise<void>;
}

/** Starts `/usr/bin/python3 script ...args`. */
export function startPythonProcess<E extends PythonEvent>(script: string, args: readonly string[], label: string): PythonProcess<E> {
  const child = spawn(PYTHON, [script, ...args], { stdio: 'pipe' });
  const forget = onProcessEnd(() => child.kill('SIGKILL'));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const events: E[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
  child.stdin.on('error', () => undefined);
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      events.push(JSON.parse(line) as E);
    } catch {
      events.push({ event: 'unparsed', text: line } as unknown as E);
    }
  });
  return {
    events,
    command(command) {
      if (child.exitCode === null) child.stdin.write(`${JSON.stringify(command)}\n`);
    },
    waitFor(match, ms, what, from = 0) {
      const find = (): E | undefined => events.slice(from).find(match);
      const recent = (): string => events.slice(-RECENT).map((e) => JSON.stringify(e).slice(0, 500)).join('\n');
      return waitFor(() => {
        const found = find();
        if (found === undefined && child.exitCode !== null) throw new Error(`${label} ended (${child.exitCode}) while waiting for ${what}: ${stderr}`);
        return found;
      }, { timeoutMs: ms, what: `${what} (${label})` }).catch((error: unknown) => {
        throw new Error(`${error instanceof Error ? error.message : String(error)}; its last events:\n${recent()}\nstderr: ${stderr.slice(-1000)}`);
      });
    },
    async close(last, graceMs = 2000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin.end(last === undefined ? undefined : `${JSON.stringify(last)}\n`);
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      forget();
    },
  };
}
