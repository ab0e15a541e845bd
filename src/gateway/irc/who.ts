/**
 * Searches by pattern (`car*`, `?ob`) of one IRC session: one `WHO <mask>` at a time, its
 * RPL_WHOREPLY (352) lines collected until RPL_ENDOFWHO (315) for the same mask. Bounded: one
 * search under way per session, at most MAX_RESULTS users kept, an answer within the timeout or a
 * refusal. The server decides what a mask matches (nick, user, host, real name) and hides
 * invisible users who share no channel with the person.
 */
import { LegacyRefusal } from '../api.js';
import { capField as cap, type WhoisUser } from './whois.js';

/** Most users one search keeps. */
export const MAX_WHO_RESULTS = 50;
/** How long a search waits for the server's end of list. */
const TIMEOUT_MS = 10_000;
/** A WHO mask we send: nick characters and the wildcards `*` `?`, with at least one non-wildcard. */
const MASK = /^(?=.*[^*?])[A-Za-z0-9[\]\\`_^{|}\-*?]{1,32}$/;

/** True when `text` asks for a pattern search (holds a wildcard). */
export function isWhoPattern(text: string): boolean {
  return text.includes('*') || text.includes('?');
}

interface Pending {
  readonly mask: string;
  readonly found: WhoisUser[];
  readonly settle: (error: Error | undefined) => void;
}

export class WhoSearches {
  #pending: Pending | undefined;

  constructor(private readonly timeoutMs = TIMEOUT_MS) {}

  /** The users matching `mask`; `send` sends the WHO. Refused for a bad mask or while one runs. */
  search(mask: string, send: (mask: string) => void): Promise<WhoisUser[]> {
    if (!MASK.test(mask)) return Promise.reject(new LegacyRefusal(`"${mask.slice(0, 40)}" is not a nick pattern (letters, digits, IRC nick characters, * and ?; not only wildcards)`, 'bad-request'));
    if (this.#pending !== undefined) return Promise.reject(new LegacyRefusal('a pattern search is under way; try again in a moment', 'remote-server-timeout'));
    return new Promise<WhoisUser[]>((resolve, reject) => {
      const timer = setTimeout(() => entry.settle(new LegacyRefusal('the IRC server did not answer the search (WHO) in time', 'remote-server-timeout')), this.timeoutMs);
      const entry: Pending = {
        mask,
        found: [],
        settle: (error) => {
          clearTimeout(timer);
          if (this.#pending === entry) this.#pending = undefined;
          if (error === undefined) resolve(entry.found);
          else reject(error);
        },
      };
      this.#pending = entry;
      send(mask);
    });
  }

  /** RPL_WHOREPLY: one user (kept while a search runs, up to MAX_WHO_RESULTS). */
  reply(user: WhoisUser): void {
    const entry = this.#pending;
    if (entry === undefined || entry.found.length >= MAX_WHO_RESULTS) return;
    if (entry.found.some((known) => known.nick === user.nick)) return; // one line per shared channel
    entry.found.push({ nick: cap(user.nick), user: cap(user.user), host: cap(user.host), realname: cap(user.realname) });
  }

  /** RPL_ENDOFWHO for `mask`: the search under way for it is complete. */
  end(mask: string): void {
    if (this.#pending?.mask.toLowerCase() === mask.toLowerCase()) this.#pending.settle(undefined);
  }

  /** The connection is gone: the search under way is refused. */
  cancel(): void {
    this.#pending?.settle(new LegacyRefusal('not connected to IRC right now', 'remote-server-timeout'));
  }
}

/** The real name of an RPL_WHOREPLY's last parameter (`<hopcount> <real name>`). */
export function whoReplyRealname(last: string): string {
  const space = last.indexOf(' ');
  return space < 0 ? '' : last.slice(space + 1);
}

