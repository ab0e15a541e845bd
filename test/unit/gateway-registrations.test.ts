/**
 * Registering without servers: a legacy network whose checks are scripted, accounts in memory.
 * Who may register (allowedDomains), how many checks run at once, the module hooks' refusals,
 * and sealed credentials removed on unregister.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { silentLogger } from '../../src/core/log.js';
import { ALLOW_ALL_ACCOUNT_HOOKS, type AccountHooks } from '../../src/core/account-hooks.js';
import { SecretBox } from '../../src/store/secret-box.js';
import { Accounts } from '../../src/gateway/accounts.js';
import { LegacyRefusal, type LegacyNetwork } from '../../src/gateway/api.js';
import { Registrations } from '../../src/gateway/registrations.js';
import { MemoryAccounts } from './gateway-fixture.js';


/** A legacy network whose validate waits until `release()` (or refuses a nick "bad"). */
function scriptedLegacy(): { legacy: LegacyNetwork; release(): void } {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const legacy = {
    settings: { name: 'gw', identityType: 'irc', registrationType: 'single-step-form', registrationFields: [], registrationInstructions: '', welcomeMessage: '', preferences: [], searchFields: [], searchColumns: [], groups: false },
    async validate(_jid: string, form: Readonly<Record<string, string>>) {
      if (form.nick === 'bad') throw new LegacyRefusal('wrong password', 'not-authorized');
      await gate;
      return { data: { nick: form.nick }, secret: 'hunter2' };
    },
    createSession: () => {
      throw new Error('not used');
    },
  } satisfies LegacyNetwork;
  return { legacy, release: () => release() };
}

function setup(options: { allowedDomains?: string[]; maxConcurrent?: number; hooks?: AccountHooks } = {}) {
  const store = new MemoryAccounts();
  const { legacy, release } = scriptedLegacy();
  const events: string[] = [];
  const registrations = new Registrations({
    log: silentLogger(),
    legacy,
    accounts: new Accounts(store, new SecretBox(randomBytes(32))),
    hooks: options.hooks ?? ALLOW_ALL_ACCOUNT_HOOKS,
    validateTimeoutMs: 5000,
    maxConcurrent: options.maxConcurrent ?? 8,
    allowedDomains: options.allowedDomains ?? [],
    suspend: async () => async () => undefined,
    registered: async (jid) => void events.push(`registered ${jid}`),
    unregistered: async (jid) => void events.push(`unregistered ${jid}`),
    stepTimeoutMs: 5000,
    tell: () => undefined,
  });
  return { store, registrations, release, events };
}

describe('gateway registrations', () => {
  it('stores the credentials sealed and removes them on unregister', async () => {
    const { store, registrations, release, events } = setup();
    release();
    await registrations.register('a@example.org', { nick: 'alice' });
    const row = store.rows.get('a@example.org');
    assert.ok(row?.sealedSecret.startsWith('v1.') && !row.sealedSecret.includes('hunter2'));
    assert.equal(await registrations.unregister('a@example.org'), true);
    assert.equal(store.rows.size, 0);
    assert.equal(await registrations.unregister('a@example.org'), false);
    assert.deepEqual(events, ['registered a@example.org', 'unregistered a@example.org']);
  });

  it('refuses people of other domains, a second check for the same person, and checks beyond the cap', async () => {
    const { registrations, release } = setup({ allowedDomains: ['example.org'], maxConcurrent: 2 });
    await assert.rejects(registrations.register('x@elsewhere.net', { nick: 'x' }), (e: LegacyRefusal) => e.condition === 'forbidden' && /example\.org only/.test(e.message));
    const first = registrations.register('a@example.org', { nick: 'a' });
    await assert.rejects(registrations.register('a@example.org', { nick: 'a' }), (e: LegacyRefusal) => e.condition === 'conflict');
    const second = registrations.register('b@example.org', { nick: 'b' });
    await assert.rejects(registrations.register('c@example.org', { nick: 'c' }), (e: LegacyRefusal) => /too many registrations/.test(e.message));
    release();
    await Promise.all([first, second]);
    await registrations.register('c@example.org', { nick: 'c' });
  });

  it('a refusal by the legacy network or by a module stores nothing', async () => {
    const denying: AccountHooks = { ...ALLOW_ALL_ACCOUNT_HOOKS, checkRegistration: async () => ({ allowed: false, reason: 'no spammers' }) };
    const { store, registrations } = setup();
    await assert.rejects(registrations.register('a@example.org', { nick: 'bad' }), (e: LegacyRefusal) => e.condition === 'not-authorized');
    const denied = setup({ hooks: denying });
    await assert.rejects(denied.registrations.register('a@example.org', { nick: 'alice' }), (e: LegacyRefusal) => e.condition === 'forbidden' && e.message === 'no spammers');
    assert.equal(store.rows.size + denied.store.rows.size, 0);
  });
});
