/**
 * A gateway without servers, for unit tests: a link that records what the gateway sends (and
 * answers its requests as told), a scripted legacy network, accounts in memory; alice is
 * registered and logged in.
 */
import { randomBytes } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import { silentLogger } from '../../src/core/log.js';
import { ALLOW_ALL_ACCOUNT_HOOKS } from '../../src/core/account-hooks.js';
import type { GatewayAccount, GatewayAccountStore } from '../../src/core/store.js';
import { SecretBox } from '../../src/store/secret-box.js';
import { Accounts } from '../../src/gateway/accounts.js';
import type { GatewaySettings, LegacyNetwork, LegacySession, SessionEvents } from '../../src/gateway/api.js';
import { DisabledUsers } from '../../src/gateway/disabled-users.js';
import { WatchedContacts } from '../../src/gateway/watched-contacts.js';
import { KeptRooms } from '../../src/gateway/kept-rooms.js';
import { MemoryStore } from '../support/memory-store.js';
import { Gateway } from '../../src/gateway/gateway.js';
import { LoginPacer } from '../../src/gateway/login-pacer.js';
import type { ComponentLink } from '../../src/gateway/link.js';
import { waitFor } from '../support/wait.js';

/** The gateway domain of the fixture. */
export const DOMAIN = 'gw.example.org';
export const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

export class MemoryAccounts implements GatewayAccountStore {
  readonly rows = new Map<string, GatewayAccount>();
  async get(jid: string) {
    return this.rows.get(jid);
  }
  async all() {
    return [...this.rows.values()];
  }
  async put(account: GatewayAccount) {
    this.rows.set(account.jid, account);
  }
  async remove(jid: string) {
    return this.rows.delete(jid);
  }
}

/** A link that records what the gateway sends; `answer` answers its IQ requests (default: none). */
export class RecordingLink implements ComponentLink {
  readonly domain = DOMAIN;
  readonly sent: Element[] = [];
  readonly requests: Element[] = [];
  answer: (iq: Element) => Element | undefined = () => undefined;
  send(stanza: Element): void {
    this.sent.push(stanza);
  }
  async request(iq: Element): Promise<Element> {
    this.requests.push(iq);
    const result = this.answer(iq);
    if (result === undefined) throw new Error('no answer in this test');
    return result;
  }
}

/** A gateway over `create`'s sessions (and `more` settings) with alice logged in; `reply` handles a stanza and waits for a match. */
export async function setupGateway<S extends LegacySession>(create: (events: SessionEvents) => S, more: Partial<GatewaySettings> = {}) {
  const store = new MemoryAccounts();
  const box = new SecretBox(randomBytes(32));
  const sessions: S[] = [];
  const legacy: LegacyNetwork = {
    settings: { name: 'Test gateway', identityType: 'test', registrationType: 'single-step-form', registrationFields: [{ var: 'nick', label: 'Nick', type: 'text-single', required: true }], registrationInstructions: 'hi', welcomeMessage: 'welcome', preferences: [], searchFields: [], searchColumns: [], groups: false, ...more },
    validate: async (_jid, form) => ({ data: { nick: form.nick } }),
    createSession: (_user, events) => {
      const session = create(events);
      sessions.push(session);
      return session;
    },
  };
  await store.put({ jid: 'alice@example.org', data: { nick: 'alice' }, sealedSecret: '', preferences: {}, registeredAt: 1 });
  const gateway = new Gateway({
    domain: DOMAIN, network: 'gw', log: silentLogger(), legacy, accounts: new Accounts(store, box), hooks: ALLOW_ALL_ACCOUNT_HOOKS,
    pacer: new LoginPacer(0), retry: { initialDelayMs: 10, maxDelayMs: 10, factor: 1, jitter: 0, stableAfterMs: 10 },
    loginTimeoutMs: 1000, maxContacts: 10, maxBodyChars: 100, maxConcurrentRegistrations: 2, allowedDomains: [],
    admins: [], disabled: new DisabledUsers(new MemoryStore()), watched: new WatchedContacts(new MemoryStore(), silentLogger()), rooms: new KeptRooms(new MemoryStore(), silentLogger()), stepTimeoutMs: 5000,
  });
  const link = new RecordingLink();
  await gateway.attach(link);
  await waitFor(() => (gateway.sessions().get('alice@example.org')?.ready === true ? true : undefined), { timeoutMs: 2000, what: 'alice logged in' });
  const reply = async (stanza: Element, match: (el: Element) => boolean): Promise<Element> => {
    gateway.handle(stanza);
    return waitFor(() => link.sent.find(match), { timeoutMs: 2000, what: `a reply to ${stanza.toString()}` });
  };
  return { gateway, link, sessions, reply };
}

/** The condition of an error stanza. */
export function conditionOf(el: Element): string | undefined {
  return el.getChild('error')?.children.find((c): c is Element => typeof c !== 'string' && c.attrs.xmlns === NS_STANZAS && c.name !== 'text')?.name;
}

