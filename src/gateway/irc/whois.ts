/**
 * WHOIS lookups of one IRC session (search and vCards), matched to the server's replies by the
 * casefolded nick: RPL_WHOISUSER (311) gives the user, RPL_WHOISSERVER (312) its server,
 * RPL_WHOISACCOUNT (330) its services account, RPL_ENDOFWHOIS (318) or ERR_NOSUCHNICK (401) ends
 * the lookup. Bounded: a few lookups at once, each with a timeout; concurrent lookups of the same
 * nick share one WHOIS. Replies nobody asked for are ignored.
 */
import { LegacyRefusal, type ContactProfile } from '../api.js';

/** What RPL_WHOISUSER tells of a user. */
export interface WhoisUser {
  readonly nick: string;
  readonly user: string;
  readonly host: string;
  readonly realname: string;
  /** The server it is connected to (RPL_WHOISSERVER). */
  readonly server?: string;
  /** The services account it is logged in as (RPL_WHOISACCOUNT). */
  readonly account?: string;
}

/** The replies beyond RPL_WHOISUSER that a lookup keeps. */
export type WhoisDetail = 'server' | 'account';

/** Most lookups waiting at once per session. */
const MAX_PENDING = 4;
/** How long a lookup waits for the server's answer. */
const TIMEOUT_MS = 10_000;
/** The longest field kept from a reply (characters). */
const MAX_FIELD = 200;

interface Pending {
  found: WhoisUser | undefined;
  readonly details: Partial<Record<WhoisDetail, string>>;
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
    if (this.#pending.size >= MAX_PENDING) return Promise.reject(new LegacyRefusal('too many searches and vCard requests under way; try again in a moment', 'remote-server-timeout'));
    let settle!: (error: Error | undefined) => void;
    const promise = new Promise<WhoisUser | undefined>((resolve, reject) => {
      const timer = setTimeout(() => settle(new LegacyRefusal('the IRC server did not answer the WHOIS (search or vCard) in time', 'remote-server-timeout')), this.timeoutMs);
      settle = (error) => {
        clearTimeout(timer);
        if (this.#pending.get(key) === entry) this.#pending.delete(key);
        if (error === undefined) resolve(entry.found === undefined ? undefined : { ...entry.found, ...entry.details });
        else reject(error);
      };
    });
    const entry: Pending = { found: undefined, details: {}, promise, settle: (error) => settle(error) };
    this.#pending.set(key, entry);
    send();
    return promise;
  }

  /** RPL_WHOISUSER for `key`. */
  user(key: string, user: WhoisUser): void {
    const entry = this.#pending.get(key);
    if (entry === undefined) return;
    entry.found = { nick: capField(user.nick), user: capField(user.user), host: capField(user.host), realname: capField(user.realname) };
  }

  /** RPL_WHOISSERVER or RPL_WHOISACCOUNT for `key` (the first of each counts). */
  detail(key: string, detail: WhoisDetail, value: string): void {
    const entry = this.#pending.get(key);
    if (entry === undefined || entry.details[detail] !== undefined) return;
    entry.details[detail] = capField(value);
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

/** A WHOIS as a vCard: the real name, the nick, and user@host, server and account as notes. */
export function whoisProfile(user: WhoisUser): ContactProfile {
  const note = [
    `IRC user: ${user.user}@${user.host}`,
    ...(user.server === undefined || user.server === '' ? [] : [`Server: ${user.server}`]),
    ...(user.account === undefined || user.account === '' ? [] : [`Logged in as: ${user.account}`]),
  ].join('\n');
  return { nickname: user.nick, ...(user.realname === '' ? {} : { fullName: user.realname }), note };
}

/** `text` without control characters, at most MAX_FIELD characters (a field of a server's reply). */
export function capField(text: string): string {
  return text.replace(/\p{Cc}/gu, '').slice(0, MAX_FIELD);
}
