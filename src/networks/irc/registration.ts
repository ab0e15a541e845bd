/**
 * One connection attempt of the bot, up to registration and after: a fallback nick when the
 * configured one is refused (nick.ts), why the connection closed (an ERROR line, a refused SASL
 * login, a numeric that makes retrying pointless: FATAL_NUMERICS), and the attempt's outcome.
 *
 * The attempt settles once: it succeeds when `registered()` resolves (the joins are done) and
 * fails on a timeout, a refused SASL login, a failed `registered()` or a close before that. A
 * close after success is reported through `ended` instead.
 */
import type { Client, ConnectOptions, ParsedLine } from 'irc-framework';
import type { Logger } from '../../core/log.js';
import { nickCandidate } from './nick.js';
import { FATAL_NUMERICS, NICK_ERRORS } from './protocol.js';

/** The most characters a fallback nick may have before the server states its NICKLEN. */
const FALLBACK_NICK_MAX = 30;
/** The most characters after an erroneous-nick reply (432): RFC 1459's nick length. */
const ERRONEOUS_NICK_MAX = 9;

/** What the adapter does at each step of an attempt. */
export interface AttemptHooks {
  /** false once the adapter moved on to another client: its events are ignored. */
  isCurrent(): boolean;
  /** A line from the server (nick refusals during registration are handled here). */
  line(line: ParsedLine): void;
  /** The server welcomed the bot; resolves once the connection is ready (channels joined). */
  registered(): Promise<void>;
  /** The attempt succeeded. */
  succeeded(): void;
  /** The attempt failed (called before the returned promise rejects). */
  failed(): void;
  /** The established connection closed. */
  ended(reason: string, fatal: boolean): void;
}

/** What one attempt needs. */
export interface AttemptOptions {
  readonly name: string;
  readonly log: Logger;
  readonly nick: string;
  readonly timeoutMs: number;
  /** The irc-framework options, read when the attempt starts (a missing certificate file fails it). */
  connect(): ConnectOptions;
}

/**
 * Connects `client` and resolves once registered and ready; rejects (with `fatal` set when
 * retrying is pointless) when the attempt fails.
 */
export function attemptConnection(client: Client, options: AttemptOptions, hooks: AttemptHooks): Promise<void> {
  const { name, log } = options;
  const state = new Registration(options.nick);
  let settled = false;
  return new Promise<void>((resolve, reject) => {
    const timeout = setTimeout(() => fail(new Error(`${name}: no registration within ${options.timeoutMs} ms`)), options.timeoutMs);
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      hooks.failed();
      client.connection.end(undefined, true);
      reject(error);
    };
    const succeed = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      hooks.succeeded();
      resolve();
    };
    client.connection.on('message', (line: ParsedLine) => {
      if (!hooks.isCurrent()) return;
      const next = state.nextNick(line);
      if (next !== undefined) {
        log.info({ taken: line.params[1], next }, 'nick unavailable, trying another');
        client.changeNick(next);
        return;
      }
      state.observe(line);
      hooks.line(line);
    });
    client.connection.on('decode fallback', (text: string) => {
      log.warn({ sample: text.slice(0, 80) }, 'received invalid UTF-8; decoding such lines as latin-1');
    });
    client.on('sasl failed', (event: { reason?: string; message?: string }) => {
      fail(Object.assign(new Error(`${name}: ${state.saslFailed(event)}`), { fatal: true }));
    });
    client.on('registered', () => {
      if (!hooks.isCurrent()) return;
      state.registered = true;
      hooks.registered().then(succeed, (error: unknown) => fail(error instanceof Error ? error : new Error(String(error))));
    });
    client.on('socket close', (error?: Error | false) => {
      if (!hooks.isCurrent()) return;
      const reason = error ? `${state.closeReason} (${error.message})` : state.closeReason;
      if (!settled) {
        fail(Object.assign(new Error(`${name}: ${reason}`), { fatal: state.fatal }));
        return;
      }
      hooks.ended(reason, state.fatal);
    });
    client.connect(options.connect());
  });
}

/** What the lines of one attempt told about registration and the close reason. */
class Registration {
  /** true once the server welcomed the bot. */
  registered = false;
  /** true when the close reason makes retrying pointless. */
  fatal = false;
  /** Why the connection closed, as far as the server said. */
  closeReason = 'connection closed';
  private nickAttempt = 0;
  private nickMax = FALLBACK_NICK_MAX;

  constructor(private readonly wantedNick: string) {}

  /**
   * The nick to try next when `line` refuses ours before registration; undefined for any other
   * line (which is then noted by `observe`).
   */
  nextNick(line: ParsedLine): string | undefined {
    if (this.registered || !NICK_ERRORS.has(line.command)) return undefined;
    if (line.command === '432') this.nickMax = Math.min(this.nickMax, ERRONEOUS_NICK_MAX);
    else this.nickAttempt++;
    return nickCandidate(this.wantedNick, this.nickAttempt, this.nickMax);
  }

  /** Notes a fatal numeric or an ERROR line as the reason the connection closes. */
  observe(line: ParsedLine): void {
    if (FATAL_NUMERICS.has(line.command)) {
      this.fatal = true;
      this.closeReason = `${line.command} ${line.params[line.params.length - 1] ?? ''}`.trim();
    }
    if (line.command === 'ERROR') this.closeReason = line.params[0] ?? this.closeReason;
  }

  /** Notes a refused SASL login (fatal) and returns the close reason. */
  saslFailed(event: { reason?: string; message?: string }): string {
    this.fatal = true;
    this.closeReason = `SASL failed: ${event.message ?? event.reason ?? 'unknown reason'}`;
    return this.closeReason;
  }
}
