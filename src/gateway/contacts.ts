/**
 * A session's contacts (slidge's LegacyRoster): one entry per contact key, each with a stable
 * JID on the gateway domain. The JID's localpart is the key escaped as XEP-0106 does (with the
 * capital and non-ASCII escapes of puppet-jid.ts, so the mapping survives the server's case
 * folding); the reverse is exact. Bounded: past `maxContacts`, the longest unused is forgotten
 * (it comes back, with the same JID, when it speaks again).
 */
import { escapePart, MAX_LOCALPART_BYTES, unescapePart } from '../networks/xmpp-component/puppet-jid.js';
import type { ContactShow } from './api.js';

/** The JID localpart of a contact key; undefined when too long for a JID. */
export function contactLocalpart(key: string): string | undefined {
  if (key === '') return undefined;
  const local = escapePart(key);
  return Buffer.byteLength(local, 'utf8') <= MAX_LOCALPART_BYTES ? local : undefined;
}

/** The contact key of a localpart; undefined when no key maps to it. */
export function contactKeyOf(localpart: string): string | undefined {
  const key = unescapePart(localpart);
  return key === undefined || key === '' ? undefined : key;
}

/** One contact as the gateway shows it. */
export interface Contact {
  /** The canonical legacy id (see LegacySession.contactKey). */
  readonly key: string;
  /** The bare JID on the gateway domain. */
  readonly jid: string;
  /** The name shown (the legacy id as last seen). */
  name: string;
  show: ContactShow;
  status: string | undefined;
  /** The person asked for this contact's presence (subscribed, or chatted). */
  watched: boolean;
}

/** The contacts of one session. */
export class Roster {
  readonly #contacts = new Map<string, Contact>();

  constructor(
    private readonly domain: string,
    private readonly maxContacts: number,
  ) {}

  /** The contact for `key` (created when new); undefined when `key` cannot be a JID. */
  byKey(key: string, name: string = key): Contact | undefined {
    const known = this.#contacts.get(key);
    if (known !== undefined) {
      this.#contacts.delete(key);
      this.#contacts.set(key, known); // most recently used last
      return known;
    }
    const local = contactLocalpart(key);
    if (local === undefined) return undefined;
    const contact: Contact = { key, jid: `${local}@${this.domain}`, name, show: 'offline', status: undefined, watched: false };
    this.#contacts.set(key, contact);
    if (this.#contacts.size > this.maxContacts) {
      const oldest = this.#contacts.keys().next().value;
      if (oldest !== undefined) this.#contacts.delete(oldest);
    }
    return contact;
  }

  /** The contact already known under `key`. */
  known(key: string): Contact | undefined {
    return this.#contacts.get(key);
  }

  /** Every known contact. */
  all(): IterableIterator<Contact> {
    return this.#contacts.values();
  }
}
