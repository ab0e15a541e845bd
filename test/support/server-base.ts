/**
 * What all test servers share: a temp dir, a daemon, log collection, readiness with a timeout and
 * clean-up, and retrying the start when a randomly picked port was taken meanwhile.
 */
import { readFileSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Daemon, type DaemonSpec } from './daemon.js';
import { onProcessEnd } from './exit-cleanup.js';
import { LOOPBACK } from './ports.js';
import { withTimeout } from './wait.js';

/** How long a server may take to become ready before the start fails with its log. */
export const READY_TIMEOUT_MS = 15_000;
const START_ATTEMPTS = 3;

/** A server process started by a test on 127.0.0.1. */
export interface RunningServer {
  /** 'ngircd' | 'inspircd' | 'prosody' */
  readonly name: string;
  /** '127.0.0.1' */
  readonly host: string;
  /** The client port (randomly chosen free port). */
  readonly port: number;
  /** PID of the server process (changes on restart()). */
  readonly pid: number;
  /** Temp dir with config, data and logs (removed by stop()). */
  readonly dir: string;
  /** The server's log output so far (after stop(): as it was when stopped), for failure messages. */
  logs(): Promise<string>;
  /** SIGTERM by PID, wait up to 5 s, then SIGKILL; removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** Creates a fresh private temp dir for one server. */
export function makeServerDir(name: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `switchboard-${name}-`));
}

function readLogSync(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Reads log files that exist, each under a header when there are several. */
async function readLogs(files: readonly string[]): Promise<string> {
  const parts: string[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    parts.push(files.length > 1 ? `==> ${file} <==\n${text}` : text);
  }
  return parts.join('\n');
}

/**
 * Base of the concrete servers: owns the daemon and the temp dir. Subclasses provide the daemon
 * spec and the readiness probe.
 */
export abstract class ServerBase implements RunningServer {
  readonly host = LOOPBACK;
  #daemon: Daemon | undefined;
  #stopping: Promise<void> | undefined;
  #finalLogs: string | undefined;
  readonly #forgetDir: () => void;

  protected constructor(
    readonly name: string,
    readonly dir: string,
    readonly port: number,
    /** Log files to show in {@link logs}, the daemon's own output first. */
    private readonly logFiles: readonly string[],
  ) {
    // If the test process ends without stop(), still remove the temp dir.
    this.#forgetDir = onProcessEnd(() => rmSync(dir, { recursive: true, force: true }));
  }

  /** The command line that runs the server in the foreground. */
  protected abstract daemonSpec(): DaemonSpec;
  /** Resolves when the server answers; may throw. Called with the deadline (ms since epoch). */
  protected abstract probeReady(deadline: number): Promise<void>;

  get pid(): number {
    return this.#daemon?.pid ?? -1;
  }

  /**
   * Log lines that mean the start has failed although the process keeps running (Prosody, for
   * one, stays up when it cannot bind a port). Checked while waiting for readiness.
   */
  protected readonly fatalLogPattern: RegExp | undefined = undefined;

  /** Error if the daemon has died or logged a fatal problem, for readiness loops. */
  protected deathError = (): Error | undefined => {
    const dead = this.#daemon?.deathError();
    if (dead || !this.fatalLogPattern) return dead;
    const log = this.logFiles[0] === undefined ? '' : readLogSync(this.logFiles[0]);
    const fatal = this.fatalLogPattern.exec(log);
    return fatal ? new Error(`${this.name} logged a fatal problem: ${fatal[0]}`) : undefined;
  };

  logs(): Promise<string> {
    if (this.#finalLogs !== undefined) return Promise.resolve(this.#finalLogs);
    return readLogs(this.logFiles);
  }

  /**
   * Starts the daemon and waits until it is ready. On failure stops the server (removing its dir)
   * and throws a {@link StartError} with the log.
   */
  protected async launch(): Promise<void> {
    this.#daemon = Daemon.start(this.daemonSpec());
    const deadline = Date.now() + READY_TIMEOUT_MS;
    try {
      // The probes honour the deadline themselves; the outer timeout is a backstop.
      await withTimeout(this.probeReady(deadline), READY_TIMEOUT_MS + 1000, `${this.name} to answer`);
    } catch (error) {
      const pid = this.pid;
      await this.stop();
      const log = await this.logs();
      throw new StartError(
        `${this.name} failed to start (readiness timeout ${READY_TIMEOUT_MS / 1000} s): ${(error as Error).message}\n--- ${this.name} log ---\n${log}`,
        { log, pid, dir: this.dir, cause: error },
      );
    }
  }

  /**
   * Stops the process by PID and starts it again with the same config, ports and data dir
   * (connections drop). Resolves once the server is ready again; `pid` changes.
   */
  async restart(): Promise<void> {
    if (this.#stopping) throw new Error(`${this.name} was stopped; it cannot be restarted`);
    await this.#daemon?.stop();
    await this.launch();
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      try {
        await this.#daemon?.stop();
      } finally {
        this.#finalLogs = await readLogs(this.logFiles);
        await rm(this.dir, { recursive: true, force: true });
        this.#forgetDir();
      }
    })();
    return this.#stopping;
  }
}

/** A failed start (the server was stopped and its dir removed), with the server log. */
export class StartError extends Error {
  /** The server's log output, also part of the message. */
  readonly log: string;
  /** PID of the process that failed (already stopped). */
  readonly pid: number;
  /** The temp dir that was used (already removed). */
  readonly dir: string;

  constructor(message: string, details: { log: string; pid: number; dir: string; cause?: unknown }) {
    super(message, { cause: details.cause });
    this.name = 'StartError';
    this.log = details.log;
    this.pid = details.pid;
    this.dir = details.dir;
  }
}

const PORT_TAKEN = /address already in use|EADDRINUSE|could not bind|can't bind|failed to bind|failed to open server port/i;

/**
 * Runs `attempt` (which picks new random ports each time) up to 3 times while the failure looks like
 * a port taken by another process between picking and binding; other failures are thrown at once.
 */
export async function startWithRetries<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      const portTaken = error instanceof StartError && PORT_TAKEN.test(error.log);
      if (!portTaken || i >= START_ATTEMPTS) throw error;
    }
  }
}
