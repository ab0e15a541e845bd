import { it } from 'node:test';
import assert from 'node:assert/strict';
import { ircConfigSchema } from '../../src/networks/irc/config.js';
import { ircConfigWarnings } from '../../src/networks/irc/config-warnings.js';
import { xmppConfigSchema } from '../../src/networks/xmpp/config.js';
import { xmppConfigWarnings } from '../../src/networks/xmpp/config-warnings.js';

const credentials = { serverPassword: 's', sasl: { mechanism: 'PLAIN', account: 'a', password: 'p' }, nickservPassword: 'n' };

it('IRC: each credential sent without TLS is named; none with tls, none without credentials', () => {
  const clear = ircConfigSchema.parse({ host: 'irc.example.org', nick: 'bot', ...credentials });
  assert.deepEqual(ircConfigWarnings(clear).map((w) => w.path.join('.')), ['serverPassword', 'sasl', 'nickservPassword']);
  assert.deepEqual(ircConfigWarnings(ircConfigSchema.parse({ host: 'irc.example.org', nick: 'bot', tls: true, ...credentials })), []);
  assert.deepEqual(ircConfigWarnings(ircConfigSchema.parse({ host: 'irc.example.org', nick: 'bot' })), []);
});

it('XMPP: PLAIN without requireTls on xmpp:// is named; SCRAM, requireTls or direct TLS are not', () => {
  const base = { jid: 'bot@example.org', password: 'pw' };
  const warned = (options: object) => xmppConfigWarnings(xmppConfigSchema.parse({ ...base, ...options })).map((w) => w.path.join('.'));
  assert.deepEqual(warned({ requireTls: false, saslMechanism: 'PLAIN' }), ['requireTls']);
  assert.deepEqual(warned({ requireTls: false, saslMechanism: 'PLAIN', service: 'xmpps://example.org:5223' }), []);
  assert.deepEqual(warned({ requireTls: true, saslMechanism: 'PLAIN' }), []);
  assert.deepEqual(warned({ requireTls: false }), []);
});
