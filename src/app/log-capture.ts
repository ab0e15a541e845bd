/**
 * A real pino logger whose JSON lines are kept in memory, so tests can assert what was logged.
 */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../core/log.js';

export interface CapturedLog {
  readonly log: Logger;
  /** Every line logged so far, parsed. */
  readonly lines: Array<Record<string, unknown>>;
  /** The raw text of every line, for "secret never appears" checks. */
  text(): string;
}

export function captureLog(level = 'debug'): CapturedLog {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  // pino writes synchronously to a plain Writable, so lines are visible right after the call.
  const log = createLogger({ level, destination });
  return { log, lines, text: () => raw.join('\n') };
}
