/**
 * loadConfig against the fixture files in test/fixtures/config: every bad input of the issue
 * with its exact message and line, and the defaults, env substitution and path resolution of
 * valid files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { ConfigError, formatProblems } from '../../src/config/errors.js';
import { loadConfig } from '../../src/config/load.js';
import { z } from 'zod';
import type { ProtocolDefinition } from '../../src/core/network.js';
import { testProtocols } from '../fixtures/config/protocols.js';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/config/', import.meta.url));
const fixture = (name: string): string => join(fixtures, name);

/** Loads a fixture that must be refused and returns its problems as printed lines. */
async function problemLines(name: string, env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  try {
    await loadConfig(fixture(name), testProtocols, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.equal(error.message, formatProblems(error.problems));
    return error.problems.map((problem) => formatProblems([problem]));
  }
  assert.fail(`${name} was accepted`);
}

test('a missing file is one problem naming the path, the OS reason and the fix', async () => {
  const file = fixture('does-not-exist.yaml');
  assert.deepEqual(await problemLines('does-not-exist.yaml'), [
    `${file}: cannot read the config file: it does not exist (ENOENT: no such file or directory, open '${file}'); write one with \`switchboard init -o <file>\` or pass -c <file>`,
  ]);
});

test('a directory instead of a file is refused with the fix', async () => {
  assert.deepEqual(await problemLines(''), [`${fixtures}: cannot read the config file: it is a directory; pass the YAML file itself with -c <file>`]);
});

test('malformed YAML is reported with its line', async () => {
  const file = fixture('malformed.yaml');
  assert.deepEqual(await problemLines('malformed.yaml'), [
    `${file}:5: invalid YAML: Flow map in block collection must be sufficiently indented and end with a }`,
  ]);
});

test('YAML 1.1 and custom tags are refused, core tags work', async () => {
  const file = fixture('yaml-tags.yaml');
  const reason = 'remove it (values are plain strings, numbers, booleans, lists and mappings)';
  assert.deepEqual(await problemLines('yaml-tags.yaml'), [
    `${file}:1: unsupported YAML tag tag:yaml.org,2002:binary; ${reason}`,
    `${file}:1: storage: expected a mapping, got a string`,
    `${file}:2: unsupported YAML tag !custom; ${reason}`,
    `${file}:2: http: expected false (no HTTP server) or a mapping { listen: "host:port" }`,
  ]);
});

test('an alias bomb is refused without expanding it', async () => {
  assert.deepEqual(await problemLines('alias-bomb.yaml'), [
    `${fixture('alias-bomb.yaml')}: invalid YAML: Excessive alias count indicates a resource exhaustion attack`,
  ]);
});

test('an alias inside the mapping it names (a cycle) is refused, not followed forever', async () => {
  assert.deepEqual(await problemLines('self-alias.yaml'), [
    `${fixture('self-alias.yaml')}: invalid YAML: an alias refers to the mapping or list that contains it; the config must be a tree`,
  ]);
});

test('an empty file and a file that is not a mapping are refused with the fix', async () => {
  assert.deepEqual(await problemLines('empty.yaml'), [`${fixture('empty.yaml')}: the config file is empty; write one with \`switchboard init\``]);
  assert.deepEqual(await problemLines('not-a-mapping.yaml'), [
    `${fixture('not-a-mapping.yaml')}:1: the config file must be a YAML mapping (keys such as storage:, networks:, bridges:)`,
  ]);
});

test('a protocol schema that throws becomes a problem for that network only', async () => {
  const throwing: ProtocolDefinition = {
    protocol: 'irc',
    configSchema: z.object({}).transform(() => {
      throw new Error('boom');
    }),
    create: () => assert.fail('not created'),
  };
  const file = fixture('unknown-protocol.yaml');
  await assert.rejects(loadConfig(file, [throwing], {}), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.deepEqual(error.problems.map((p) => `${p.line}: ${p.path}: ${p.reason}`), [
      '2: networks.libera: the irc protocol could not validate these options: boom',
      '7: networks.matrix.protocol: unknown protocol "matrix"; known protocols: irc',
    ]);
    return true;
  });
});

test('an unknown protocol lists the known ones', async () => {
  const file = fixture('unknown-protocol.yaml');
  assert.deepEqual(await problemLines('unknown-protocol.yaml'), [
    `${file}:7: networks.matrix.protocol: unknown protocol "matrix"; known protocols: irc, xmpp`,
  ]);
});

test('two networks with the same name are refused at the second one', async () => {
  const file = fixture('duplicate-network.yaml');
  assert.deepEqual(await problemLines('duplicate-network.yaml'), [
    `${file}:6: networks.libera: duplicate key "libera" (already defined at line 2); each name may appear only once, rename or remove one`,
  ]);
});

test('a bridge naming an unknown network lists the configured networks', async () => {
  const file = fixture('unknown-network-bridge.yaml');
  assert.deepEqual(await problemLines('unknown-network-bridge.yaml'), [
    `${file}:7: bridges.lobby[1]: unknown network "jaber" (did you mean "jabber"?); configured networks: libera, jabber`,
  ]);
});

test('a channel in two bridges names both bridges (channel names compare case-insensitively)', async () => {
  const file = fixture('channel-in-two-bridges.yaml');
  assert.deepEqual(await problemLines('channel-in-two-bridges.yaml'), [
    `${file}:9: bridges.social.channels[1]: channel "libera:#Lobby" is in both bridge "lobby" and bridge "social"; a channel may belong to only one bridge, merge the bridges or remove it from one`,
  ]);
});

test('a missing environment variable names the field and the variable', async () => {
  const file = fixture('missing-env.yaml');
  assert.deepEqual(await problemLines('missing-env.yaml'), [
    `${file}:5: networks.jabber.password: environment variable SB_TEST_XMPP_PASSWORD is not set; set it, or give a default with \${SB_TEST_XMPP_PASSWORD:-default}`,
  ]);
});

test('wrong types are all reported, each on its own line', async () => {
  const file = fixture('wrong-types.yaml');
  assert.deepEqual(await problemLines('wrong-types.yaml'), [
    `${file}:1: storage: expected a mapping, got a string`,
    `${file}:3: http.listen: expected a string, got a number`,
    `${file}:4: log.level: expected one of "fatal", "error", "warn", "info", "debug", "trace", "silent"`,
    `${file}:6: reconnect.initialDelayMs: expected a number, got a string`,
    `${file}:7: reconnect.jitter: must be at most 1`,
    `${file}:8: shutdown.deadlineMs: must be at least 0`,
    `${file}:13: networks.libera.port: expected a number, got a string`,
    `${file}:16: bridges.lobby: expected a list of "network:channel" or a mapping { channels: [...], <options> }`,
    `${file}:17: modules: expected a list, got a mapping`,
  ]);
});

test('unknown keys are reported at their line with a hint, also inside protocol options', async () => {
  const file = fixture('unknown-key.yaml');
  assert.deepEqual(await problemLines('unknown-key.yaml'), [
    `${file}:3: bridge: unknown key (did you mean "bridges"?)`,
    `${file}:5: reconnect.initialDelay: unknown key (did you mean "initialDelayMs"?)`,
    `${file}:11: networks.libera.nickname: unknown key; allowed keys: host, port, nick, password, tls`,
    `${file}:14: modules[0].options: unknown key; allowed keys: module, config`,
  ]);
});

test('problem messages never quote substituted values (they may be secrets)', async () => {
  const secret = 'hunter2-secret';
  const file = fixture('secret-in-bad-fields.yaml');
  const lines = await problemLines('secret-in-bad-fields.yaml', { SB_TEST_SECRET: secret });
  for (const line of lines) assert.ok(!line.includes(secret), line);
  assert.deepEqual(lines, [
    `${file}:2: storage.url: must be a PostgreSQL URL starting with postgres:// or postgresql://`,
    `${file}:3: http.listen: expected "host:port" (e.g. "127.0.0.1:8480") or "[ipv6]:port" (e.g. "[::1]:8480")`,
    `${file}:4: log.level: expected one of "fatal", "error", "warn", "info", "debug", "trace", "silent"`,
    `${file}:8: networks.jabber.jid: must be a bare JID like bridge@example.org`,
    `${file}:10: networks.jabber.service: must be an xmpp:// or xmpps:// URL`,
    `${file}:12: bridges.lobby[0]: not "network:channel" (e.g. "libera:#lobby" or "jabber:lobby@conference.example.org")`,
  ]);
});

test('env substitution fills secrets and defaults', async () => {
  const config = await loadConfig(fixture('full.yaml'), testProtocols, { IRC_PASSWORD: 'irc-secret' });
  const [libera, jabber] = config.networks;
  assert.deepEqual(libera, {
    name: 'libera',
    protocol: 'irc',
    options: { host: '127.0.0.1', port: 6697, nick: 'switchboard', password: 'irc-secret', tls: true },
  });
  assert.deepEqual(jabber?.options, { jid: 'bridge@localhost', password: 'fallback-secret', service: 'xmpp://127.0.0.1:5222' });

  const withEnv = await loadConfig(fixture('full.yaml'), testProtocols, { IRC_PASSWORD: 'a', XMPP_PASSWORD: 'from-env' });
  assert.equal((withEnv.networks[1]?.options as { password: string }).password, 'from-env');
});

test('a full config keeps every setting, resolves paths against the config directory, and escapes $${', async () => {
  const file = fixture('full.yaml');
  const config = await loadConfig(file, testProtocols, { IRC_PASSWORD: 'x' });
  assert.equal(config.file, file);
  assert.deepEqual(config.storage, { kind: 'sqlite', path: join(fixtures, 'data/hub.db') });
  assert.deepEqual(config.http, { host: '::1', port: 9000 });
  assert.deepEqual(config.log, { level: 'debug', format: 'auto' });
  assert.deepEqual(config.reconnect, { initialDelayMs: 500, maxDelayMs: 10000, factor: 1.5, jitter: 0, stableAfterMs: 30000 });
  assert.deepEqual(config.shutdown, { deadlineMs: 250 });
  assert.deepEqual(config.bridges, [
    {
      name: 'lobby',
      channels: [{ network: 'libera', id: '#lobby' }, { network: 'jabber', id: 'lobby@conference.localhost' }],
      options: {},
    },
    {
      name: 'dev',
      channels: [{ network: 'libera', id: '#dev' }, { network: 'jabber', id: 'dev@conference.localhost' }],
      options: { relayJoins: false, identity: '<{nick}@{network}>' },
    },
  ]);
  assert.deepEqual(config.modules, [
    { module: './modules/greeter.js', specifier: join(fixtures, 'modules/greeter.js'), config: { greeting: 'cost: ${PRICE}' }, line: 35 },
    { module: 'switchboard-spam-filter', specifier: 'switchboard-spam-filter', config: undefined, line: 37 },
    { module: '../shared/audit.js', specifier: join(fixtures, '../shared/audit.js'), config: undefined, line: 38 },
    { module: 'relay', specifier: 'relay', config: undefined, line: 39 },
  ]);
});

test('bridges without the relay module are refused once the rest is valid, at the bridges: line', async () => {
  const file = fixture('bridges-without-relay.yaml');
  assert.deepEqual(await problemLines('bridges-without-relay.yaml'), [
    `${file}:7: bridges: bridge "lobby" is configured but the relay module is not loaded, so nothing would be relayed; add "- module: relay" under modules:`,
  ]);
});

test('defaults apply to everything left out', async () => {
  const config = await loadConfig(fixture('minimal.yaml'), testProtocols, {});
  assert.deepEqual(config.storage, { kind: 'sqlite', path: join(fixtures, 'switchboard.db') });
  assert.deepEqual(config.http, { host: '127.0.0.1', port: 8480 });
  assert.deepEqual(config.log, { level: 'info', format: 'auto' });
  assert.deepEqual(config.reconnect, { initialDelayMs: 1000, maxDelayMs: 300000, factor: 2, jitter: 0.2, stableAfterMs: 60000 });
  assert.deepEqual(config.shutdown, { deadlineMs: 5000 });
  assert.deepEqual(config.networks, [
    { name: 'libera', protocol: 'irc', options: { host: '127.0.0.1', port: 6667, nick: 'switchboard', tls: false } },
  ]);
  assert.deepEqual(config.bridges, []);
  assert.deepEqual(config.modules, []);
});

test('http: false turns the server off; a PostgreSQL url is kept with its secret filled in', async () => {
  const config = await loadConfig(fixture('http-off-postgres.yaml'), testProtocols, { SB_TEST_PG_PASSWORD: 'pw' });
  assert.equal(config.http, undefined);
  assert.deepEqual(config.storage, { kind: 'postgres', url: 'postgres://switchboard:pw@127.0.0.1:5432/switchboard' });
});

test('the example config is valid with irc and xmpp options', async () => {
  const file = fileURLToPath(new URL('../../../examples/switchboard.yaml', import.meta.url));
  const config = await loadConfig(file, testProtocols, { XMPP_PASSWORD: 'x' });
  assert.deepEqual(config.networks.map((n) => `${n.name}:${n.protocol}`), ['libera:irc', 'jabber:xmpp']);
  assert.deepEqual(config.bridges.map((b) => b.channels.length), [2]);
  assert.deepEqual(config.http, { host: '127.0.0.1', port: 8480 });
  assert.equal(config.storage.kind, 'sqlite');
});
