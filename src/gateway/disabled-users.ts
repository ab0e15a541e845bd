/**
 * The people an administrator disabled (the `disable-user` command), kept in the gateway
 * network's key-value store under `disabled:<jid>`: apart from the account, so unregistering and
 * registering again does not lift it. A disabled person is logged out and not logged in again
 * (nor registered) until enabled.
 */
import type { KeyValueStore } from '../core/store.js';

const PREFIX = 'disabled:';

/** Who disabled someone, and when. */
export interface DisabledEntry {
  readonly by: string;
  readonly at: number;
}

export class DisabledUsers {
  constructor(
    private readonly store: KeyValueStore,
    private readonly now: () => number = Date.now,
  ) {}

  async isDisabled(jid: string): Promise<boolean> {
    return (await this.store.get(PREFIX + jid)) !== undefined;
  }

  /** Disables `jid` (by the admin `by`); false when they already were. */
  async disable(jid: string, by: string): Promise<boolean> {
    if (await this.isDisabled(jid)) return false;
    await this.store.set(PREFIX + jid, { by, at: this.now() } satisfies DisabledEntry);
    return true;
  }

  /** Enables `jid` again; false when they were not disabled. */
  enable(jid: string): Promise<boolean> {
    return this.store.delete(PREFIX + jid);
  }
}
