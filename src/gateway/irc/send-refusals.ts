/**
 * The IRC server's refusals of a message already written: ERR_NOSUCHNICK (401) for a nick nobody
 * uses, ERR_NOSUCHCHANNEL (403), ERR_CANNOTSENDTOCHAN (404: moderated, banned, +n) and
 * ERR_NOTONCHANNEL (442) and the others of the relay's list (networks/irc/refused.ts) arrive after the PRIVMSG left, naming only the target, one per line.
 * Plain IRC has no label to tie them to a message and says nothing when a message goes through,
 * but a refusal comes within a round trip: it is taken as the refusal of the LAST message written
 * to that target (within WINDOW_MS), which is reported once (the framework turns that into an
 * XMPP error on the message); the other lines of that message add nothing. Two messages to one
 * target within a single round trip, the first refused: the error lands on the second (the
 * person still hears of it). Bounded: MAX_TARGETS targets.
 */

import { isSendRefusalNumeric } from '../../networks/irc/refused.js';

/** What the refusal numerics (the relay's list: networks/irc/refused.ts) mean, in words. */
const MEANINGS: Readonly<Record<string, string>> = {
  '401': 'nobody is using this nick on IRC',
  '403': 'there is no such channel on IRC',
  '404': 'the IRC channel does not let you send to it',
  '442': 'you are not in this IRC channel',
};

const MAX_TARGETS = 256;
/** How long after its write a refusal can still be a message's (a round trip, generously). */
const WINDOW_MS = 10_000;

interface Written {
  readonly report: ((reason: string) => void) | undefined;
  readonly at: number;
  reported: boolean;
}

export class SendRefusals {
  readonly #last = new Map<string, Written>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A message to `target` (case-folded) was written; `report` tells the person if the server refuses it. */
  written(target: string, report: ((reason: string) => void) | undefined): void {
    this.#last.delete(target);
    this.#last.set(target, { report, at: this.now(), reported: false });
    if (this.#last.size > MAX_TARGETS) this.#last.delete(this.#last.keys().next().value!);
  }

  /**
   * Reads a numeric naming `target` (case-folded): when it refuses the last message written to
   * it in the window, that message is reported once, with `serverText` quoted. True when it did.
   */
  refused(command: string, target: string, serverText: string): boolean {
    if (!isSendRefusalNumeric(command)) return false;
    const meaning = MEANINGS[command] ?? 'the IRC server refused this message';
    const last = this.#last.get(target);
    if (last === undefined) return false;
    if (this.now() - last.at > WINDOW_MS) {
      this.#last.delete(target);
      return false;
    }
    if (last.reported) return false;
    last.reported = true;
    const quoted = serverText.replace(/\p{Cc}/gu, ' ').trim().slice(0, 200);
    last.report?.(quoted === '' ? meaning : `${meaning} (the server says: ${quoted})`);
    return true;
  }

  /** Forgets everything (the connection ended). */
  clear(): void {
    this.#last.clear();
  }
}
