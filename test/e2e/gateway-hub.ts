/**
 * A hub with one `gateway` network (`gw`) on the given Prosody component and IRC server, and one
 * test module, for the gateway e2e tests. The sealing key is a fresh random one in an environment
 * variable of its own, removed after the test; the hub is stopped after the test.
 */
import type { TestContext } from 'node:test';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Hub } from '../../src/app/hub.js';
import { allProtocols } from '../../src/app/protocols.js';
import { gatewayConfigSchema } from '../../src/gateway/config.js';
import { silentLogger } from '../../src/core/log.js';
import { openStore } from '../../src/store/open.js';
import type { ModuleDefinition } from '../../src/modules/public.js';
import type { IrcServer, XmppServer } from '../support/servers.js';
import { hubBase } from '../support/hub-config.js';

let keys = 0;

/**
 * Starts the hub and waits until it is ready. `options`: more gateway options (e.g. `admins`, or a
 * `legacy` of a test module's legacy network: then no IRC server is needed).
 */
export async function startGatewayHub(t: TestContext, setup: {
  readonly xmpp: XmppServer;
  readonly irc?: IrcServer;
  readonly dir: string;
  readonly module: ModuleDefinition<unknown>;
  readonly options?: Readonly<Record<string, unknown>>;
  /** The sealing key (base64), to start a hub again on the same database; a fresh one when absent. */
  readonly key?: string;
}): Promise<Hub> {
  const { xmpp, irc, dir, module } = setup;
  const keyVariable = `SWITCHBOARD_TEST_GATEWAY_KEY_${process.pid}_${++keys}`;
  process.env[keyVariable] = setup.key ?? randomBytes(32).toString('base64');
  t.after(() => delete process.env[keyVariable]);
  const options = gatewayConfigSchema.parse({
    domain: xmpp.componentDomain, host: xmpp.host, port: xmpp.componentPort, password: xmpp.componentSecret,
    secretKey: { env: keyVariable },
    ...(irc === undefined ? {} : { legacy: { protocol: 'irc', host: irc.host, port: irc.port, tls: false } }),
    ...setup.options,
  });
  const config = {
    ...hubBase(dir, { logLevel: 'warn' }), networks: [{ name: 'gw', protocol: 'gateway', options }], bridges: [],
    modules: [{ module: module.name, specifier: module.name, config: undefined, definition: module }],
  };
  const hub = await Hub.start({ config: { ...config, file: join(dir, 'switchboard.yaml') }, log: silentLogger(), protocols: allProtocols() });
  t.after(() => hub.stop());
  await hub.ready;
  return hub;
}

/** The rooms kept in the test's database (`gw`'s key-value entries `rooms:…`; the hub must be stopped). */
export async function storedRooms(dir: string): Promise<unknown> {
  const store = await openStore({ kind: 'sqlite', path: join(dir, 'switchboard.db') }, silentLogger());
  try {
    const kv = store.kv('network:gw');
    return Object.fromEntries(await Promise.all((await kv.keys('rooms:')).map(async (k) => [k, await kv.get(k)] as const)));
  } finally {
    await store.close();
  }
}
