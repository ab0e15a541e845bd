/**
 * Channels that refuse our messages. IRC never acknowledges a PRIVMSG; a channel that will not
 * take it (moderated without voice, banned, `+n` while not in it, gone) answers with a numeric
 * after the line was written. The adapter records that here so that later sends to the channel
 * can be refused up front (the caller then knows the delivery failed) and the problem is logged
 * once, not once per line.
 *
 * A refusal lasts until the channel's state changes (a MODE in it, our JOIN or PART, a new
 * connection: `clear`). Changes we cannot see (e.g. services granting us a right) are covered
 * by probing: `retryAfterMs` after the last refusal one send is let through again; if the
 * channel refuses again the refusal goes on silently, and if it stays quiet for `quietAfterMs`
 * the refusal is forgotten.
 */

/** Numerics refusing a PRIVMSG/NOTICE to a channel target; params[1] is the target. */
const SEND_REFUSAL_NUMERICS: ReadonlySet<string> = new Set([
  '401', // ERR_NOSUCHNICK (ngIRCd answers so for a channel that does not exist)
  '403', // ERR_NOSUCHCHANNEL
  '404', // ERR_CANNOTSENDTOCHAN: moderated, banned, +n
  '442', // ERR_NOTONCHANNEL
  '477', // ERR_NEEDREGGEDNICK (some servers: speaking needs an account)
  '489', // ERR_SECUREONLYCHAN
]);

/** Whether `command` is a numeric that refuses a PRIVMSG/NOTICE already written (params[1]: its target). */
export function isSendRefusalNumeric(command: string): boolean {
  return SEND_REFUSAL_NUMERICS.has(command);
}

/** Why a channel refuses our messages. */
export interface SendRefusal {
  /** The channel as the server named it. */
  readonly channel: string;
  readonly numeric: string;
  /** The server's text. */
  readonly reason: string;
}

/** The refusal a numeric reply reports, or undefined when the line is not one for a channel. */
export function parseSendRefusal(
  line: { readonly command: string; readonly params: readonly string[] },
  isChannel: (name: string) => boolean,
): SendRefusal | undefined {
  const [, channel, reason] = line.params;
  if (!isSendRefusalNumeric(line.command) || channel === undefined || !isChannel(channel)) return undefined;
  return { channel, numeric: line.command, reason: reason ?? line.command };
}

export interface RefusedChannelsOptions {
  /** How long after the last refusal one send is let through again to see whether it still holds. */
  readonly retryAfterMs: number;
  /** How long a probe must go unrefused before the refusal is forgotten. */
  readonly quietAfterMs: number;
  readonly now?: () => number;
}

interface Entry {
  refusal: SendRefusal;
  /** When the next probe may go out (while not probing). */
  retryAt: number;
  /** When the current probe was let through; undefined while refusing. */
  probedAt: number | undefined;
}

/** The channels (by casefolded name) that currently refuse our messages. */
export class RefusedChannels {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly options: RefusedChannelsOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Records that channel `key` refused a message. Returns true when this starts a refusal (to be
   * logged), false when one was already known (a repeat, or a probe refused again).
   */
  refused(key: string, refusal: SendRefusal): boolean {
    const retryAt = this.now() + this.options.retryAfterMs;
    const entry = this.entries.get(key);
    if (entry) {
      Object.assign(entry, { refusal, retryAt, probedAt: undefined });
      return false;
    }
    this.entries.set(key, { refusal, retryAt, probedAt: undefined });
    return true;
  }

  /**
   * The refusal in force for channel `key`, or undefined when a send may go: none is known, it
   * is time for a probe (this call starts it), or a probe went unrefused long enough.
   */
  current(key: string): SendRefusal | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const now = this.now();
    if (entry.probedAt === undefined) {
      if (now < entry.retryAt) return entry.refusal;
      entry.probedAt = now;
      return undefined;
    }
    if (now - entry.probedAt >= this.options.quietAfterMs) this.entries.delete(key);
    return undefined;
  }

  /** Forgets channel `key`'s refusal: its state changed, so sends are tried again. */
  clear(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets every refusal (a new connection). */
  clearAll(): void {
    this.entries.clear();
  }

  /** How many channels currently have a refusal recorded. */
  get size(): number {
    return this.entries.size;
  }
}
