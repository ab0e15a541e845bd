import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineModule, ModuleConfigError } from '../../src/modules/define.js';
import { operationsOf } from '../../src/modules/operations.js';
import { NOT_SPAM } from '../../src/modules/callbacks/values.js';
import { startTestHub } from '../../src/app/testing.js';
import { z } from 'zod';
import { checkModules, loadModules, ModuleLoadError } from '../../src/modules/loader.js';
import type { ModuleConfig } from '../../src/config/types.js';
import { alice, lobby, messageEvent } from './modules-harness.js';

describe('the module surface', () => {
  it('exports the error classes modules are told to catch as values', async () => {
    const entry = await import('../../src/index.js');
    for (const name of ['SendRefusedError', 'EgressError', 'CallbackFailedError', 'ModuleConfigError', 'ConfigError'] as const) {
      assert.equal(typeof entry[name], 'function', name);
    }
    const refused: unknown = new entry.SendRefusedError('refused');
    assert.equal(refused instanceof Error && refused instanceof entry.SendRefusedError, true);
  });

  it('registering a callback no running hub calls yet logs one warning per module and callback, naming it', async () => {
    const register = defineModule({
      name: 'early',
      setup(api) {
        api.registerSpamCheckerCallbacks({ userMaySend3pidInvite: () => NOT_SPAM, checkEventForSpam: () => NOT_SPAM });
        api.registerSpamCheckerCallbacks({ userMaySend3pidInvite: () => NOT_SPAM });
        api.registerPasswordAuthProviderCallbacks({ check3pidAuth: () => null });
      },
    });
    const hub = await startTestHub({ modules: [register] });
    try {
      const warnings = hub.logs.filter((l) => l.level === 40 && l.module === 'early').map((l) => l.callback);
      assert.deepEqual(warnings, ['spamChecker.userMaySend3pidInvite', 'passwordAuthProvider.check3pidAuth']);
    } finally {
      await hub.stop();
    }
  });

  it('the callback operations are granted to built-in modules only', async () => {
    const grabbing = defineModule({ name: 'grabbing', setup: (api) => void operationsOf(api) });
    await assert.rejects(startTestHub({ modules: [grabbing] }), /module grabbing: the callback operations are granted only to Switchboard's built-in modules/);
    const hub = await startTestHub({ modules: [{ module: 'relay' }] });
    await hub.stop();
  });

  it('switchboard and switchboard/testing are entry points of one build: the hub recognises the package\'s error classes', async () => {
    const [pkg, testing] = (await Promise.all([import('switchboard' as string), import('switchboard/testing' as string)])) as [
      { defineModule: typeof defineModule; ModuleConfigError: typeof ModuleConfigError },
      { startTestHub: typeof startTestHub },
    ];
    assert.notEqual(testing.startTestHub, startTestHub, 'the package entry is the bundled build, not dist/src');
    const strict = pkg.defineModule({
      name: 'strict',
      parseConfig: () => {
        throw new pkg.ModuleConfigError('limits.perMinute', 'must be positive');
      },
      setup: () => undefined,
    });
    // Recognised as a ModuleConfigError (instanceof), the refusal names the field; otherwise it would read "refused its config".
    await assert.rejects(testing.startTestHub({ modules: [strict] }), (error: Error) => /module strict: limits\.perMinute: must be positive/.test(error.message) && !/refused its config/.test(error.message));
  });

  it('startTestHub: an emitted event passes the checks and reaches the listeners; sends reach the in-memory network', async () => {
    const seen: string[] = [];
    const echo = defineModule({
      name: 'echo',
      setup(api) {
        api.registerSpamCheckerCallbacks({ checkEventForSpam: (event) => (event.sender === 'mallory' ? 'spam' : NOT_SPAM) });
        api.on('MESSAGE', async (event) => {
          seen.push(event.sender);
          await api.sendMessage(event.args.channel ?? lobby, [{ type: 'text', text: 'pong' }]);
        });
      },
    });
    const hub = await startTestHub({ modules: [echo], networks: ['irc'] });
    try {
      await hub.emit(messageEvent('ping'));
      await hub.emit({ ...messageEvent('spam'), sender: 'mallory' });
      assert.deepEqual(seen, [alice.id]);
      assert.deepEqual(hub.network('irc').sent.map((m) => m.body), [[{ type: 'text', text: 'pong' }]]);
      assert.equal(hub.network('irc').sent[0]?.target && 'channel' in hub.network('irc').sent[0]!.target, true);
      assert.equal(hub.api('echo').members(lobby).length, 0);
    } finally {
      await hub.stop();
    }
  });

  describe('parseConfig given a schema', () => {
    const limits = defineModule({
      name: 'limits',
      parseConfig: z.object({ perMinute: z.number().positive(), channels: z.array(z.string().startsWith('#')).default([]) }),
      setup(api, config) {
        const perMinute: number = config.perMinute;
        api.log.info({ perMinute, channels: config.channels.length }, 'limits ready');
      },
    });
    const entry = (config: unknown): ModuleConfig => ({ module: './limits.mjs', specifier: 'limits', config, line: 7, definition: limits });
    const file = '/etc/switchboard.yaml';

    it('hands setup the parsed value', async () => {
      const [loaded] = await loadModules(file, [entry({ perMinute: 30 })], {});
      assert.deepEqual(loaded?.config, { perMinute: 30, channels: [] });
    });

    it('check reports every issue as file:line: modules[i].config.path: reason', async () => {
      const problems = await checkModules(file, [entry({ perMinute: -1, channels: ['#ok', 'lobby'] })], {});
      assert.deepEqual(problems.map((p) => `${p.file}:${p.line}: ${p.path}`), [
        `${file}:7: modules[0].config.perMinute`,
        `${file}:7: modules[0].config.channels[1]`,
      ]);
      assert.match(problems[1]!.reason, /^\(\.\/limits\.mjs\) module limits: .*#/);
    });

    it('refuses the start naming the module, the field and the reason; a missing block is refused at config', async () => {
      await assert.rejects(loadModules(file, [entry({ perMinute: 'fast' })], {}), (error: unknown) =>
        error instanceof ModuleLoadError && error.message.startsWith(`${file}:7: modules[0] (./limits.mjs): module limits: perMinute: `));
      const problems = await checkModules(file, [entry(undefined)], {});
      assert.deepEqual(problems.map((p) => p.path), ['modules[0].config']);
    });
  });
});
