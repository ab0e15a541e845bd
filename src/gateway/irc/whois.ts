/**
 * WHOIS lookups of one IRC session, matched to the server's replies by the casefolded nick:
 * RPL_WHOISUSER (311) gives the user, RPL_ENDOFWHOIS (318) or ERR_NOSUCHNICK (401) ends the
 * lookup. Bounded: a few lookups at once, each with a timeout; concurrent lookups of the same
 * nick share one WHOIS. Replies nobody asked for are ignored.
 */
import { LegacyRefusal } from '../api.js';

/** What RPL_WHOISUSER tells of a user. */
export interface WhoisUser {
  readonly nick: string;
  readonly user: string;
  readonly host: string;
  readonly realname: string;
}

/** Most lookups waiting at once per session. */
const MAX_PENDING = 4;
/** How long a lookup waits for the server's answer. */
const TIMEOUT_MS = 10_000;
/** The longest field kept from a reply (characters). */
const MAX_FIELD = 200;

interface Pending {
  found: WhoisUser | undefined;
  readonly promise: Promise<WhoisUser | undefined>;
  readonly settle: (error: Error | undefined) => void;
}

export class WhoisLookups {
  readonly #pending = new Map<string, Pending>();

  constructor(private readonly timeoutMs = TIMEOUT_MS) {}

  /** The user under `key` (undefined: no such nick); `send` sends the WHOIS when none is under way. */
  lookup(key: string, send: () => void): Promise<WhoisUser | undefined> {
    const known = this.#pending.get(key);
    if (known !== undefined) return known.promise;
    if (this.#pending.size >= MAX_PENDING) return Promise.reject(new LegacyRefusal('too many searches under way; try again in a moment', 'remote-server-timeout'));
    let settle!: (error: Error | undefined) => void;
    const promise = new Promise<WhoisUser | undefined>((resolve, reject) => {
      const timer = setTimeout(() => settle(new LegacyRefusal('the IRC server did not answer the search in time', 'remote-server-timeout')), this.timeoutMs);
      settle = (error) => {
        clearTimeout(timer);
        if (this.#pending.get(key) === entry) this.#pending.delete(key);
        if (error === undefined) resolve(entry.found);
        else reject(error);
      };
    });
    const entry: Pending = { found: undefined, promise, settle: (error) => settle(error) };
    this.#pending.set(key, entry);
    send();
    return promise;
  }

  /** RPL_WHOISUSER for `key`. */
  user(key: string, user: WhoisUser): void {
    const entry = this.#pending.get(key);
    if (entry === undefined) return;
    entry.found = { nick: cap(user.nick), user: cap(user.user), host: cap(user.host), realname: cap(user.realname) };
  }

  /** The end of the replies for `key` (found or not). */
  end(key: string): void {
    this.#pending.get(key)?.settle(undefined);
  }

  /** The connection is gone: every lookup is refused. */
  cancel(): void {
    for (const entry of [...this.#pending.values()]) entry.settle(new LegacyRefusal('not connected to IRC right now', 'remote-server-timeout'));
  }
}

function cap(text: string): string {
  return text.replace(/\p{Cc}/gu, '').slice(0, MAX_FIELD);
}
