/** Why a connection to the IRC server failed, in words (irc/failure.ts). */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { connectionFailure, loginTimeout } from '../../src/gateway/irc/failure.js';

it('names an untrusted certificate, a plain-text port, an unknown name and an unreachable server; keeps the code for the operator', () => {
  const untrusted = connectionFailure('DEPTH_ZERO_SELF_SIGNED_CERT', 'irc.example.org', 6697, true);
  assert.match(untrusted.message, /^the IRC server irc\.example\.org:6697 showed a TLS certificate the gateway does not trust \(DEPTH_ZERO_SELF_SIGNED_CERT\); .*tlsCa/);
  assert.equal(untrusted.condition, 'service-unavailable');
  assert.match(connectionFailure('ERR_SSL_WRONG_VERSION_NUMBER', 'h', 6667, true).message, /does not speak TLS on that port .*plain-text port/);
  assert.match(connectionFailure('ENOTFOUND', 'nowhere.invalid', 6697, true).message, /^the IRC server's name nowhere\.invalid cannot be found \(ENOTFOUND\)$/);
  const refused = connectionFailure('ECONNREFUSED', '127.0.0.1', 1, false);
  assert.equal(refused.message, 'cannot reach the IRC server 127.0.0.1:1 (ECONNREFUSED)');
  assert.equal(refused.condition, 'remote-server-not-found');
  // Without TLS a TLS code cannot be the reason: no TLS words; control characters never shown.
  assert.equal(connectionFailure('EPROTO', 'h', 1, false).message, 'cannot reach the IRC server h:1 (EPROTO)');
  assert.equal(connectionFailure('bad\ncode', 'h', 1, false).message, 'cannot reach the IRC server h:1 (bad code)');
});

it('a login that times out over TLS before any handshake points to the port', () => {
  assert.equal(loginTimeout('h', 6667, 5000, true, false).message, 'h did not let you in within 5000 ms: no TLS handshake; 6667 may be a plain-text port (the gateway\'s tls option)');
  assert.equal(loginTimeout('h', 6697, 5000, true, true).message, 'h did not let you in within 5000 ms');
  assert.equal(loginTimeout('h', 6667, 5000, false, false).condition, 'remote-server-timeout');
});
