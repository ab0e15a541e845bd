/**
 * Two-step registrations without servers (registrations.ts): a two-factor code (right, wrong with
 * tries left, the last wrong one), a QR code (confirmed, timed out, refused), a cancel, a new
 * registration replacing a waiting one, unregister during a second step, and XEP-0077 (no second
 * step) refused. The legacy network is scripted; accounts are in memory.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { silentLogger } from '../../src/core/log.js';
import { ALLOW_ALL_ACCOUNT_HOOKS } from '../../src/core/account-hooks.js';
import { SecretBox } from '../../src/store/secret-box.js';
import { Accounts } from '../../src/gateway/accounts.js';
import { LegacyRefusal, type LegacyNetwork, type Registration } from '../../src/gateway/api.js';
import { MAX_CODE_ATTEMPTS, Registrations } from '../../src/gateway/registrations.js';
import { waitFor } from '../support/wait.js';
import { MemoryAccounts } from './gateway-fixture.js';


/** A network whose validate answers a code step (code 4242) or, for a nick starting with "qr", a QR step confirmed by `scan`. */
function stepNetwork() {
  const cancelled: string[] = [];
  const scans = new Map<string, (registration: Registration | Error) => void>();
  const legacy: LegacyNetwork = {
    settings: { name: 'gw', identityType: 'test', registrationType: 'two-factor-code', registrationFields: [], registrationInstructions: '', welcomeMessage: 'welcome', preferences: [], searchFields: [], searchColumns: [], groups: false },
    async validate(_jid, form) {
      const nick = form.nick ?? '';
      if (nick.startsWith('qr')) {
        return {
          step: 'qr', instructions: 'Scan it', payload: `qr-payload-${nick}`,
          confirmed: () => new Promise<Registration>((resolve, reject) => scans.set(nick, (r) => (r instanceof Error ? reject(r) : resolve(r)))),
          cancel: () => void cancelled.push(nick),
        };
      }
      return {
        step: 'code', instructions: 'Type the code',
        confirm: async (code) => {
          if (code !== '4242') throw new LegacyRefusal('wrong code', 'not-authorized');
          return { data: { nick }, secret: 'token' };
        },
        cancel: () => void cancelled.push(nick),
      };
    },
    createSession: () => {
      throw new Error('not used');
    },
  };
  return { legacy, cancelled, scan: (nick: string, r: Registration | Error) => scans.get(nick)?.(r) };
}

function setup(stepTimeoutMs = 5000, change: (legacy: LegacyNetwork) => LegacyNetwork = (legacy) => legacy) {
  const store = new MemoryAccounts();
  const network = stepNetwork();
  const legacy = change(network.legacy);
  const told: string[] = [];
  const events: string[] = [];
  const registrations = new Registrations({
    log: silentLogger(), legacy, accounts: new Accounts(store, new SecretBox(randomBytes(32))), hooks: ALLOW_ALL_ACCOUNT_HOOKS,
    validateTimeoutMs: 5000, maxConcurrent: 2, allowedDomains: [],
    suspend: async () => async () => void events.push('resumed'),
    registered: async (jid) => void events.push(`registered ${jid}`),
    unregistered: async (jid) => void events.push(`unregistered ${jid}`),
    stepTimeoutMs,
    tell: (jid, text) => void told.push(`${jid}: ${text}`),
  });
  return { store, registrations, told, events, ...network };
}

const A = 'a@example.org';

describe('gateway two-step registrations', () => {
  it('a code step: a wrong code leaves tries, the right one registers', async () => {
    const { store, registrations, told, events } = setup();
    assert.deepEqual(await registrations.register(A, { nick: 'alice' }), { kind: 'code', instructions: 'Type the code' });
    assert.equal(registrations.waitingStep(A), 'code');
    assert.match(told[0] ?? '', /Type the code.*code <the code>/s);
    assert.deepEqual(await registrations.submitCode(A, '1111'), { kind: 'retry', reason: 'wrong code', remaining: MAX_CODE_ATTEMPTS - 1 });
    assert.deepEqual(await registrations.submitCode(A, ' 4242 '), { kind: 'done' });
    assert.equal(store.rows.get(A)?.data.nick, 'alice');
    assert.deepEqual(events, [`registered ${A}`]);
    assert.equal(registrations.waitingStep(A), undefined);
    await assert.rejects(registrations.submitCode(A, '4242'), (e: LegacyRefusal) => e.condition === 'item-not-found');
  });

  it('the last wrong code abandons the registration (the network is told, nothing stored)', async () => {
    const { store, registrations, cancelled, events } = setup();
    await registrations.register(A, { nick: 'alice' });
    for (let i = 1; i < MAX_CODE_ATTEMPTS; i++) assert.equal((await registrations.submitCode(A, 'nope')).kind, 'retry');
    await assert.rejects(registrations.submitCode(A, 'nope'), (e: LegacyRefusal) => e.condition === 'not-authorized' && /last try/.test(e.message));
    assert.deepEqual(cancelled, ['alice']);
    assert.equal(store.rows.size, 0);
    assert.deepEqual(events, ['resumed']);
    await assert.rejects(registrations.submitCode(A, '4242'), (e: LegacyRefusal) => e.condition === 'item-not-found');
  });

  it('refuses empty and oversized codes without counting them', async () => {
    const { registrations } = setup();
    await registrations.register(A, { nick: 'alice' });
    await assert.rejects(registrations.submitCode(A, '  '), (e: LegacyRefusal) => e.condition === 'bad-request');
    await assert.rejects(registrations.submitCode(A, 'x'.repeat(65)), (e: LegacyRefusal) => e.condition === 'bad-request');
    assert.equal((await registrations.submitCode(A, '4242')).kind, 'done');
  });

  it('a QR step: the payload is sent, the network\'s confirmation registers', async () => {
    const { store, registrations, told, scan, events } = setup();
    const outcome = await registrations.register(A, { nick: 'qr1' });
    assert.deepEqual(outcome, { kind: 'qr', instructions: 'Scan it', payload: 'qr-payload-qr1' });
    assert.equal(told.at(-1), `${A}: qr-payload-qr1`);
    scan('qr1', { data: { nick: 'qr1' } });
    await waitFor(() => store.rows.get(A), { timeoutMs: 2000, what: 'the QR registration stored' });
    await waitFor(() => (events.includes(`registered ${A}`) ? true : undefined), { timeoutMs: 2000, what: 'registered' });
    assert.equal(registrations.waitingStep(A), undefined);
  });

  it('a QR step the network refuses, or that is not confirmed in time, is abandoned and the person told', async () => {
    const refused = setup();
    await refused.registrations.register(A, { nick: 'qr2' });
    refused.scan('qr2', new LegacyRefusal('the phone said no', 'forbidden'));
    await waitFor(() => refused.told.find((t) => /failed: the phone said no/.test(t)), { timeoutMs: 2000, what: 'the refusal told' });
    assert.equal(refused.registrations.waitingStep(A), undefined);
    const slow = setup(50);
    await slow.registrations.register(A, { nick: 'qr3' });
    await waitFor(() => slow.told.find((t) => /timed out: the QR code was not confirmed/.test(t)), { timeoutMs: 2000, what: 'the timeout told' });
    assert.deepEqual(slow.cancelled, ['qr3']);
    slow.scan('qr3', { data: { nick: 'qr3' } }); // too late: nothing is stored
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(slow.store.rows.size, 0);
  });

  it('cancel, a new registration and unregister each abandon a waiting step', async () => {
    const { registrations, cancelled, store, events } = setup();
    await registrations.register(A, { nick: 'one' });
    assert.equal(await registrations.cancel(A), true);
    assert.equal(await registrations.cancel(A), false);
    await registrations.register(A, { nick: 'two' });
    await registrations.register(A, { nick: 'three' });
    assert.deepEqual(cancelled, ['one', 'two']);
    assert.equal(await registrations.unregister(A), true);
    assert.deepEqual(cancelled, ['one', 'two', 'three']);
    assert.equal(store.rows.size, 0);
    // Unregistering drops the registration: the previous session is not put back.
    assert.deepEqual(events, ['resumed', 'resumed']);
  });

  it('a way without a second step (XEP-0077) is refused and the step cancelled', async () => {
    const { registrations, cancelled } = setup();
    await assert.rejects(registrations.register(A, { nick: 'alice' }, { twoStep: false }), (e: LegacyRefusal) => e.condition === 'not-acceptable' && /ad-hoc command/.test(e.message));
    assert.deepEqual(cancelled, ['alice']);
    assert.equal(registrations.waitingStep(A), undefined);
  });

  it('unregistering while the legacy network validates drops the registration, whatever the network answers later', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { registrations, store, events } = setup(5000, (legacy) => ({ ...legacy, validate: async () => (await gate, { data: { nick: 'late' } }) }));
    const registering = registrations.register(A, { nick: 'late' });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await registrations.unregister(A), true);
    release();
    await assert.rejects(registering, (e: LegacyRefusal) => e.condition === 'item-not-found' && /cancelled/.test(e.message));
    assert.equal(store.rows.size, 0);
    assert.deepEqual(events, [], 'neither registered nor the previous session put back');
    // A new registration may start at once.
    assert.equal((await registrations.register(A, { nick: 'again' })).kind, 'done');
  });

  it('waiting steps count against the registrations under way', async () => {
    const { registrations } = setup();
    await registrations.register('a@x.org', { nick: 'a' });
    await registrations.register('b@x.org', { nick: 'b' });
    await assert.rejects(registrations.register('c@x.org', { nick: 'c' }), (e: LegacyRefusal) => /too many registrations/.test(e.message));
  });
});
