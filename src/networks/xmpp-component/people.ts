/**
 * What the component knows of remote people's presence: the relay tells it
 * (`Network.presence`) for everyone in a bridged room; whoever it was not told about, or who
 * went offline, is unavailable. Keyed by the puppet's bare JID; bounded (the oldest entry goes
 * first past {@link MAX_PEOPLE}, which the relay tells again at its next change).
 */
import type { PresenceArgs } from '../../core/catalog.js';
import type { UserRef } from '../../core/refs.js';
import { puppetLocalpart } from './puppet-jid.js';

/** Most people whose state is kept. */
export const MAX_PEOPLE = 100_000;

/** A person's last known presence. */
export interface PersonState {
  readonly user: UserRef;
  readonly state: PresenceArgs['state'];
  readonly status?: string;
}

/** The bare JID of a person's puppet on `domain`; undefined when their id is too long for a JID. */
export function puppetBareJid(user: UserRef, domain: string): string | undefined {
  const local = puppetLocalpart({ network: user.network, userId: user.id });
  return local === undefined ? undefined : `${local}@${domain}`;
}

export class People {
  private readonly known = new Map<string, PersonState>();

  constructor(private readonly domain: string, private readonly max = MAX_PEOPLE) {}

  /** Notes `update`; returns the puppet's bare JID, or undefined when the person can have none. */
  update(update: PresenceArgs): string | undefined {
    const bare = puppetBareJid(update.user, this.domain);
    if (bare === undefined) return undefined;
    this.known.delete(bare);
    if (update.state !== 'offline') {
      this.known.set(bare, { user: update.user, state: update.state, ...(update.status === undefined ? {} : { status: update.status }) });
      if (this.known.size > this.max) {
        const oldest = this.known.keys().next().value;
        if (oldest !== undefined) this.known.delete(oldest);
      }
    }
    return bare;
  }

  /** The person behind the puppet `bare` as last told, undefined when unavailable (or never told). */
  get(bare: string): PersonState | undefined {
    return this.known.get(bare);
  }

  /** Everyone available or away now, by puppet bare JID. */
  entries(): IterableIterator<[string, PersonState]> {
    return this.known.entries();
  }
}
