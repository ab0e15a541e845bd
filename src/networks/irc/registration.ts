/**
 * One connection attempt of the bot up to registration: a fallback nick when the configured one
 * is refused (nick.ts), and why the connection closed (an ERROR line, a numeric that makes
 * retrying pointless: FATAL_NUMERICS).
 */
import type { ParsedLine } from 'irc-framework';
import { nickCandidate } from './nick.js';
import { FATAL_NUMERICS, NICK_ERRORS } from './protocol.js';

/** The most characters a fallback nick may have before the server states its NICKLEN. */
const FALLBACK_NICK_MAX = 30;
/** The most characters after an erroneous-nick reply (432): RFC 1459's nick length. */
const ERRONEOUS_NICK_MAX = 9;

export class Registration {
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

  /** Notes a refused SASL login: fatal. */
  saslFailed(event: { reason?: string; message?: string }): string {
    this.fatal = true;
    this.closeReason = `SASL failed: ${event.message ?? event.reason ?? 'unknown reason'}`;
    return this.closeReason;
  }
}
