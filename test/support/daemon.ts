/**
 * A server process started by a test: output to a log file, stopped by PID (TERM, then KILL).
 *
 * Two safety nets keep a forgotten or orphaned server from outliving the test process:
 * - on process exit (and SIGINT/SIGTERM/SIGHUP) every daemon still running gets SIGKILL
 *   (see exit-cleanup.ts);
 * - the daemon is started through `setpriv --pdeathsig KILL` (util-linux, always on Debian), so the
 *   kernel kills it even when the test process itself is SIGKILLed (e.g. by a runner timeout).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { onProcessEnd } from './exit-cleanup.js';
import { withTimeout } from './wait.js';

/** How to start a daemon in the foreground. */
export interface DaemonSpec {
  /** Short name for messages, e.g. 'ngircd'. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** stdout and stderr are appended to this file. */
  readonly logFile: string;
  /**
   * When we are root, run the daemon as this user and group instead (for servers that would drop
   * privileges by themselves, which would clear the parent-death signal).
   */
  readonly unprivileged?: { readonly user: string; readonly group: string };
}

/** How a daemon ended. */
export interface DaemonExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (e.g. the binary is missing). */
  readonly error?: Error;
}

const SETPRIV = '/usr/bin/setpriv';

/** The command line actually run: wrapped in setpriv for the parent-death signal and user switch. */
function commandLine(spec: DaemonSpec): { command: string; args: string[] } {
  if (!existsSync(SETPRIV)) return { command: spec.command, args: [...spec.args] };
  const asUser =
    spec.unprivileged && process.getuid?.() === 0
      ? ['--reuid', spec.unprivileged.user, '--regid', spec.unprivileged.group, '--clear-groups']
      : [];
  // --pdeathsig is applied after the uid switch, so it survives it.
  return { command: SETPRIV, args: [...asUser, '--pdeathsig', 'KILL', '--', spec.command, ...spec.args] };
}

/** A running (or ended) daemon child process. */
export class Daemon {
  readonly pid: number;
  /** Resolves when the process has exited and been reaped. */
  readonly exited: Promise<DaemonExit>;
  #exit: DaemonExit | undefined;
  #stopping: Promise<void> | undefined;

  private constructor(
    readonly spec: DaemonSpec,
    child: ChildProcess,
  ) {
    this.pid = child.pid ?? -1;
    const forget = child.pid === undefined ? () => true : onProcessEnd(() => child.kill('SIGKILL'));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        forget();
        this.#exit = { code, signal };
        resolve(this.#exit);
      });
      child.once('error', (error) => {
        // 'error' without a pid means spawn failed; with a pid, 'exit' still follows.
        if (child.pid !== undefined) return;
        this.#exit = { code: null, signal: null, error };
        resolve(this.#exit);
      });
    });
  }

  /** Starts the daemon; output goes to `spec.logFile`. */
  static start(spec: DaemonSpec): Daemon {
    const log = openSync(spec.logFile, 'a');
    try {
      const { command, args } = commandLine(spec);
      const child = spawn(command, args, { cwd: spec.cwd, stdio: ['ignore', log, log] });
      return new Daemon(spec, child);
    } finally {
      closeSync(log);
    }
  }

  /** How the process ended, or undefined while it runs. */
  get exit(): DaemonExit | undefined {
    return this.#exit;
  }

  /** An error describing an unexpected exit, or undefined while the process runs. */
  deathError(): Error | undefined {
    const exit = this.#exit;
    if (!exit) return undefined;
    if (exit.error) return new Error(`${this.spec.name} could not be started: ${exit.error.message}`);
    const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
    return new Error(`${this.spec.name} (pid ${this.pid}) exited early with ${how}`);
  }

  /**
   * SIGTERM by PID, wait up to `graceMs`, then SIGKILL and wait for the exit. Idempotent;
   * resolves once the process is gone.
   */
  stop(graceMs = 5000): Promise<void> {
    this.#stopping ??= this.#stop(graceMs);
    return this.#stopping;
  }

  async #stop(graceMs: number): Promise<void> {
    if (this.#exit) return;
    this.#signal('SIGTERM');
    try {
      await withTimeout(this.exited, graceMs, `${this.spec.name} (pid ${this.pid}) to exit after SIGTERM`);
    } catch {
      this.#signal('SIGKILL');
      await withTimeout(this.exited, 5000, `${this.spec.name} (pid ${this.pid}) to exit after SIGKILL`);
    }
  }

  #signal(signal: NodeJS.Signals): void {
    try {
      process.kill(this.pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}
