/**
 * The `contacts` commands' view of a session's roster, pure: the contacts listed (most recently
 * used first, bounded) with their presence in words, and the pace of `sync` (one per person per
 * interval, since each sync sends two stanzas per contact through the shared component link).
 */
import type { ContactShow } from './api.js';
import type { Contact, Roster } from './contacts.js';

/** Most contacts one `contacts` lists or one `sync` announces. */
export const MAX_LISTED_CONTACTS = 1000;
/** How often one person may sync their contacts. */
export const SYNC_INTERVAL_MS = 60_000;

/** One contact as the list shows it. */
export interface ContactListing {
  readonly jid: string;
  readonly name: string;
  /** "online", "away (lunch)", "offline", … */
  readonly presence: string;
}

const SHOW_WORDS: Record<ContactShow, string> = { online: 'online', away: 'away', busy: 'busy', offline: 'offline' };

/** A contact's presence in words, with its status text when it has one. */
export function describePresence(show: ContactShow, status: string | undefined): string {
  const text = status?.replace(/\p{Cc}/gu, ' ').trim().slice(0, 200);
  return text === undefined || text === '' ? SHOW_WORDS[show] : `${SHOW_WORDS[show]} (${text})`;
}

/** The roster's contacts, most recently used first, at most `max`. */
export function recentContacts(roster: Roster, max: number = MAX_LISTED_CONTACTS): Contact[] {
  return [...roster.all()].reverse().slice(0, max);
}

/** The listing of `contacts`. */
export function listContacts(contacts: readonly Contact[]): ContactListing[] {
  return contacts.map((c) => ({ jid: c.jid, name: c.name, presence: describePresence(c.show, c.status) }));
}

/** One sync per person per `intervalMs`; `wait` says how long until the next is allowed (0: now, and it is counted). */
export class SyncPacer {
  readonly #last = new Map<string, number>();

  constructor(
    private readonly intervalMs: number = SYNC_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** 0 when `jid` may sync now (and records it), else the milliseconds to wait. */
  wait(jid: string): number {
    const now = this.now();
    for (const [who, at] of this.#last) if (now - at >= this.intervalMs) this.#last.delete(who);
    const last = this.#last.get(jid);
    if (last !== undefined) return this.intervalMs - (now - last);
    this.#last.set(jid, now);
    return 0;
  }
}
