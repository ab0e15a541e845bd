import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineModule } from '../../src/modules/define.js';
import { PRESENCE_ALL_USERS } from '../../src/modules/callbacks/values.js';
import { CallbackFailedError } from '../../src/modules/callbacks/combine.js';
import type { PasswordAuthProviderCallbacks, PresenceUpdate } from '../../src/modules/callbacks/types.js';
import { alice, bob, harnessesClosedAfter, setUpModules, type Harness } from './modules-harness.js';

const aliceOnline: PresenceUpdate = { user: alice, state: 'online' };
const bobAway: PresenceUpdate = { user: bob, state: 'away', status: 'lunch' };

function router(name: string, calls: string[], states: unknown, interested: unknown) {
  return defineModule({
    name,
    setup: (api) => void api.registerPresenceRouterCallbacks({
      getUsersForStates: async () => { calls.push(`${name}:states`); if (states instanceof Error) throw states; return states as Map<string, Set<PresenceUpdate>>; },
      getInterestedUsers: async () => { calls.push(`${name}:interested`); if (interested instanceof Error) throw interested; return interested as Set<string>; },
    }),
  });
}

function auth(name: string, callbacks: PasswordAuthProviderCallbacks) {
  return defineModule({ name, setup: (api) => void api.registerPasswordAuthProviderCallbacks(callbacks) });
}

describe('presence router and password auth provider callbacks', () => {
  const setUp = harnessesClosedAfter();

  it('getUsersForStates: merges every module\'s map, concatenating the sets of the same key; a throw leaves that module out', async () => {
    const calls: string[] = [];
    const h = await setUp(
      router('a', calls, new Map([['xmpp:carol', new Set([aliceOnline])]]), new Set()),
      router('broken', calls, new Error('boom'), new Set()),
      router('b', calls, { 'xmpp:carol': [bobAway], 'irc:dave': [aliceOnline] }, new Set()),
    );
    const routed = await h.callbacks.presenceRouter.getUsersForStates([aliceOnline, bobAway]);
    assert.deepEqual(routed, new Map([['xmpp:carol', new Set([aliceOnline, bobAway])], ['irc:dave', new Set([aliceOnline])]]));
    assert.deepEqual(calls, ['a:states', 'broken:states', 'b:states']);
    assert.deepEqual(h.errors(), [['broken', 'module callback threw; its answer is left out']]);
  });

  it('getInterestedUsers: concatenates the sets; PRESENCE_ALL_USERS short-circuits; a throw leaves that module out', async () => {
    const calls: string[] = [];
    const h = await setUp(router('a', calls, {}, new Set(['irc:alice'])), router('broken', calls, {}, new Error('x')), router('b', calls, {}, ['xmpp:bob', 'irc:alice']));
    assert.deepEqual(await h.callbacks.presenceRouter.getInterestedUsers('irc:carol'), new Set(['irc:alice', 'xmpp:bob']));
    assert.deepEqual(calls, ['a:interested', 'broken:interested', 'b:interested']);

    const allCalls: string[] = [];
    const all = await setUp(router('a', allCalls, {}, new Set(['irc:alice'])), router('everyone', allCalls, {}, PRESENCE_ALL_USERS), router('c', allCalls, {}, new Set(['x'])));
    assert.equal(await all.callbacks.presenceRouter.getInterestedUsers('irc:carol'), PRESENCE_ALL_USERS);
    assert.deepEqual(allCalls, ['a:interested', 'everyone:interested']);
  });

  it('presence router callbacks require each other', async () => {
    await assert.rejects(
      setUpModules([defineModule({ name: 'half', setup: (api) => void api.registerPresenceRouterCallbacks({ getInterestedUsers: () => new Set<string>() }) })]),
      /module half: registerPresenceRouterCallbacks: getUsersForStates is required too/,
    );
  });

  it('authCheckers: same login type and fields run in order until one returns a user; all null denies; a throw denies', async () => {
    const calls: string[] = [];
    const checker = (name: string, answer: unknown) => ({
      loginType: 'sb.password', fields: ['password'],
      check: async (user: string, _type: string, dict: Readonly<Record<string, unknown>>) => {
        calls.push(name);
        if (answer instanceof Error) throw answer;
        return answer === 'match' && dict.password === 'secret' ? { userId: `irc:${user}` } : null;
      },
    });
    const h = await setUp(auth('a', { authCheckers: [checker('a', null)] }), auth('b', { authCheckers: [checker('b', 'match')] }), auth('c', { authCheckers: [checker('c', 'match')] }));
    const ok = await h.callbacks.passwordAuth.checkAuth('alice', 'sb.password', { password: 'secret' });
    assert.deepEqual(ok, { ok: true, module: 'b', success: { userId: 'irc:alice' } });
    assert.deepEqual(calls, ['a', 'b']);
    assert.deepEqual(await h.callbacks.passwordAuth.checkAuth('alice', 'sb.password', { password: 'wrong' }), { ok: false, reason: 'denied' });
    assert.deepEqual(await h.callbacks.passwordAuth.checkAuth('alice', 'sb.password', {}), { ok: false, reason: 'missing-fields', detail: 'password' });
    assert.deepEqual(await h.callbacks.passwordAuth.checkAuth('alice', 'sb.token', { token: 'x' }), { ok: false, reason: 'unknown-login-type' });
    assert.deepEqual(h.callbacks.passwordAuth.supportedLoginTypes(), new Map([['sb.password', ['password']]]));

    calls.length = 0;
    const broken = await setUp(auth('x', { authCheckers: [checker('x', new Error('ldap down'))] }), auth('y', { authCheckers: [checker('y', 'match')] }));
    const denied = await broken.callbacks.passwordAuth.checkAuth('alice', 'sb.password', { password: 'secret' });
    assert.equal(denied.ok, false);
    assert.deepEqual(calls, ['x']);
    assert.equal(broken.captured.text().includes('secret'), false, 'the password never reaches the log');
  });

  it('authCheckers: two modules with one login type and different fields refuse to start', async () => {
    const check = () => null;
    await assert.rejects(
      setUpModules([
        auth('first', { authCheckers: [{ loginType: 'sb.password', fields: ['password'], check }] }),
        auth('second', { authCheckers: [{ loginType: 'sb.password', fields: ['password', 'otp'], check }] }),
      ]),
      /module second: auth checker for login type "sb.password" expects fields \[password, otp\], but module first registered it with \[password\]/,
    );
  });

  it('check3pidAuth: first answer that is not null decides; none denies; a throw denies', async () => {
    const calls: string[] = [];
    const h = await setUp(
      auth('a', { check3pidAuth: () => { calls.push('a'); return null; } }),
      auth('b', { check3pidAuth: () => { calls.push('b'); return { userId: 'irc:alice' }; } }),
      auth('c', { check3pidAuth: () => { calls.push('c'); return { userId: 'irc:mallory' }; } }),
    );
    assert.deepEqual(await h.callbacks.passwordAuth.check3pidAuth('email', 'a@example.org', 'pw'), { ok: true, module: 'b', success: { userId: 'irc:alice' } });
    assert.deepEqual(calls, ['a', 'b']);
    const none = await setUp(auth('a', { check3pidAuth: () => null }));
    assert.deepEqual(await none.callbacks.passwordAuth.check3pidAuth('email', 'a@example.org', 'pw'), { ok: false, reason: 'denied' });
    const broken = await setUp(auth('x', { check3pidAuth: () => { throw new Error('boom'); } }), auth('y', { check3pidAuth: () => ({ userId: 'irc:y' }) }));
    assert.equal((await broken.callbacks.passwordAuth.check3pidAuth('email', 'a@example.org', 'pw')).ok, false);
  });

  it('onLoggedOut: runs all in order; a throw is logged and the others still run', async () => {
    const calls: string[] = [];
    const h = await setUp(auth('a', { onLoggedOut: () => void calls.push('a') }), auth('x', { onLoggedOut: () => { calls.push('x'); throw new Error('boom'); } }), auth('c', { onLoggedOut: () => void calls.push('c') }));
    await h.callbacks.passwordAuth.onLoggedOut('irc:alice', undefined, 'token-123');
    assert.deepEqual(calls, ['a', 'x', 'c']);
    assert.deepEqual(h.errors(), [['x', 'module callback threw; its answer is left out']]);
  });

  for (const name of ['getUsernameForRegistration', 'getDisplaynameForRegistration'] as const) {
    it(`${name}: first answer that is not null decides; none → undefined; a throw fails the registration`, async () => {
      const calls: string[] = [];
      const h = await setUp(
        auth('a', { [name]: () => { calls.push('a'); return null; } }),
        auth('b', { [name]: () => { calls.push('b'); return 'forced'; } }),
        auth('c', { [name]: () => { calls.push('c'); return 'other'; } }),
      );
      const call = (hh: Harness) => hh.callbacks.passwordAuth[name]({ 'm.login.dummy': true }, { username: 'wanted' });
      assert.equal(await call(h), 'forced');
      assert.deepEqual(calls, ['a', 'b']);
      assert.equal(await call(await setUp(auth('a', { [name]: () => undefined }))), undefined);
      const broken = await setUp(auth('x', { [name]: () => { throw new Error('boom'); } }), auth('y', { [name]: () => 'y' }));
      await assert.rejects(call(broken), (error: unknown) => error instanceof CallbackFailedError && error.module === 'x');
    });
  }

  it('is3pidAllowed: first answer that is not true decides; a throw refuses', async () => {
    const calls: string[] = [];
    const h = await setUp(auth('a', { is3pidAllowed: () => { calls.push('a'); return true; } }), auth('b', { is3pidAllowed: () => { calls.push('b'); return false; } }), auth('c', { is3pidAllowed: () => { calls.push('c'); return true; } }));
    assert.equal(await h.callbacks.passwordAuth.is3pidAllowed('email', 'a@example.org', true), false);
    assert.deepEqual(calls, ['a', 'b']);
    assert.equal(await (await setUp(auth('a', { is3pidAllowed: () => true }))).callbacks.passwordAuth.is3pidAllowed('email', 'x', false), true);
    assert.equal(await (await setUp(auth('x', { is3pidAllowed: () => { throw new Error('b'); } }))).callbacks.passwordAuth.is3pidAllowed('email', 'x', false), false);
  });
});
