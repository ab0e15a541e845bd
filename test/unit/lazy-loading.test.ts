/**
 * Start-up cost: which npm packages a module pulls in when imported, measured in a fresh child
 * process (a resolve hook records every ESM import, require.cache the CommonJS ones). The CLI,
 * the protocol registry and the host must not load what the config may not need.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
const dist = (path: string): string => fileURLToPath(new URL(`../../src/${path}`, import.meta.url));

/** Runs in the child: records resolved URLs in a hook thread, imports the target, prints the packages. */
const CHILD = String.raw`
import { register, createRequire } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
const hooks = 'let port; export function initialize(data) { port = data.port; }' +
  'export async function resolve(specifier, context, next) { const result = await next(specifier, context); port.postMessage(result.url); return result; }';
const { port1, port2 } = new MessageChannel();
const urls = [];
const MARKER = 'data:text/javascript,export default 0; // loaded-marker';
const markerSeen = new Promise((resolve) => port1.on('message', (url) => (url === MARKER ? resolve() : urls.push(url))));
register('data:text/javascript,' + encodeURIComponent(hooks), { data: { port: port2 }, transferList: [port2] });
await import(process.argv[1]);
await import(MARKER);
await markerSeen;
port1.close();
const files = [...urls, ...Object.keys(createRequire(import.meta.url).cache)];
const packages = new Set();
const own = new Set();
for (const file of files) {
  const path = decodeURIComponent(file);
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  if (match) packages.add(match[1]);
  const source = /\/dist\/src\/(.+\.js)$/.exec(path);
  if (source && !match) own.add(source[1]);
}
process.stdout.write(JSON.stringify({ packages: [...packages].sort(), own: [...own].sort() }));
`;

interface Loaded {
  /** npm packages. */
  readonly packages: string[];
  /** Our own files, as paths under dist/src. */
  readonly own: string[];
}

/** What importing `file` (a path under dist/src) loads. */
async function loadedBy(file: string): Promise<Loaded> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', CHILD, dist(file)], { timeout: 30_000 });
  return JSON.parse(stdout) as Loaded;
}

/** The npm packages loaded by importing `file` (a path under dist/src). */
async function packagesLoadedBy(file: string): Promise<string[]> {
  return (await loadedBy(file)).packages;
}

function assertNoneOf(loaded: readonly string[], heavy: readonly string[], what: string): void {
  const found = heavy.filter((name) => loaded.includes(name));
  assert.deepEqual(found, [], `${what} loads ${found.join(', ')} (all it loads: ${loaded.join(', ')})`);
}

const ADAPTERS = ['irc-framework', '@xmpp/client-core', '@xmpp/sasl', '@xmpp/xml'];
const DRIVERS = ['pg', 'better-sqlite3'];

describe('lazy loading', () => {
  void it('the CLI entry loads commander only: init, check and run import what they need when they run', async () => {
    const loaded = await packagesLoadedBy('cli/main.js');
    assert.ok(loaded.includes('commander'), `the probe sees packages: ${loaded.join(', ')}`);
    assertNoneOf(loaded, [...ADAPTERS, ...DRIVERS, 'fastify', 'pino', 'prom-client', 'zod', 'yaml', 'kysely'], 'cli/main.js');
  });

  void it('the protocol registry loads the config schemas, never an adapter', async () => {
    const loaded = await packagesLoadedBy('networks/registry.js');
    assert.ok(loaded.includes('zod'), `the probe sees packages: ${loaded.join(', ')}`);
    assertNoneOf(loaded, [...ADAPTERS, ...DRIVERS, 'fastify'], 'networks/registry.js');
  });

  void it('`switchboard run` loads neither an adapter, nor a database driver, nor fastify, nor prom-client before the config asks for them', async () => {
    const loaded = await packagesLoadedBy('cli/run.js');
    assert.ok(loaded.includes('pino'), `the probe sees packages: ${loaded.join(', ')}`);
    // prom-client only with HTTP on (GET /metrics is the only reader of the metrics).
    assertNoneOf(loaded, [...ADAPTERS, ...DRIVERS, 'fastify', 'prom-client'], 'cli/run.js');
  });

  void it('the adapters load the paste client and HTTP File Upload only when a message needs them', async () => {
    const irc = await loadedBy('networks/irc/adapter.js');
    assert.ok(irc.own.includes('networks/irc/long-messages.js'), `the probe sees our files: ${irc.own.join(', ')}`);
    assert.ok(!irc.own.includes('networks/irc/paste-client.js'), 'networks/irc/adapter.js loads the paste client');
    const xmpp = await loadedBy('networks/xmpp/adapter.js');
    assert.ok(xmpp.own.includes('networks/xmpp/outbound.js'), `the probe sees our files: ${xmpp.own.join(', ')}`);
    assert.ok(!xmpp.own.includes('networks/xmpp/upload.js'), 'networks/xmpp/adapter.js loads HTTP File Upload');
  });

  void it('the egress client loads node:http and node:https (request.js) with its first request only', async () => {
    const egress = await loadedBy('net/egress/index.js');
    assert.ok(egress.own.includes('net/egress/client.js'), `the probe sees our files: ${egress.own.join(', ')}`);
    assert.ok(!egress.own.includes('net/egress/request.js'), 'net/egress/index.js loads request.js (node:http, node:https)');
  });

  void it('the probe does see an adapter when one is imported (the test can fail)', async () => {
    const loaded = await packagesLoadedBy('networks/irc/adapter.js');
    assert.ok(loaded.includes('irc-framework'), loaded.join(', '));
  });
});
