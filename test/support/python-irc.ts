/**
 * An independent IRC client for end-to-end tests: Debian's python3-irc driven through
 * `python/irc_peer.py` (JSON lines in and out), so a test's IRC side is not our own code.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { onProcessEnd } from './exit-cleanup.js';
import { waitFor } from './wait.js';

const SCRIPT = fileURLToPath(new URL('../../../test/support/python/irc_peer.py', import.meta.url));
/** Debian's interpreter: the `python3` on PATH may not see Debian's python3-irc. */
const PYTHON = '/usr/bin/python3';

/** What the peer reported receiving (see irc_peer.py). */
export interface PythonIrcEvent {
  readonly event: string;
  readonly source?: string;
  readonly target?: string;
  readonly text?: string;
}

/** A python3-irc client connected to an IRC server. */
export interface PythonIrcPeer {
  /** Sends a command to the peer: `{ cmd: 'privmsg' | 'action' | 'notice', target, text }`, `{ cmd: 'away', text? }`, `{ cmd: 'quit' }`. */
  command(command: Readonly<Record<string, string>>): void;
  /** Resolves with the first event (from the start) matching `match`, or rejects after `timeoutMs`. */
  waitFor(match: (event: PythonIrcEvent) => boolean, timeoutMs: number, what: string): Promise<PythonIrcEvent>;
  /** Quits and ends the process (killed if it lingers). */
  close(): Promise<void>;
}

/** Starts a python3-irc client as `nick` and waits for its welcome (at most `timeoutMs`). */
export async function startPythonIrc(host: string, port: number, nick: string, timeoutMs: number): Promise<PythonIrcPeer> {
  const child: ChildProcessWithoutNullStreams = spawn(PYTHON, [SCRIPT, host, String(port), nick], { stdio: 'pipe' });
  const forget = onProcessEnd(() => child.kill('SIGKILL'));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const events: PythonIrcEvent[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-2000); });
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      events.push(JSON.parse(line) as PythonIrcEvent);
    } catch {
      events.push({ event: 'unparsed', text: line });
    }
  });
  const peer: PythonIrcPeer = {
    command(command) {
      child.stdin.write(`${JSON.stringify(command)}\n`);
    },
    waitFor(match, ms, what) {
      return waitFor(() => {
        if (child.exitCode !== null && !events.some(match)) throw new Error(`python3-irc peer ended (${child.exitCode}) while waiting for ${what}: ${stderr}`);
        return events.find(match);
      }, { timeoutMs: ms, what });
    },
    async close() {
      if (child.exitCode === null) {
        child.stdin.end(`${JSON.stringify({ cmd: 'quit' })}\n`);
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(timer);
      }
      forget();
    },
  };
  try {
    await peer.waitFor((e) => e.event === 'welcome', timeoutMs, `${nick}'s welcome from ${host}:${port}`);
  } catch (error) {
    await peer.close();
    throw error;
  }
  return peer;
}
