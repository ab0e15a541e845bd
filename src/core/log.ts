/**
 * Structured logging: JSON lines (pino), human-readable on a terminal (`log.format`), secrets redacted.
 */
import { pino, type Logger as PinoLogger } from 'pino';
import { createRequire } from 'node:module';
import type { PrettyOptions, PrettyStream } from 'pino-pretty';

export type Logger = PinoLogger;

/** Field names whose values never reach a log line, at any depth we know of. */
const REDACTED_FIELDS = [
  'password', 'pass', 'secret', 'token', 'apiKey', 'api_key', 'sasl', 'credentials', 'authorization',
  'saslPassword', 'serverPassword', 'nickservPassword', 'componentSecret', 'accessPassword', 'Authorization', 'headers',
];

const redactPaths = REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`, `*.*.*.${f}`]);

/** `log.format`: pretty lines, JSON lines, or `auto` (pretty when stdout is a terminal). */
export type LogFormat = 'auto' | 'pretty' | 'json';

export interface LoggerOptions {
  level?: string;
  /** Default `auto`: pretty when stdout is a terminal, JSON lines otherwise. */
  format?: LogFormat;
  /** Write JSON lines to this destination instead of stdout (tests use this to capture lines). */
  destination?: NodeJS.WritableStream;
}

/** Whether `format` means pretty output, given whether stdout is a terminal. */
export function isPrettyFormat(format: LogFormat, stdoutIsTerminal: boolean): boolean {
  return format === 'pretty' || (format === 'auto' && stdoutIsTerminal);
}

/** Creates the root logger. Child loggers carry `module`, `network` and similar context. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.SWITCHBOARD_LOG_LEVEL ?? 'info';
  const base = { level, redact: { paths: redactPaths, censor: '[redacted]' }, base: undefined };
  if (options.destination) return pino(base, options.destination as pino.DestinationStream);
  if (isPrettyFormat(options.format ?? 'auto', process.stdout.isTTY === true)) {
    // Synchronous, in this thread: no worker to flush at exit, and lines keep their order with
    // what the CLI writes to stderr.
    return pino(base, loadPinoPretty()({ colorize: process.stdout.isTTY === true, translateTime: 'HH:MM:ss.l', sync: true }));
  }
  return pino(base);
}

/** pino-pretty, loaded only when pretty output is wanted (it is not needed for JSON lines). */
function loadPinoPretty(): (options: PrettyOptions) => PrettyStream {
  return createRequire(import.meta.url)('pino-pretty') as (options: PrettyOptions) => PrettyStream;
}

/** A logger that drops everything, for tests and tools that do not care. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
