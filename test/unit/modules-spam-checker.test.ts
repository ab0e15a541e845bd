import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineModule } from '../../src/modules/define.js';
import { Codes, NOT_SPAM, RegistrationBehaviour } from '../../src/modules/callbacks/values.js';
import type { SpamChecker, SpamDecision } from '../../src/modules/callbacks/spam-checker.js';
import type { SpamCheckerCallbacks } from '../../src/modules/callbacks/types.js';
import { alice, bob, lobby, messageEvent, harnessesClosedAfter, setUpModules } from './modules-harness.js';

type SpamName = keyof SpamCheckerCallbacks;

/** A module that registers `name` answering `answer` (a function answer is called) and records its calls. */
function spamModule(moduleName: string, name: SpamName, answer: unknown, calls: string[]) {
  return defineModule({
    name: moduleName,
    setup(api) {
      api.registerSpamCheckerCallbacks({
        [name]: async () => {
          calls.push(moduleName);
          if (answer instanceof Error) throw answer;
          return answer;
        },
      } as SpamCheckerCallbacks);
    },
  });
}

/** Every NOT_SPAM-style callback and how its operation calls it. */
const NOT_SPAM_CALLBACKS: ReadonlyArray<[SpamName, (spam: SpamChecker) => Promise<SpamDecision>]> = [
  ['checkEventForSpam', (s) => s.checkEventForSpam(messageEvent('hi'))],
  ['userMayJoinRoom', (s) => s.userMayJoinRoom(alice, lobby, false)],
  ['userMayInvite', (s) => s.userMayInvite(alice, bob, lobby)],
  ['userMaySend3pidInvite', (s) => s.userMaySend3pidInvite(alice, 'email', 'x@example.org', lobby)],
  ['userMayCreateRoom', (s) => s.userMayCreateRoom(alice)],
  ['userMayCreateRoomAlias', (s) => s.userMayCreateRoomAlias(alice, '#alias')],
  ['userMayPublishRoom', (s) => s.userMayPublishRoom(alice, lobby)],
  ['checkMediaFileForSpam', (s) => s.checkMediaFileForSpam({ info: { name: 'a.png' }, read: async () => Buffer.from('png') })],
  ['checkLoginForSpam', (s) => s.checkLoginForSpam('alice', undefined, undefined, [['ua', '127.0.0.1']])],
];

describe('spam checker callbacks: first answer that is not NOT_SPAM decides', () => {
  const setUp = harnessesClosedAfter();

  for (const [name, operation] of NOT_SPAM_CALLBACKS) {
    it(`${name}: the first refusal decides and later modules are not asked`, async () => {
      const calls: string[] = [];
      const h = await setUp(
        spamModule('a', name, NOT_SPAM, calls),
        spamModule('b', name, Codes.LIMIT_EXCEEDED, calls),
        spamModule('c', name, Codes.FORBIDDEN, calls),
      );
      assert.deepEqual(await operation(h.callbacks.spamChecker), { allowed: false, module: 'b', code: Codes.LIMIT_EXCEEDED });
      assert.deepEqual(calls, ['a', 'b']);
    });

    it(`${name}: allowed when every module answers NOT_SPAM, all asked in order`, async () => {
      const calls: string[] = [];
      const h = await setUp(spamModule('a', name, NOT_SPAM, calls), spamModule('b', name, NOT_SPAM, calls));
      assert.deepEqual(await operation(h.callbacks.spamChecker), { allowed: true });
      assert.deepEqual(calls, ['a', 'b']);
    });

    it(`${name}: a module that throws refuses (fail closed), is logged with its name, later modules are not asked`, async () => {
      const calls: string[] = [];
      const h = await setUp(
        spamModule('a', name, NOT_SPAM, calls),
        spamModule('broken', name, new Error('database down'), calls),
        spamModule('c', name, NOT_SPAM, calls),
      );
      assert.deepEqual(await operation(h.callbacks.spamChecker), { allowed: false, module: 'broken', code: Codes.INTERNAL_ERROR });
      assert.deepEqual(calls, ['a', 'broken']);
      assert.deepEqual(h.errors(), [['broken', 'module callback threw; the operation is refused']]);
    });
  }

  for (const [name, operation] of NOT_SPAM_CALLBACKS.filter(([n]) => n !== 'checkLoginForSpam')) {
    it(`${name}: deprecated answers keep their meaning (false = NOT_SPAM, true = FORBIDDEN, string = refused with message)`, async () => {
      const calls: string[] = [];
      const h = await setUp(spamModule('old-false', name, false, calls), spamModule('old-string', name, 'go away', calls));
      assert.deepEqual(await operation(h.callbacks.spamChecker), { allowed: false, module: 'old-string', code: Codes.FORBIDDEN, message: 'go away' });
      const h2 = await setUp(spamModule('old-true', name, true, calls));
      assert.deepEqual(await operation(h2.callbacks.spamChecker), { allowed: false, module: 'old-true', code: Codes.FORBIDDEN });
    });
  }

  it('checkLoginForSpam: takes only NOT_SPAM or a code; a boolean counts as a failing module (refused)', async () => {
    const h = await setUp(spamModule('old', 'checkLoginForSpam', false, []));
    const decision = await h.callbacks.spamChecker.checkLoginForSpam('alice', undefined, undefined, []);
    assert.deepEqual(decision, { allowed: false, module: 'old', code: Codes.INTERNAL_ERROR });
  });

  it('checkUsernameForSpam: first answer that is not false decides; a throw counts as spammy', async () => {
    const calls: string[] = [];
    const h = await setUp(
      spamModule('a', 'checkUsernameForSpam', false, calls),
      spamModule('b', 'checkUsernameForSpam', true, calls),
      spamModule('c', 'checkUsernameForSpam', false, calls),
    );
    assert.equal(await h.callbacks.spamChecker.checkUsernameForSpam({ userId: 'irc:alice' }), true);
    assert.deepEqual(calls, ['a', 'b']);
    const none = await setUp(spamModule('a', 'checkUsernameForSpam', false, []), spamModule('b', 'checkUsernameForSpam', false, []));
    assert.equal(await none.callbacks.spamChecker.checkUsernameForSpam({ userId: 'irc:alice' }), false);
    const broken = await setUp(spamModule('x', 'checkUsernameForSpam', new Error('boom'), []), spamModule('y', 'checkUsernameForSpam', false, []));
    assert.equal(await broken.callbacks.spamChecker.checkUsernameForSpam({ userId: 'irc:alice' }), true);
    assert.deepEqual(broken.errors(), [['x', 'module callback threw; the operation is refused']]);
  });

  it('checkUsernameForSpam: modules get a copy of the profile', async () => {
    const h = await setUp(defineModule({
      name: 'mutator',
      setup: (api) => void api.registerSpamCheckerCallbacks({ checkUsernameForSpam: (p) => { (p as { userId: string }).userId = 'changed'; return false; } }),
    }));
    const profile = { userId: 'irc:alice' };
    await h.callbacks.spamChecker.checkUsernameForSpam(profile);
    assert.equal(profile.userId, 'irc:alice');
  });

  it('checkUsernameForSpam: each module gets its own copy of the original profile', async () => {
    const seen: Array<{ module: string; displayName: string | undefined }> = [];
    const mutator = (module: string) => defineModule({
      name: module,
      setup: (api) => void api.registerSpamCheckerCallbacks({
        checkUsernameForSpam: (p) => {
          seen.push({ module, displayName: p.displayName });
          (p as { displayName?: string }).displayName = `changed by ${module}`;
          return false;
        },
      }),
    });
    const h = await setUp(mutator('first'), mutator('second'), mutator('third'));
    await h.callbacks.spamChecker.checkUsernameForSpam({ userId: 'irc:alice', displayName: 'Alice' });
    assert.deepEqual(seen, [
      { module: 'first', displayName: 'Alice' },
      { module: 'second', displayName: 'Alice' },
      { module: 'third', displayName: 'Alice' },
    ]);
  });

  it('checkRegistrationForSpam: first answer that is not ALLOW decides; a throw denies', async () => {
    const calls: string[] = [];
    const h = await setUp(
      spamModule('a', 'checkRegistrationForSpam', RegistrationBehaviour.ALLOW, calls),
      spamModule('b', 'checkRegistrationForSpam', RegistrationBehaviour.SHADOW_BAN, calls),
      spamModule('c', 'checkRegistrationForSpam', RegistrationBehaviour.DENY, calls),
    );
    assert.equal(await h.callbacks.spamChecker.checkRegistrationForSpam(undefined, 'alice', []), RegistrationBehaviour.SHADOW_BAN);
    assert.deepEqual(calls, ['a', 'b']);
    const allow = await setUp(spamModule('a', 'checkRegistrationForSpam', RegistrationBehaviour.ALLOW, []));
    assert.equal(await allow.callbacks.spamChecker.checkRegistrationForSpam(undefined, 'alice', []), RegistrationBehaviour.ALLOW);
    const broken = await setUp(spamModule('x', 'checkRegistrationForSpam', new Error('boom'), []), spamModule('y', 'checkRegistrationForSpam', RegistrationBehaviour.ALLOW, []));
    assert.equal(await broken.callbacks.spamChecker.checkRegistrationForSpam(undefined, 'alice', []), RegistrationBehaviour.DENY);
  });

  it('shouldDropFederatedEvent: first answer that is not false decides; a throw drops (fail closed)', async () => {
    const calls: string[] = [];
    const h = await setUp(
      spamModule('a', 'shouldDropFederatedEvent', false, calls),
      spamModule('b', 'shouldDropFederatedEvent', true, calls),
      spamModule('c', 'shouldDropFederatedEvent', false, calls),
    );
    assert.deepEqual(await h.callbacks.spamChecker.shouldDropFederatedEvent(messageEvent('x')), { drop: true, module: 'b' });
    assert.deepEqual(calls, ['a', 'b']);
    const keep = await setUp(spamModule('a', 'shouldDropFederatedEvent', false, []), spamModule('b', 'shouldDropFederatedEvent', false, []));
    assert.deepEqual(await keep.callbacks.spamChecker.shouldDropFederatedEvent(messageEvent('x')), { drop: false });
    const broken = await setUp(spamModule('x', 'shouldDropFederatedEvent', new Error('boom'), []));
    assert.deepEqual(await broken.callbacks.spamChecker.shouldDropFederatedEvent(messageEvent('x')), { drop: true, module: 'x' });
  });

  it('refuses registrations with unknown names or non-functions, naming the module', async () => {
    await assert.rejects(
      setUpModules([defineModule({ name: 'typo', setup: (api) => void api.registerSpamCheckerCallbacks({ checkEventForSpamm: () => NOT_SPAM } as never) })]),
      /module typo: registerSpamCheckerCallbacks: unknown callback "checkEventForSpamm"/,
    );
    await assert.rejects(
      setUpModules([defineModule({ name: 'notfn', setup: (api) => void api.registerSpamCheckerCallbacks({ userMayJoinRoom: 'yes' } as never) })]),
      /module notfn: registerSpamCheckerCallbacks: userMayJoinRoom must be a function/,
    );
  });
});
