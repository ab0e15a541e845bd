import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineModule } from '../../src/modules/define.js';
import { silentLogger } from '../../src/core/log.js';
import { BackgroundUpdater, nextBatchSize, type BackgroundUpdate } from '../../src/modules/callbacks/background-updates.js';
import type { AccountValidityCallbacks } from '../../src/modules/callbacks/types.js';
import type { Message } from '../../src/core/message.js';
import { lobby, message, messageEvent, room, harnessesClosedAfter, setUpModules } from './modules-harness.js';

function validity(name: string, callbacks: AccountValidityCallbacks) {
  return defineModule({ name, setup: (api) => void api.registerAccountValidityCallbacks(callbacks) });
}

/** A batch job over `total` items that records the batch sizes it was asked for. */
function countingUpdate(total: number, sizes: number[], oneShot = false): BackgroundUpdate {
  let left = total;
  return {
    name: 'prune-test', database: 'main', oneShot,
    async runBatch(batchSize) {
      sizes.push(batchSize);
      const processed = Math.min(batchSize, left);
      left -= processed;
      return { processed, done: left === 0 };
    },
  };
}

describe('account validity, account data, background updates, unsigned fields and relay callbacks', () => {
  const setUp = harnessesClosedAfter();

  it('isUserExpired: first answer that is not null decides; none → undefined; a throw counts as expired', async () => {
    const calls: string[] = [];
    const h = await setUp(validity('a', { isUserExpired: () => { calls.push('a'); return null; } }), validity('b', { isUserExpired: () => { calls.push('b'); return false; } }), validity('c', { isUserExpired: () => { calls.push('c'); return true; } }));
    assert.equal(await h.callbacks.accountValidity.isUserExpired('irc:alice'), false);
    assert.deepEqual(calls, ['a', 'b']);
    assert.equal(await (await setUp(validity('a', { isUserExpired: () => undefined }))).callbacks.accountValidity.isUserExpired('x'), undefined);
    const broken = await setUp(validity('x', { isUserExpired: () => { throw new Error('b'); } }), validity('y', { isUserExpired: () => false }));
    assert.equal(await broken.callbacks.accountValidity.isUserExpired('x'), true);
  });

  for (const name of ['onUserRegistration', 'onUserLogin'] as const) {
    it(`${name}: runs all in order; a throw is logged and the others still run`, async () => {
      const calls: string[] = [];
      const h = await setUp(validity('a', { [name]: () => void calls.push('a') }), validity('x', { [name]: () => { calls.push('x'); throw new Error('boom'); } }), validity('c', { [name]: () => void calls.push('c') }));
      if (name === 'onUserRegistration') await h.callbacks.accountValidity.onUserRegistration('irc:alice');
      else await h.callbacks.accountValidity.onUserLogin('irc:alice', 'sb.password', undefined);
      assert.deepEqual(calls, ['a', 'x', 'c']);
      assert.deepEqual(h.errors(), [['x', 'module callback threw; its answer is left out']]);
    });
  }

  it('onAccountDataUpdated: api.accountData.set stores, then runs every callback in order; a throw is logged, the others run', async () => {
    const calls: Array<[string, unknown]> = [];
    const h = await setUp(
      defineModule({ name: 'a', setup: (api) => void api.registerAccountDataCallbacks({ onAccountDataUpdated: (user, channel, type, content) => void calls.push(['a', { user, channel, type, content }]) }) }),
      defineModule({ name: 'x', setup: (api) => void api.registerAccountDataCallbacks({ onAccountDataUpdated: () => { throw new Error('boom'); } }) }),
      defineModule({ name: 'c', setup: (api) => void api.registerAccountDataCallbacks({ onAccountDataUpdated: (_u, _c, type) => void calls.push(['c', type]) }) }),
    );
    const data = h.apis[0]!.accountData;
    await data.set('irc:alice', 'relay.colour', { colour: 'blue' }, lobby);
    assert.deepEqual(await h.apis[2]!.accountData.get('irc:alice', 'relay.colour', lobby), { colour: 'blue' });
    assert.equal(await data.get('irc:alice', 'relay.colour'), undefined, 'global and per-channel data are separate');
    await data.delete('irc:alice', 'relay.colour', lobby);
    assert.deepEqual(await data.get('irc:alice', 'relay.colour', lobby), {});
    assert.deepEqual(calls, [
      ['a', { user: 'irc:alice', channel: lobby, type: 'relay.colour', content: { colour: 'blue' } }], ['c', 'relay.colour'],
      ['a', { user: 'irc:alice', channel: lobby, type: 'relay.colour', content: {} }], ['c', 'relay.colour'],
    ]);
    assert.equal(h.errors().length, 2);
    await assert.rejects(data.set('irc:alice', 'x', [] as never), /must be a JSON object/);
  });

  it('background update controller: only the first module to register is used; onUpdate paces every iteration', async () => {
    const trace: string[] = [];
    const h = await setUp(
      defineModule({
        name: 'pacer',
        setup: (api) => void api.registerBackgroundUpdateControllerCallbacks({
          onUpdate: (update, db, oneShot) => ({
            enter: async () => { trace.push(`enter:${update}:${db}:${oneShot}`); return 50; },
            exit: async (error) => void trace.push(`exit:${error === undefined ? 'ok' : 'error'}`),
          }),
          defaultBatchSize: () => 3,
          minBatchSize: () => 2,
        }),
      }),
      defineModule({ name: 'late', setup: (api) => void api.registerBackgroundUpdateControllerCallbacks({ onUpdate: () => { throw new Error('never called'); }, defaultBatchSize: () => 1000 }) }),
    );
    assert.equal(h.callbacks.backgroundUpdates.controller, 'pacer');
    assert.equal(h.captured.lines.some((l) => l.module === 'late' && l.level === 40), true, 'the second registration is ignored with a warning');
    const sizes: number[] = [];
    const result = await h.apis[0]!.runBackgroundUpdate(countingUpdate(7, sizes));
    assert.equal(sizes[0], 3, 'defaultBatchSize of the first module');
    assert.equal(result.processed, 7);
    assert.equal(sizes.every((s) => s >= 2), true, 'never below minBatchSize');
    assert.equal(trace.filter((t) => t.startsWith('enter:prune-test:main:false')).length, result.iterations);
    assert.equal(trace.filter((t) => t === 'exit:ok').length, result.iterations);
  });

  it('background update controller: onUpdate is required; a throwing controller falls back to the defaults', async () => {
    await assert.rejects(
      setUpModules([defineModule({ name: 'partial', setup: (api) => void api.registerBackgroundUpdateControllerCallbacks({ defaultBatchSize: () => 5 }) })]),
      /module partial: registerBackgroundUpdateControllerCallbacks: onUpdate is required/,
    );
    const h = await setUp(defineModule({
      name: 'broken',
      setup: (api) => void api.registerBackgroundUpdateControllerCallbacks({ onUpdate: () => { throw new Error('x'); }, defaultBatchSize: () => { throw new Error('y'); } }),
    }));
    const sizes: number[] = [];
    const result = await h.callbacks.backgroundUpdater.run(countingUpdate(150, sizes));
    assert.equal(sizes[0], 100);
    assert.equal(result.processed, 150);
    assert.equal(h.errors().every(([module]) => module === 'broken'), true);
    assert.equal(h.errors().length >= 2, true);
  });

  it('background updates: a failing batch exits the context with the error and rejects', async () => {
    const trace: string[] = [];
    const h = await setUp(defineModule({
      name: 'pacer',
      setup: (api) => void api.registerBackgroundUpdateControllerCallbacks({ onUpdate: () => ({ enter: async () => 10, exit: async (e) => void trace.push(e instanceof Error ? e.message : 'ok') }) }),
    }));
    const failing: BackgroundUpdate = { name: 'bad', database: 'main', oneShot: true, runBatch: async () => { throw new Error('disk full'); } };
    await assert.rejects(h.callbacks.backgroundUpdater.run(failing), /disk full/);
    assert.deepEqual(trace, ['disk full']);
  });

  it('nextBatchSize fits the target duration, grows at most twofold, never goes below the minimum', () => {
    assert.equal(nextBatchSize(100, 100, 50, 100, 1), 200);
    assert.equal(nextBatchSize(100, 100, 400, 100, 1), 25);
    assert.equal(nextBatchSize(100, 100, 400, 100, 60), 60);
    assert.equal(nextBatchSize(100, 0, 10, 100, 1), 100);
  });

  it('a background updater with a fake clock adapts the batch size to the measured rate', async () => {
    const h = await setUp();
    let clock = 0;
    const updater = new BackgroundUpdater(h.callbacks.backgroundUpdates, silentLogger(), () => clock);
    const sizes: number[] = [];
    const job = countingUpdate(1000, sizes);
    const slowJob: BackgroundUpdate = { ...job, runBatch: async (n) => { clock += n * 4; return job.runBatch(n); } };
    await updater.run(slowJob);
    assert.deepEqual(sizes.slice(0, 2), [100, 100], 'at 4 ms per item, 100 ms fit 25, raised to the default minimum of 100');
  });

  it('addFieldToUnsigned: every module runs; the last registered wins per field; core fields stay; a throw leaves that module out', async () => {
    const h = await setUp(
      defineModule({ name: 'a', setup: (api) => void api.registerAddExtraFieldsToUnsignedClientEventCallbacks({ addFieldToUnsigned: () => ({ colour: 'red', a: 1, age: 5 }) }) }),
      defineModule({ name: 'x', setup: (api) => void api.registerAddExtraFieldsToUnsignedClientEventCallbacks({ addFieldToUnsigned: () => { throw new Error('boom'); } }) }),
      defineModule({ name: 'b', setup: (api) => void api.registerAddExtraFieldsToUnsignedClientEventCallbacks({ addFieldToUnsigned: () => ({ colour: 'blue', b: 2 }) }) }),
    );
    const fields = await h.callbacks.unsignedFields.addFieldsToUnsigned(messageEvent('x'), ['age']);
    assert.deepEqual(fields, { colour: 'blue', a: 1, b: 2 });
    assert.deepEqual(h.errors(), [['x', 'module callback threw; its answer is left out']]);
    await h.callbacks.unsignedFields.addFieldsToUnsigned(messageEvent('y'), ['age']);
    assert.equal(h.captured.lines.filter((l) => l.msg === 'module tried to override a core field; ignored').length, 1, 'warned once');
  });

  it('beforeSend: each module rewrites the previous output in order; null suppresses this one delivery and stops the rest', async () => {
    const calls: string[] = [];
    const suffix = (name: string) => defineModule({
      name,
      setup: (api) => void api.registerRelayCallbacks({
        beforeSend: (m, target) => {
          calls.push(`${name}:${target.network}`);
          if (name === 'filter' && target.network === 'xmpp') return null;
          const node = m.body[0];
          return { ...m, body: [{ type: 'text', text: `${node?.type === 'text' ? node.text : ''}+${name}` }] } satisfies Message;
        },
      }),
    });
    const h = await setUp(suffix('a'), suffix('filter'), suffix('c'));
    const relay = h.callbacks.relay;
    const toIrc = await relay.beforeSend(message('hi', room), lobby);
    assert.deepEqual(toIrc?.body, [{ type: 'text', text: 'hi+a+filter+c' }]);
    assert.equal(await relay.beforeSend(message('hi', lobby), room), null);
    assert.deepEqual(calls, ['a:irc', 'filter:irc', 'c:irc', 'a:xmpp', 'filter:xmpp']);
  });

  it('beforeSend: a module that throws (or answers garbage) suppresses that delivery (fail closed), logged', async () => {
    const calls: string[] = [];
    const h = await setUp(
      defineModule({ name: 'x', setup: (api) => void api.registerRelayCallbacks({ beforeSend: () => { calls.push('x'); throw new Error('boom'); } }) }),
      defineModule({ name: 'y', setup: (api) => void api.registerRelayCallbacks({ beforeSend: (m) => { calls.push('y'); return m; } }) }),
    );
    assert.deepEqual(await h.callbacks.relay.beforeSendDetailed(message('hi'), room), { suppressed: true, module: 'x', threw: new Error('boom') });
    assert.deepEqual(calls, ['x']);
    const garbage = await setUp(defineModule({ name: 'g', setup: (api) => void api.registerRelayCallbacks({ beforeSend: () => 'text' as never }) }));
    assert.equal(await garbage.callbacks.relay.beforeSend(message('hi'), room), null);
    assert.deepEqual(garbage.errors(), [['g', 'module callback threw; the operation is refused']]);
  });

  it('beforeSend answers at once while every module does; from a module answering with a promise on, the chain waits, in order, with the same rules', async () => {
    const calls: string[] = [];
    const step = (name: string, how: 'now' | 'later' | 'rejects' | 'null-later') => defineModule({
      name,
      setup: (api) => void api.registerRelayCallbacks({
        beforeSend: (m) => {
          calls.push(name);
          const node = m.body[0];
          const next = { ...m, body: [{ type: 'text', text: `${node?.type === 'text' ? node.text : ''}+${name}` }] } satisfies Message;
          if (how === 'now') return next;
          if (how === 'rejects') return Promise.reject(new Error('late boom'));
          return new Promise<Message | null>((resolve) => setImmediate(() => resolve(how === 'later' ? next : null)));
        },
      }),
    });
    const now = await setUp(step('a', 'now'), step('b', 'now'));
    const answer = now.callbacks.relay.beforeSend(message('hi', room), lobby);
    assert.ok(!(answer instanceof Promise), 'no promise when nobody needs one');
    assert.deepEqual((answer as Message).body, [{ type: 'text', text: 'hi+a+b' }]);

    calls.length = 0;
    const mixed = await setUp(step('a', 'now'), step('b', 'later'), step('c', 'now'));
    const later = mixed.callbacks.relay.beforeSend(message('hi', room), lobby);
    assert.ok(later instanceof Promise);
    assert.deepEqual((await later)?.body, [{ type: 'text', text: 'hi+a+b+c' }]);
    assert.deepEqual(calls, ['a', 'b', 'c']);

    calls.length = 0;
    const refused = await setUp(step('a', 'later'), step('b', 'rejects'), step('c', 'now'));
    assert.deepEqual(await refused.callbacks.relay.beforeSendDetailed(message('hi', room), lobby), { suppressed: true, module: 'b', threw: new Error('late boom') });
    assert.deepEqual(refused.errors(), [['b', 'module callback threw; the operation is refused']]);
    const dropped = await setUp(step('a', 'null-later'), step('c', 'now'));
    assert.equal(await dropped.callbacks.relay.beforeSend(message('hi', room), lobby), null);
    assert.deepEqual(calls, ['a', 'b', 'a'], 'nothing runs after a refusal or a null');
  });

  it('userMayRelay: true without modules; the first false decides; a throw refuses (fail closed), logged', async () => {
    const alice = message('hi').author;
    const none = await setUp();
    assert.equal(await none.callbacks.relay.userMayRelay(alice, room), true);
    const calls: string[] = [];
    const gate = (name: string, answer: boolean | Error) => defineModule({
      name,
      setup: (api) => void api.registerRelayCallbacks({
        userMayRelay: () => {
          calls.push(name);
          if (answer instanceof Error) throw answer;
          return answer;
        },
      }),
    });
    const h = await setUp(gate('yes', true), gate('no', false), gate('later', true));
    assert.equal(await h.callbacks.relay.userMayRelay(alice, room), false);
    assert.deepEqual(calls, ['yes', 'no']);
    const allowing = await setUp(gate('a', true), gate('b', true));
    assert.equal(await allowing.callbacks.relay.userMayRelay(alice, room), true);
    const broken = await setUp(gate('x', new Error('boom')));
    assert.equal(await broken.callbacks.relay.userMayRelay(alice, room), false);
    assert.deepEqual(broken.errors(), [['x', 'module callback threw; the operation is refused']]);
  });
});
