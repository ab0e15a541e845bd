/**
 * The gateway's own password (access-password.ts): asked for only when configured or checked by
 * a module; the modules' verdict first, the configured password when none takes it (and never
 * when a module's checker failed); taken out of the values; wrong ones bounded per person; the
 * comparison does not depend on the lengths. And the module callbacks behind the hooks.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../src/core/log.js';
import { ALLOW_ALL_ACCOUNT_HOOKS, type AccountHooks } from '../../src/core/account-hooks.js';
import { ACCESS_FIELD, ACCESS_LOGIN_TYPE, AccessGate, MAX_ACCESS_FAILURES, ACCESS_FAILURE_WINDOW_MS, sameSecret } from '../../src/gateway/access-password.js';
import type { GatewaySettings, LegacyRefusal } from '../../src/gateway/api.js';
import { startTestHub } from '../../src/app/testing.js';
import { defineModule } from '../../src/modules/public.js';
import { moduleAccountHooks } from '../../src/modules/callbacks/account-hooks.js';

const SETTINGS: GatewaySettings = {
  name: 'gw', identityType: 'test', registrationType: 'single-step-form', registrationFields: [{ var: 'nick', label: 'Nick', type: 'text-single' }],
  registrationInstructions: '', welcomeMessage: '', preferences: [], searchFields: [], searchColumns: [], groups: false,
};
const JID = 'a@example.org';
const P = ACCESS_FIELD.var;

function moduleHooks(verdict: 'accepted' | 'refused' | 'unhandled', asked: string[] = []): AccountHooks {
  return {
    ...ALLOW_ALL_ACCOUNT_HOOKS,
    checksLogin: (type) => type === ACCESS_LOGIN_TYPE,
    checkPassword: async (user, type, fields) => {
      asked.push(`${user} ${type} ${fields.password}`);
      return verdict;
    },
  };
}

describe('gateway access password', () => {
  it('is not asked for when neither configured nor checked by a module', async () => {
    const gate = new AccessGate(ALLOW_ALL_ACCOUNT_HOOKS, undefined, silentLogger());
    assert.equal(gate.active, false);
    assert.equal(gate.settings(SETTINGS), SETTINGS);
    assert.deepEqual(await gate.check(JID, { nick: 'a' }), { nick: 'a' });
  });

  it('the configured password: the field is added, a right one passes and is taken out, a wrong or empty one is refused', async () => {
    const gate = new AccessGate(ALLOW_ALL_ACCOUNT_HOOKS, 's3cret', silentLogger());
    assert.deepEqual(gate.settings(SETTINGS).registrationFields.map((f) => f.var), ['nick', P]);
    assert.deepEqual(await gate.check(JID, { nick: 'a', [P]: 's3cret' }), { nick: 'a' });
    for (const wrong of ['s3cre', 's3cret ', '']) await assert.rejects(gate.check(JID, { nick: 'a', [P]: wrong }), (e: LegacyRefusal) => e.condition === 'not-authorized' && e.message === 'wrong gateway password');
    await assert.rejects(gate.check(JID, { nick: 'a' }), (e: LegacyRefusal) => e.condition === 'not-authorized');
  });

  it('a module\'s checker decides first; unhandled falls back to the configured password; a failed checker is never overridden', async () => {
    const asked: string[] = [];
    const accepted = new AccessGate(moduleHooks('accepted', asked), undefined, silentLogger());
    assert.equal(accepted.active, true);
    assert.deepEqual(await accepted.check(JID, { [P]: 'anything' }), {});
    assert.deepEqual(asked, [`${JID} ${ACCESS_LOGIN_TYPE} anything`]);
    const unhandled = new AccessGate(moduleHooks('unhandled'), 'fallback', silentLogger());
    assert.deepEqual(await unhandled.check(JID, { [P]: 'fallback' }), {});
    await assert.rejects(unhandled.check(JID, { [P]: 'nope' }));
    const noFallback = new AccessGate(moduleHooks('unhandled'), undefined, silentLogger());
    await assert.rejects(noFallback.check(JID, { [P]: 'fallback' }), (e: LegacyRefusal) => e.condition === 'not-authorized');
    const refused = new AccessGate(moduleHooks('refused'), 'fallback', silentLogger());
    await assert.rejects(refused.check(JID, { [P]: 'fallback' }), (e: LegacyRefusal) => e.condition === 'not-authorized');
  });

  it('bounds wrong passwords per person and window', async () => {
    let now = 0;
    const gate = new AccessGate(ALLOW_ALL_ACCOUNT_HOOKS, 'right', silentLogger(), () => now);
    for (let i = 0; i < MAX_ACCESS_FAILURES; i++) await assert.rejects(gate.check(JID, { [P]: 'wrong' }), (e: LegacyRefusal) => e.condition === 'not-authorized');
    await assert.rejects(gate.check(JID, { [P]: 'right' }), (e: LegacyRefusal) => e.condition === 'forbidden' && /too many/.test(e.message));
    assert.deepEqual(await gate.check('b@example.org', { [P]: 'right' }), {});
    now += ACCESS_FAILURE_WINDOW_MS;
    assert.deepEqual(await gate.check(JID, { [P]: 'right' }), {});
  });

  it('compares secrets of any lengths', () => {
    assert.equal(sameSecret('abc', 'abc'), true);
    assert.equal(sameSecret('abc', 'abcd'), false);
    assert.equal(sameSecret('', 'x'.repeat(5000)), false);
  });

  it('the hooks put the password to the modules\' authCheckers of the gateway\'s login type', async () => {
    const hub = await startTestHub({
      modules: [defineModule({
        name: 'checker',
        setup(api) {
          api.registerPasswordAuthProviderCallbacks({
            authCheckers: [{
              loginType: ACCESS_LOGIN_TYPE, fields: ['password'],
              check: (user, _type, dict) => (dict.password === 'open sesame' ? { userId: user } : dict.password === 'boom' ? (() => { throw new Error('broken'); })() : null),
            }],
          });
        },
      })],
    });
    try {
      const hooks = moduleAccountHooks(hub.internals.callbacks);
      assert.equal(hooks.checksLogin(ACCESS_LOGIN_TYPE), true);
      assert.equal(hooks.checksLogin('other'), false);
      assert.equal(await hooks.checkPassword(JID, ACCESS_LOGIN_TYPE, { password: 'open sesame' }), 'accepted');
      assert.equal(await hooks.checkPassword(JID, ACCESS_LOGIN_TYPE, { password: 'other' }), 'unhandled');
      assert.equal(await hooks.checkPassword(JID, ACCESS_LOGIN_TYPE, { password: 'boom' }), 'refused');
      assert.equal(await hooks.checkPassword(JID, 'other', { password: 'x' }), 'unhandled');
    } finally {
      await hub.stop();
    }
  });
});
