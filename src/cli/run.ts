/**
 * `switchboard run`: loads the config, starts the hub, and stops it gracefully on SIGINT or
 * SIGTERM. Returns the process exit code (see exit-codes.ts: 0 stopped cleanly, 1 runtime
 * failure, 2 the config or environment must be fixed).
 */
import { loadConfig } from '../config/load.js';
import { ConfigError, formatProblems } from '../config/errors.js';
import { configWarnings } from '../config/warnings.js';
import { allProtocols } from '../app/protocols.js';
import { createLogger } from '../core/log.js';
import { Hub } from '../app/hub.js';
import { StartupError } from '../app/startup-error.js';
import { ExitCode } from './exit-codes.js';

export interface RunOptions {
  readonly configPath: string;
  /** Resolves when the hub should stop; default: the first SIGINT or SIGTERM. */
  readonly stopSignal?: Promise<string>;
}

/**
 * Loads the config at `options.configPath`, starts the hub and runs it until `stopSignal`;
 * returns the exit code: `usage` when the config or environment must be fixed (the problems are
 * printed), `failure` when starting broke otherwise, `ok` after a clean stop.
 */
export async function runHub(options: RunOptions): Promise<ExitCode> {
  let config;
  try {
    config = await loadConfig(options.configPath, allProtocols());
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`switchboard: the configuration has problems:\n${formatProblems(error.problems)}\n`);
      return ExitCode.usage;
    }
    throw error;
  }
  const log = createLogger({ level: config.log.level, format: config.log.format });
  for (const warning of configWarnings(config, allProtocols())) log.warn({ file: warning.file, field: warning.path }, warning.reason);
  let hub: Hub;
  try {
    hub = await Hub.start({ config, log, protocols: allProtocols() });
  } catch (error) {
    if (error instanceof StartupError) {
      process.stderr.write(`switchboard: cannot start: ${error.message}\n`);
      log.flush?.();
      return ExitCode.usage;
    }
    log.fatal({ err: error }, 'start failed');
    return ExitCode.failure;
  }
  const signal = await holdingProcessOpen(options.stopSignal ?? firstSignal(log));
  log.info({ signal }, 'stop requested');
  await hub.stop();
  exitEvenIfHeld();
  return ExitCode.ok;
}

/** How long after a stop the process may take to end by itself before it is ended. */
const EXIT_GRACE_MS = 100;

/**
 * Ends the process shortly after the hub stopped, should anything still hold it open: a
 * frozen server's half-closed socket, or a protocol library's own timer, would otherwise keep
 * it alive past `shutdown.deadlineMs`. The timer is unref'd, so a process that ends by itself
 * ends as before; the exit code is the one `run` returned (process.exitCode).
 */
function exitEvenIfHeld(): void {
  setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
}

/**
 * Waits for `stop` while keeping the event loop busy: signal handlers do not, so with nothing
 * connected (no networks, `http: false`) Node would otherwise end the process at once (exit
 * 13, an unsettled top-level await) instead of running until a signal.
 */
async function holdingProcessOpen<T>(stop: Promise<T>): Promise<T> {
  const keepAlive = setInterval(() => undefined, 2 ** 30);
  try {
    return await stop;
  } finally {
    clearInterval(keepAlive);
  }
}

/** Resolves on the first SIGINT/SIGTERM; a second one forces exit without waiting. */
function firstSignal(log: { warn(obj: object, msg: string): void }): Promise<string> {
  return new Promise((resolve) => {
    let received = false;
    const handler = (signal: NodeJS.Signals) => {
      if (received) {
        log.warn({ signal }, 'second signal: exiting without waiting for shutdown');
        process.exit(1);
      }
      received = true;
      resolve(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}
