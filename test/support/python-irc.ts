/**
 * An independent IRC client for end-to-end tests: Debian's python3-irc driven through
 * `python/irc_peer.py` (JSON lines in and out), so a test's IRC side is not our own code.
 */
import { fileURLToPath } from 'node:url';
import { startPythonProcess } from './python-process.js';

const SCRIPT = fileURLToPath(new URL('../../../test/support/python/irc_peer.py', import.meta.url));

/** What the peer reported receiving (see irc_peer.py). */
export interface PythonIrcEvent {
  readonly event: string;
  readonly source?: string;
  readonly target?: string;
  readonly text?: string;
  readonly channel?: string;
  readonly nick?: string;
  readonly mode?: string;
  readonly args?: readonly string[];
}

/** A python3-irc client connected to an IRC server. */
export interface PythonIrcPeer {
  /** Everything the peer reported so far, oldest first. */
  readonly events: readonly PythonIrcEvent[];
  /** Sends a command to the peer (see irc_peer.py): `{ cmd: 'privmsg' | 'action' | 'notice', target, text }`, `{ cmd: 'join', channel }`, `{ cmd: 'quit' }`, ... */
  command(command: Readonly<Record<string, string>>): void;
  /** Resolves with the first event (from index `from`, default 0) matching `match`, or rejects after `timeoutMs`. */
  waitFor(match: (event: PythonIrcEvent) => boolean, timeoutMs: number, what: string, from?: number): Promise<PythonIrcEvent>;
  /** Quits and ends the process (killed if it lingers). */
  close(): Promise<void>;
}

/** Starts a python3-irc client as `nick` and waits for its welcome (at most `timeoutMs`). */
export async function startPythonIrc(host: string, port: number, nick: string, timeoutMs: number): Promise<PythonIrcPeer> {
  const child = startPythonProcess<PythonIrcEvent>(SCRIPT, [host, String(port), nick], `python3-irc peer ${nick}`);
  const peer: PythonIrcPeer = {
    events: child.events,
    command: (command) => child.command(command),
    waitFor: (match, ms, what, from) => child.waitFor(match, ms, what, from),
    close: () => child.close({ cmd: 'quit' }),
  };
  try {
    await peer.waitFor((e) => e.event === 'welcome', timeoutMs, `${nick}'s welcome from ${host}:${port}`);
  } catch (error) {
    await peer.close();
    throw error;
  }
  return peer;
}
