/**
 * Structured logging: JSON lines (pino), human-readable on a TTY, secrets redacted.
 */
import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/** Field names whose values never reach a log line, at any depth we know of. */
export const REDACTED_FIELDS = [
  'password', 'pass', 'secret', 'token', 'apiKey', 'api_key', 'sasl', 'credentials', 'authorization',
  'saslPassword', 'serverPassword', 'nickservPassword', 'componentSecret', 'Authorization', 'headers',
];

const redactPaths = REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`, `*.*.*.${f}`]);

export interface LoggerOptions {
  level?: string;
  /** Force pretty (true) or JSON (false) output; default: pretty when stdout is a TTY. */
  pretty?: boolean;
  /** Write to this destination instead of stdout (tests use this to capture lines). */
  destination?: NodeJS.WritableStream;
}

/** Creates the root logger. Child loggers carry `module`, `network` and similar context. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.SWITCHBOARD_LOG_LEVEL ?? 'info';
  const pretty = options.pretty ?? (process.stdout.isTTY === true && !options.destination);
  const base = { level, redact: { paths: redactPaths, censor: '[redacted]' }, base: undefined };
  if (options.destination) return pino(base, options.destination as pino.DestinationStream);
  if (pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l' } } });
  }
  return pino(base);
}

/** A logger that drops everything, for tests and tools that do not care. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
