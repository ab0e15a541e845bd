/**
 * Account data: the per-user settings store (`api.accountData`) and the onAccountDataUpdated
 * callbacks it calls after every change.
 */
import type { Logger } from '../../core/log.js';
import type { ChannelRef } from '../../core/refs.js';
import type { KeyValueStore } from '../../core/store.js';
import { formatChannelRef } from '../../core/refs.js';
import { CategoryRegistry } from './category-registry.js';
import { runAll } from './combine.js';

/** The key-value namespace holding account data. */
export const ACCOUNT_DATA_NAMESPACE = 'account-data';

export class AccountDataCallbacks {
  readonly registry = new CategoryRegistry('accountData', 'registerAccountDataCallbacks');

  constructor(private readonly log: Logger) {}

  onAccountDataUpdated(userId: string, channel: ChannelRef | undefined, type: string, content: Readonly<Record<string, unknown>>): Promise<void> {
    return runAll({ category: 'accountData', name: 'onAccountDataUpdated', log: this.log }, this.registry.list('onAccountDataUpdated').entries, (fn) =>
      fn(userId, channel, type, content),
    );
  }
}

/**
 * Per-user settings, global or per channel, by type (e.g. `relay.nick-colour`). Values are
 * JSON objects; deleting stores `{}` (as in Matrix) and notifies the same way.
 */
export class AccountDataStore {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly callbacks: AccountDataCallbacks,
  ) {}

  /** The stored content, or undefined when never set. */
  get(userId: string, type: string, channel?: ChannelRef): Promise<Record<string, unknown> | undefined> {
    return this.kv.get<Record<string, unknown>>(accountDataKey(userId, type, channel));
  }

  /** Stores `content`, then runs every onAccountDataUpdated callback in module order. */
  async set(userId: string, type: string, content: Readonly<Record<string, unknown>>, channel?: ChannelRef): Promise<void> {
    if (typeof content !== 'object' || content === null || Array.isArray(content)) {
      throw new TypeError(`account data ${type} for ${userId}: the content must be a JSON object`);
    }
    await this.kv.set(accountDataKey(userId, type, channel), content);
    await this.callbacks.onAccountDataUpdated(userId, channel, type, content);
  }

  /** Replaces the content with `{}` and notifies, like Matrix does for deletions. */
  delete(userId: string, type: string, channel?: ChannelRef): Promise<void> {
    return this.set(userId, type, {}, channel);
  }
}

/** The JSON of `[user, channel or "", type]`: unambiguous whatever the ids contain. */
function accountDataKey(userId: string, type: string, channel?: ChannelRef): string {
  for (const [what, value] of [['user id', userId], ['type', type]] as const) {
    if (typeof value !== 'string' || value === '') throw new TypeError(`account data: the ${what} must be a non-empty string`);
  }
  return JSON.stringify([userId, channel ? formatChannelRef(channel) : '', type]);
}
