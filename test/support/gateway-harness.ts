/**
 * A gateway without servers, for unit tests: accounts in memory (one registered person,
 * alice@example.org), a link that records what the gateway sends, and the given legacy network.
 * Resolves once alice's session is logged in.
 */
import { randomBytes } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import { ALLOW_ALL_ACCOUNT_HOOKS } from '../../src/core/account-hooks.js';
import { silentLogger } from '../../src/core/log.js';
import type { GatewayAccount, GatewayAccountStore } from '../../src/core/store.js';
import { Accounts } from '../../src/gateway/accounts.js';
import type { LegacyNetwork } from '../../src/gateway/api.js';
import { DisabledUsers } from '../../src/gateway/disabled-users.js';
import { Gateway } from '../../src/gateway/gateway.js';
import type { ComponentLink } from '../../src/gateway/link.js';
import { LoginPacer } from '../../src/gateway/login-pacer.js';
import { WatchedContacts } from '../../src/gateway/watched-contacts.js';
import { KeptRooms } from '../../src/gateway/kept-rooms.js';
import { SecretBox } from '../../src/store/secret-box.js';
import { MemoryStore } from './memory-store.js';
import { waitFor } from './wait.js';

/** The registered person. */
export const ALICE = 'alice@example.org';

/** Gateway accounts kept in memory. */
export class MemoryGatewayAccounts implements GatewayAccountStore {
  readonly rows = new Map<string, GatewayAccount>();
  async get(jid: string): Promise<GatewayAccount | undefined> {
    return this.rows.get(jid);
  }
  async all(): Promise<GatewayAccount[]> {
    return [...this.rows.values()];
  }
  async put(account: GatewayAccount): Promise<void> {
    this.rows.set(account.jid, account);
  }
  async remove(jid: string): Promise<boolean> {
    return this.rows.delete(jid);
  }
}

/** A component link that records what the gateway sends. */
export class RecordingLink implements ComponentLink {
  readonly sent: Element[] = [];
  constructor(readonly domain: string) {}
  send(stanza: Element): void {
    this.sent.push(stanza);
  }
  request(): Promise<Element> {
    return Promise.reject(new Error('no requests in this test'));
  }
}

/** A gateway on `domain` for `legacy`, with alice registered and logged in. */
export async function startTestGateway(domain: string, legacy: LegacyNetwork): Promise<{ gateway: Gateway; link: RecordingLink }> {
  const store = new MemoryGatewayAccounts();
  await store.put({ jid: ALICE, data: { nick: 'alice' }, sealedSecret: '', preferences: {}, registeredAt: 1 });
  const gateway = new Gateway({
    domain, network: 'gw', log: silentLogger(), legacy, accounts: new Accounts(store, new SecretBox(randomBytes(32))), hooks: ALLOW_ALL_ACCOUNT_HOOKS,
    pacer: new LoginPacer(0), retry: { initialDelayMs: 10, maxDelayMs: 10, factor: 1, jitter: 0, stableAfterMs: 10 },
    loginTimeoutMs: 1000, maxContacts: 10, maxBodyChars: 100, maxConcurrentRegistrations: 2, allowedDomains: [],
    admins: [], disabled: new DisabledUsers(new MemoryStore()), watched: new WatchedContacts(new MemoryStore(), silentLogger()), rooms: new KeptRooms(new MemoryStore(), silentLogger()), stepTimeoutMs: 5000,
  });
  const link = new RecordingLink(domain);
  await gateway.attach(link);
  await waitFor(() => (gateway.sessions().get(ALICE)?.ready === true ? true : undefined), { timeoutMs: 2000, what: 'alice logged in' });
  return { gateway, link };
}
