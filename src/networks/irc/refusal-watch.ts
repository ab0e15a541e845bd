/**
 * Channels that answer our messages with a refusal (+m without voice, a ban, ...): spotted in
 * the server's lines, logged once per refusal, and sends to such a channel rejected until its
 * modes change, the bot rejoins or a later probe goes unrefused (refused.ts).
 */
import type { Logger } from '../../core/log.js';
import { SendRefusedError } from '../../core/network.js';
import type { ParsedLine } from 'irc-framework';
import type { ServerSupport } from './isupport.js';
import { parseSendRefusal, RefusedChannels } from './refused.js';

/** How long after a channel refused a message one send is let through again (refused.ts). */
const REFUSAL_RETRY_MS = 60_000;
/** How long such a probe must go unrefused before the channel counts as taking messages again. */
const REFUSAL_QUIET_MS = 30_000;

/** What the watch needs from the adapter. */
export interface RefusalWatchDeps {
  readonly name: string;
  readonly log: Logger;
  /** The current connection's view of the server. */
  support(): ServerSupport;
  /** true while a JOIN of the channel (casefolded) waits for its answer: its refusals answer the JOIN. */
  isJoinPending(folded: string): boolean;
}

/** Which channels currently refuse the bot's messages, kept from the server's replies. */
export class RefusalWatch {
  private readonly refusals = new RefusedChannels({ retryAfterMs: REFUSAL_RETRY_MS, quietAfterMs: REFUSAL_QUIET_MS });

  constructor(private readonly deps: RefusalWatchDeps) {}

  /**
   * Keeps the refusals up to date: a refusal numeric for a channel (not an answer to a JOIN
   * under way) records it, logged once per refusal; a MODE in the channel may have lifted it.
   */
  observe(line: ParsedLine): void {
    const support = this.deps.support();
    if (line.command === 'MODE' && line.params[0] && support.isChannel(line.params[0])) {
      this.refusals.clear(support.fold(line.params[0]));
      return;
    }
    const refusal = parseSendRefusal(line, (name) => support.isChannel(name));
    if (!refusal) return;
    const key = support.fold(refusal.channel);
    if (this.deps.isJoinPending(key)) return;
    if (this.refusals.refused(key, refusal)) {
      this.deps.log.warn({ channel: refusal.channel, numeric: refusal.numeric, reason: refusal.reason },
        'channel refuses our messages; sends to it fail until its modes change or the bot rejoins');
    }
  }

  /** Throws SendRefusedError when channel `name` currently refuses our messages. */
  check(name: string): void {
    const refusal = this.refusals.current(this.deps.support().fold(name));
    if (refusal) throw new SendRefusedError(`${this.deps.name}: ${refusal.channel} refuses our messages: ${refusal.reason} (${refusal.numeric})`);
  }

  /** Forgets channel `name`'s refusal (the bot joined or left it). */
  clear(name: string): void {
    this.refusals.clear(this.deps.support().fold(name));
  }

  /** Forgets every refusal (a new connection). */
  clearAll(): void {
    this.refusals.clearAll();
  }
}
