/**
 * The registered people of one gateway: the hub's {@link GatewayAccountStore} with the
 * credentials sealed on the way in and opened on the way out (secret-box.ts). The sealed value
 * is bound to the person's JID; a value that does not open (another key) is reported, never
 * guessed at, and the person is asked to register again.
 */
import type { GatewayAccountStore } from '../core/store.js';
import type { SecretBox } from '../store/secret-box.js';
import type { GatewayUser, Registration } from './api.js';

export class Accounts {
  constructor(
    private readonly store: GatewayAccountStore,
    private readonly box: SecretBox,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores (or replaces) `jid`'s registration, keeping their preferences. */
  async register(jid: string, registration: Registration): Promise<GatewayUser> {
    const previous = await this.store.get(jid);
    const preferences = previous?.preferences ?? {};
    const sealedSecret = registration.secret === undefined || registration.secret === '' ? '' : this.box.seal(registration.secret, jid);
    await this.store.put({ jid, data: registration.data, sealedSecret, preferences, registeredAt: previous?.registeredAt ?? this.now() });
    return { jid, data: registration.data, secret: registration.secret, preferences };
  }

  /** Replaces `jid`'s preferences; false when they are not registered. */
  async setPreferences(jid: string, preferences: Readonly<Record<string, string>>): Promise<boolean> {
    const account = await this.store.get(jid);
    if (account === undefined) return false;
    await this.store.put({ ...account, preferences });
    return true;
  }

  /** `jid`'s preferences as text values (what the preferences form shows). */
  async preferences(jid: string): Promise<Record<string, string>> {
    const account = await this.store.get(jid);
    return Object.fromEntries(Object.entries(account?.preferences ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }

  /** Whether `jid` is registered. */
  async has(jid: string): Promise<boolean> {
    return (await this.store.get(jid)) !== undefined;
  }

  /** `jid`'s account with the credentials opened; throws when they do not open. */
  async user(jid: string): Promise<GatewayUser | undefined> {
    const account = await this.store.get(jid);
    if (account === undefined) return undefined;
    return { jid, data: account.data, secret: account.sealedSecret === '' ? undefined : this.box.open(account.sealedSecret, jid), preferences: account.preferences };
  }

  /** Every account's JID and non-secret data (credentials stay sealed). */
  async list(): Promise<Array<{ readonly jid: string; readonly data: Readonly<Record<string, unknown>> }>> {
    return (await this.store.all()).map((a) => ({ jid: a.jid, data: a.data }));
  }

  /** Every registered JID. */
  async jids(): Promise<string[]> {
    return (await this.store.all()).map((a) => a.jid);
  }

  /** Removes `jid` and their credentials; true when they were registered. */
  remove(jid: string): Promise<boolean> {
    return this.store.remove(jid);
  }
}
