/**
 * Choosing a gateway's legacy network (ADR 0009): the hub's plugin registry, the module API's
 * registerLegacyNetwork (names checked, one owner per name, undone by its disposer), the lookup a
 * gateway makes when it connects, and the `legacy:` options (IRC's, or any a module takes).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PluginRegistry } from '../../src/core/plugins.js';
import { gatewayConfigSchema } from '../../src/gateway/config.js';
import { findLegacyNetwork, LEGACY_NETWORK_PLUGIN } from '../../src/gateway/legacy-networks.js';
import type { LegacyNetworkFactory } from '../../src/gateway/api.js';
import { startTestHub } from '../../src/app/testing.js';
import { silentLogger } from '../../src/core/log.js';
import type { GatewayAccountStore } from '../../src/core/store.js';
import { GatewayNetwork } from '../../src/gateway/network.js';
import { MemoryStore } from '../support/memory-store.js';
import { defineModule } from '../../src/modules/public.js';

const factory: LegacyNetworkFactory = () => {
  throw new Error('not made in this test');
};

describe('gateway legacy networks', () => {
  it('the plugin registry keeps one value per kind and name, until its disposer runs', () => {
    const plugins = new PluginRegistry();
    const dispose = plugins.add('k', 'a', 1);
    assert.throws(() => plugins.add('k', 'a', 2), /already registered/);
    plugins.add('other', 'a', 3);
    assert.equal(plugins.get('k', 'a'), 1);
    assert.deepEqual(plugins.names('k'), ['a']);
    dispose();
    assert.equal(plugins.get('k', 'a'), undefined);
    assert.equal(plugins.get('other', 'a'), 3);
  });

  it('a gateway finds a module\'s factory, or says which names exist', () => {
    const plugins = new PluginRegistry();
    assert.throws(() => findLegacyNetwork(undefined, 'x'), /no module registered the legacy network "x" \(built in: irc\)/);
    plugins.add(LEGACY_NETWORK_PLUGIN, 'signal', factory);
    assert.equal(findLegacyNetwork(plugins, 'signal'), factory);
    assert.throws(() => findLegacyNetwork(plugins, 'x'), /from modules: signal/);
    plugins.add(LEGACY_NETWORK_PLUGIN, 'broken', 'not a function');
    assert.throws(() => findLegacyNetwork(plugins, 'broken'), /no module registered/);
  });

  it('modules register legacy networks by a name of their own; irc and bad names are refused', async () => {
    const hub = await startTestHub({ modules: [defineModule({ name: 'one', setup: () => undefined }), defineModule({ name: 'two', setup: () => undefined })] });
    try {
      const one = hub.api('one');
      const dispose = one.registerLegacyNetwork('signal', factory);
      assert.throws(() => hub.api('two').registerLegacyNetwork('signal', factory), /already registered/);
      assert.throws(() => one.registerLegacyNetwork('irc', factory), /irc is built in/);
      assert.throws(() => one.registerLegacyNetwork('Bad Name', factory), /not a legacy network name/);
      assert.throws(() => one.registerLegacyNetwork('ok', 'nope' as unknown as LegacyNetworkFactory), /must be a function/);
      dispose();
      hub.api('two').registerLegacyNetwork('signal', factory);
    } finally {
      await hub.stop();
    }
  });

  it('a gateway whose legacy network no module registered fails to connect with a clear error, before opening its link', async (t) => {
    const variable = `SWITCHBOARD_TEST_LEGACY_KEY_${process.pid}`;
    process.env[variable] = Buffer.alloc(32, 7).toString('base64');
    t.after(() => delete process.env[variable]);
    const accounts: GatewayAccountStore = { get: async () => undefined, all: async () => [], put: async () => undefined, remove: async () => false };
    const config = gatewayConfigSchema.parse({ domain: 'gw.example.org', host: '127.0.0.1', port: 1, password: 's', secretKey: { env: variable }, legacy: { protocol: 'nowhere' } });
    const plugins = new PluginRegistry();
    plugins.add(LEGACY_NETWORK_PLUGIN, 'elsewhere', factory);
    const network = new GatewayNetwork({
      name: 'gw', log: silentLogger(), store: new MemoryStore(), accounts, plugins,
      wantedChannels: () => [], emit: () => undefined, connectionLost: () => undefined,
    }, config);
    await assert.rejects(network.connect(), /no module registered the legacy network "nowhere" \(built in: irc; from modules: elsewhere\)/);
    await network.disconnect();
  });

  it('legacy options: IRC\'s are checked as before; a module\'s pass through with their protocol', () => {
    const base = { domain: 'gw.example.org', host: '127.0.0.1', password: 's', secretKey: { env: 'K' } };
    const irc = gatewayConfigSchema.parse({ ...base, legacy: { protocol: 'irc', host: 'irc.example.org' } });
    assert.equal(irc.legacy.protocol, 'irc');
    assert.equal(gatewayConfigSchema.safeParse({ ...base, legacy: { protocol: 'irc', host: 'irc.example.org', bogus: 1 } }).success, false);
    const other = gatewayConfigSchema.parse({ ...base, legacy: { protocol: 'test-steps', mode: 'qr' } });
    assert.deepEqual(other.legacy, { protocol: 'test-steps', mode: 'qr' });
    assert.equal(other.registrationStepTimeoutMs, 300_000);
    assert.equal(gatewayConfigSchema.safeParse({ ...base, legacy: { protocol: 'Not OK' } }).success, false);
    assert.equal(gatewayConfigSchema.safeParse({ ...base, legacy: { host: 'x' } }).success, false);
  });
});
