import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineModule } from '../../src/modules/define.js';
import type { ThirdPartyRules } from '../../src/modules/callbacks/third-party-rules.js';
import type { CreateRoomRequest, ThirdPartyRulesCallbacks } from '../../src/modules/callbacks/types.js';
import { alice, lobby, messageEvent, harnessesClosedAfter, textOf } from './modules-harness.js';

type RulesName = keyof ThirdPartyRulesCallbacks;

function rulesModule(moduleName: string, name: RulesName, answer: unknown, calls: string[]) {
  return defineModule({
    name: moduleName,
    setup(api) {
      api.registerThirdPartyRulesCallbacks({
        [name]: async (...args: unknown[]) => {
          calls.push(moduleName);
          if (answer instanceof Error) throw answer;
          return typeof answer === 'function' ? (answer as (...a: unknown[]) => unknown)(...args) : answer;
        },
      } as ThirdPartyRulesCallbacks);
    },
  });
}

const BOOLEAN_CHECKS: ReadonlyArray<[RulesName, (rules: ThirdPartyRules) => Promise<boolean>]> = [
  ['checkThreepidCanBeInvited', (r) => r.checkThreepidCanBeInvited('email', 'x@example.org', lobby)],
  ['checkVisibilityCanBeModified', (r) => r.checkVisibilityCanBeModified(lobby, 'public')],
  ['checkCanShutdownRoom', (r) => r.checkCanShutdownRoom('irc:alice', lobby)],
  ['checkCanDeactivateUser', (r) => r.checkCanDeactivateUser('irc:alice', true)],
];

const NOTIFICATIONS: ReadonlyArray<[RulesName, (rules: ThirdPartyRules) => Promise<void>]> = [
  ['onProfileUpdate', (r) => r.onProfileUpdate('irc:alice', { displayName: 'Alice' }, false, false)],
  ['onUserDeactivationStatusChanged', (r) => r.onUserDeactivationStatusChanged('irc:alice', true, false)],
  ['onAddUserThirdPartyIdentifier', (r) => r.onAddUserThirdPartyIdentifier('irc:alice', 'email', 'a@example.org')],
  ['onRemoveUserThirdPartyIdentifier', (r) => r.onRemoveUserThirdPartyIdentifier('irc:alice', 'email', 'a@example.org')],
];

describe('third-party rules callbacks', () => {
  const setUp = harnessesClosedAfter();

  for (const [name, operation] of BOOLEAN_CHECKS) {
    it(`${name}: first answer that is not true decides, later modules are not asked; a throw refuses`, async () => {
      const calls: string[] = [];
      const h = await setUp(rulesModule('a', name, true, calls), rulesModule('b', name, false, calls), rulesModule('c', name, true, calls));
      assert.equal(await operation(h.callbacks.thirdPartyRules), false);
      assert.deepEqual(calls, ['a', 'b']);
      const yes = await setUp(rulesModule('a', name, true, []), rulesModule('b', name, true, []));
      assert.equal(await operation(yes.callbacks.thirdPartyRules), true);
      const brokenCalls: string[] = [];
      const broken = await setUp(rulesModule('x', name, new Error('boom'), brokenCalls), rulesModule('y', name, true, brokenCalls));
      assert.equal(await operation(broken.callbacks.thirdPartyRules), false);
      assert.deepEqual(brokenCalls, ['x']);
      assert.deepEqual(broken.errors(), [['x', 'module callback threw; the operation is refused']]);
    });
  }

  for (const [name, operation] of NOTIFICATIONS) {
    it(`${name}: runs all in order; a throw is logged and the others still run`, async () => {
      const calls: string[] = [];
      const h = await setUp(rulesModule('a', name, undefined, calls), rulesModule('broken', name, new Error('boom'), calls), rulesModule('c', name, undefined, calls));
      await operation(h.callbacks.thirdPartyRules);
      assert.deepEqual(calls, ['a', 'broken', 'c']);
      assert.deepEqual(h.errors(), [['broken', 'module callback threw; its answer is left out']]);
    });
  }

  it('onThreepidBind (deprecated) is an alias of onAddUserThirdPartyIdentifier, in module order', async () => {
    const calls: string[] = [];
    const h = await setUp(rulesModule('old', 'onThreepidBind', undefined, calls), rulesModule('new', 'onAddUserThirdPartyIdentifier', undefined, calls));
    await h.callbacks.thirdPartyRules.onAddUserThirdPartyIdentifier('irc:alice', 'email', 'a@example.org');
    assert.deepEqual(calls, ['old', 'new']);
  });

  it('onCreateRoom: every module may change the request in order; the first throw refuses and stops the rest', async () => {
    const calls: string[] = [];
    const addOption = (key: string) => (_r: unknown, request: CreateRoomRequest) => void (request.options[key] = true);
    const h = await setUp(rulesModule('a', 'onCreateRoom', addOption('a'), calls), rulesModule('b', 'onCreateRoom', addOption('b'), calls));
    const request: CreateRoomRequest = { name: 'b1', channels: [lobby], options: {} };
    assert.deepEqual(await h.callbacks.thirdPartyRules.onCreateRoom(alice, request, false), { refused: false });
    assert.deepEqual(request.options, { a: true, b: true });
    assert.deepEqual(calls, ['a', 'b']);

    const refusedCalls: string[] = [];
    const refusing = await setUp(
      rulesModule('a', 'onCreateRoom', undefined, refusedCalls),
      rulesModule('no', 'onCreateRoom', new Error('no bridges on Sundays'), refusedCalls),
      rulesModule('c', 'onCreateRoom', undefined, refusedCalls),
    );
    const refusal = await refusing.callbacks.thirdPartyRules.onCreateRoom(alice, { name: 'b2', channels: [], options: {} }, false);
    assert.equal(refusal.refused, true);
    assert.equal(refusal.refused && refusal.module, 'no');
    assert.deepEqual(refusedCalls, ['a', 'no']);
  });

  it('checkEventAllowed: first answer that is not true decides; a replacement is handed to the next module', async () => {
    const seen: string[] = [];
    const h = await setUp(
      defineModule({
        name: 'censor',
        setup: (api) => void api.registerThirdPartyRulesCallbacks({
          checkEventAllowed: (event) => {
            seen.push(`censor:${textOf(event)}`);
            if (event.command !== 'MESSAGE') return true;
            const body = [{ type: 'text' as const, text: textOf(event).replace('darn', '****') }];
            return [true, { ...event, args: { ...event.args, message: { ...event.args.message, body } } }];
          },
        }),
      }),
      defineModule({ name: 'observer', setup: (api) => void api.registerThirdPartyRulesCallbacks({ checkEventAllowed: (event) => { seen.push(`observer:${textOf(event)}`); return true; } }) }),
    );
    const decision = await h.callbacks.thirdPartyRules.checkEventAllowed(messageEvent('oh darn'));
    assert.equal(decision.allowed, true);
    assert.equal(decision.allowed && textOf(decision.event), 'oh ****');
    assert.deepEqual(seen, ['censor:oh darn', 'observer:oh ****']);

    const calls: string[] = [];
    const refusing = await setUp(rulesModule('a', 'checkEventAllowed', true, calls), rulesModule('b', 'checkEventAllowed', [false], calls), rulesModule('c', 'checkEventAllowed', true, calls));
    assert.deepEqual(await refusing.callbacks.thirdPartyRules.checkEventAllowed(messageEvent('x')), { allowed: false, module: 'b', reason: 'refused by checkEventAllowed' });
    assert.deepEqual(calls, ['a', 'b']);
  });

  it('checkEventAllowed: a throw, or a replacement of another kind, refuses the event (fail closed)', async () => {
    const broken = await setUp(rulesModule('x', 'checkEventAllowed', new Error('boom'), []), rulesModule('y', 'checkEventAllowed', true, []));
    assert.deepEqual(await broken.callbacks.thirdPartyRules.checkEventAllowed(messageEvent('x')), { allowed: false, module: 'x', reason: 'checkEventAllowed failed' });
    const wrongKind = { network: 'irc', sender: 'alice', command: 'TOPIC', args: { channel: lobby, text: 'hijacked' }, ts: 1 };
    const swapping = await setUp(rulesModule('swap', 'checkEventAllowed', [true, wrongKind], []));
    const decision = await swapping.callbacks.thirdPartyRules.checkEventAllowed(messageEvent('x'));
    assert.equal(decision.allowed, false);
    assert.equal(swapping.captured.lines.some((l) => l.module === 'swap' && String((l.err as { message?: string })?.message).includes('same command')), true);
  });
});
