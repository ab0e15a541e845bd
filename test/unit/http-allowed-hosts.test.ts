import { it } from 'node:test';
import assert from 'node:assert/strict';
import { hostPolicy } from '../../src/http/allowed-hosts.js';

it('on loopback: the listen address and the loopback names with the bound port, nothing else', () => {
  const policy = hostPolicy({ host: '127.0.0.1', port: 8480 });
  for (const host of ['127.0.0.1:8480', 'localhost:8480', 'LOCALHOST:8480', '[::1]:8480', 'localhost.:8480']) assert.ok(policy.allows(host), host);
  for (const host of [undefined, '', 'evil.example:8480', 'localhost', '127.0.0.1:80', 'localhost:8481', '127.0.0.1:8480@evil', 'x.localhost:8480']) {
    assert.ok(!policy.allows(host), String(host));
  }
});

it('on another address: only that address, unless named in http.hosts (any port)', () => {
  const policy = hostPolicy({ host: '192.0.2.7', port: 9000, names: ['switchboard.example.org', '2001:db8::1'] });
  assert.ok(policy.allows('192.0.2.7:9000'));
  assert.ok(!policy.allows('localhost:9000'));
  assert.ok(policy.allows('switchboard.example.org'));
  assert.ok(policy.allows('Switchboard.Example.org:443'));
  assert.ok(policy.allows('[2001:db8::1]:9000'));
  assert.ok(!policy.allows('switchboard.example.org.evil.example'));
  assert.ok(!policy.allows('evil.example'));
});

it('on every address (0.0.0.0): the loopback names, and the names in http.hosts', () => {
  const policy = hostPolicy({ host: '0.0.0.0', port: 8480, names: ['hub.lan'] });
  assert.ok(policy.allows('127.0.0.1:8480'));
  assert.ok(policy.allows('hub.lan:8480'));
  assert.ok(!policy.allows('0.0.0.0:8480'));
  assert.ok(!policy.allows('rebound.example:8480'));
});

it('on port 80 a Host without a port means the listen address', () => {
  const policy = hostPolicy({ host: '::1', port: 80 });
  assert.ok(policy.allows('[::1]'));
  assert.ok(policy.allows('localhost'));
  assert.ok(policy.allows('[::1]:80'));
});
