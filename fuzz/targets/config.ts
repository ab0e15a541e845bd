/**
 * The config loader on generated files: YAML shaped like a config with hostile values, and
 * arbitrary text. Every outcome is a loaded config or a ConfigError; anything else thrown is a
 * crash.
 */
import fc from 'fast-check';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/errors.js';
import { builtinProtocols } from '../../src/networks/registry.js';
import type { FuzzTarget } from '../harness.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-fuzz-config-'));
const file = join(dir, 'switchboard.yaml');
const protocols = builtinProtocols();

const KEYS = ['storage', 'http', 'log', 'reconnect', 'shutdown', 'networks', 'bridges', 'modules', 'path', 'url', 'listen', 'level', 'protocol', 'host', 'port', 'nick', 'jid', 'password', 'tls', 'service', 'channels', 'module', 'config', 'deadlineMs', 'sasl', 'irc', 'xmpp', 'lobby', 'libera'];
const scalar = fc.oneof(
  fc.constantFrom('irc', 'xmpp', '127.0.0.1', '127.0.0.1:8480', '${HOME}', '${NOPE}', '$${X}', 'libera:#lobby', 'jabber:lobby@conference.localhost', ':memory:', 'debug', '-1', '1e400', 'true', '~', '', '\u0000', 'a'.repeat(300)),
  fc.string({ unit: 'grapheme', maxLength: 20 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
);
const value: fc.Memo<unknown> = fc.memo((depth) => depth <= 1
  ? scalar
  : fc.oneof(scalar, fc.array(value(depth - 1), { maxLength: 3 }), fc.dictionary(fc.constantFrom(...KEYS), value(depth - 1), { maxKeys: 4 })));
const shaped = fc.dictionary(fc.constantFrom(...KEYS.slice(0, 8)), value(4), { maxKeys: 6 }).map((doc) => stringify(doc));
const yamlish = fc.array(fc.oneof(fc.constantFrom('\n', ': ', '- ', '&a ', '*a', '!!binary ', '{', '}', '[', ']', '"', "'", '#', '%YAML 1.2\n', '---\n', '<<: *a\n', '  '), fc.string({ maxLength: 8 })), { maxLength: 40 }).map((p) => p.join(''));

export const config: FuzzTarget<string> = {
  name: 'config',
  description: 'config loader (YAML, env substitution, hub/network/bridge/module validation) on generated files',
  input: fc.oneof({ arbitrary: shaped, weight: 3 }, yamlish, fc.string({ unit: 'binary', maxLength: 200 })),
  async check(text) {
    writeFileSync(file, text);
    try {
      await loadConfig(file, protocols, { HOME: '/root' });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
    }
  },
};
