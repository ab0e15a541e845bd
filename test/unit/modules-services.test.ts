import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cached, cacheSize, invalidateCache } from '../../src/modules/cache.js';
import { defineModule, ModuleConfigError } from '../../src/modules/define.js';
import { loadModules, ModuleLoadError } from '../../src/modules/loader.js';
import { WebResourceError, WebResourceRegistry } from '../../src/modules/web-resources.js';
import { silentLogger } from '../../src/core/log.js';
import { lobby, room, setUpModules, type Harness } from './modules-harness.js';

describe('module services: cache, web resources, lookups, config errors', () => {
  const harnesses: Harness[] = [];
  after(async () => Promise.all(harnesses.map((h) => h.close())));

  it('cached: one computation per argument list until invalidated; rejections are not cached', async () => {
    let computed = 0;
    const lookup = cached(async (user: string, n: number) => { computed += 1; return `${user}:${n}:${computed}`; });
    const [a, b] = await Promise.all([lookup('alice', 1), lookup('alice', 1)]);
    assert.equal(a, b, 'concurrent calls share one result');
    assert.equal(await lookup('alice', 1), a);
    assert.notEqual(await lookup('alice', 2), a);
    assert.equal(computed, 2);
    assert.equal(invalidateCache(lookup, ['alice', 1]), true);
    assert.equal(invalidateCache(lookup, ['alice', 1]), false);
    assert.equal(await lookup('alice', 1), 'alice:1:3');

    let attempts = 0;
    const flaky = cached(async () => { attempts += 1; if (attempts === 1) throw new Error('once'); return 'ok'; });
    await assert.rejects(flaky(), /once/);
    assert.equal(await flaky(), 'ok');
    assert.throws(() => invalidateCache(async () => 1, []), /not made by api.cached/);
  });

  it('cached: entries expire after ttl (injected clock)', async () => {
    let now = 0;
    let computed = 0;
    const fn = cached(async () => ++computed, { ttl: 100 }, () => now);
    assert.equal(await fn(), 1);
    now = 99;
    assert.equal(await fn(), 1);
    now = 100;
    assert.equal(await fn(), 2);
  });

  it('cached: never holds more than maxEntries, evicting the least recently used (property)', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 40 }), async (max, keys) => {
      const fn = cached(async (k: number) => k, { maxEntries: max });
      const recent: number[] = [];
      for (const k of keys) {
        await fn(k);
        const at = recent.indexOf(k);
        if (at !== -1) recent.splice(at, 1);
        recent.push(k);
        assert.equal(cacheSize(fn) <= max, true);
      }
      const kept = recent.slice(-max);
      for (const k of kept) assert.equal(invalidateCache(fn, [k]), true, `${k} was among the ${max} most recently used`);
    }));
  });

  it('web resources: first module wins, later ones are ignored with a warning; core paths and bad paths throw', async () => {
    const handler = async () => ({ status: 200, body: 'x' });
    const h = await setUpModules([
      defineModule({ name: 'first', setup: (api) => void assert.equal(api.registerWebResource('/shared/status', handler), true) }),
      defineModule({ name: 'second', setup: (api) => void assert.equal(api.registerWebResource('/shared/status', handler), false) }),
    ]);
    harnesses.push(h);
    assert.deepEqual(h.web.list().map((r) => [r.path, r.module]), [['/shared/status', 'first']]);
    assert.equal(h.captured.lines.filter((l) => l.level === 40 && l.module === 'second' && l.owner === 'first').length, 1);
    assert.throws(() => h.web.register('late', '/late', handler), /before the HTTP server starts/, 'the hub froze the list after setup');
    const fresh = new WebResourceRegistry(silentLogger());
    for (const path of ['/_switchboard/admin', '/_switchboard', '/health', '/metrics', 'relative', '/with space']) {
      assert.throws(() => fresh.register('m', path, handler), WebResourceError, path);
    }
  });

  it('lookups: bridge, bridgesOf, members (no networks: empty), sendMessage to an unknown network rejects', async () => {
    const bridges = [{ name: 'main', channels: [lobby, room], options: {} }, { name: 'other', channels: [lobby], options: {} }];
    const h = await setUpModules([defineModule({ name: 'm', setup: () => undefined })], bridges);
    harnesses.push(h);
    const api = h.apis[0]!;
    assert.equal(api.bridge('main')?.name, 'main');
    assert.equal(api.bridge('nope'), undefined);
    assert.deepEqual(api.bridgesOf(lobby).map((b) => b.name), ['main', 'other']);
    assert.deepEqual(api.bridgesOf({ network: 'irc', id: '#elsewhere' }), []);
    assert.deepEqual(api.members(lobby), []);
    await assert.rejects(api.sendMessage(lobby, [{ type: 'text', text: 'hi' }]), /module m: sendMessage: no network named "irc"/);
  });

  it('a module refusing its config stops loading with "module <name>: <field>: <reason>"', async () => {
    const file = '/etc/switchboard.yaml';
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'sb-loader-'));
    const path = join(dir, 'limits.mjs');
    writeFileSync(path, `export default { name: 'limits', parseConfig() { throw new Error('x'); }, setup() {} };\n`);
    await assert.rejects(loadModules(file, [{ module: './limits.mjs', specifier: path, config: {}, line: 7 }], {}), (error: unknown) =>
      error instanceof ModuleLoadError && error.message === `${file}:7: modules[0] (./limits.mjs): module limits refused its config: x`);
    const defined = defineModule({ name: 'rate', parseConfig: () => { throw new ModuleConfigError('limits.perMinute', 'must be a positive number, e.g. 30'); }, setup: () => undefined });
    const path2 = join(dir, 'rate.mjs');
    (globalThis as Record<string, unknown>).__sbRateModule = defined;
    writeFileSync(path2, 'export default globalThis.__sbRateModule;\n');
    await assert.rejects(loadModules(file, [{ module: './rate.mjs', specifier: path2, config: { limits: { perMinute: -1 } } }], {}), (error: unknown) =>
      error instanceof ModuleLoadError && error.message === `${file}: modules[0] (./rate.mjs): module rate: limits.perMinute: must be a positive number, e.g. 30`);
  });
});
