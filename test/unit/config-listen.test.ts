/**
 * The HTTP listen address: host:port and [ipv6]:port, and which hosts count as loopback.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isLoopbackHost, parseListenAddress } from '../../src/config/listen.js';

test('host:port, hostname:port and [ipv6]:port parse', () => {
  assert.deepEqual(parseListenAddress('127.0.0.1:8480'), { host: '127.0.0.1', port: 8480 });
  assert.deepEqual(parseListenAddress('localhost:0'), { host: 'localhost', port: 0 });
  assert.deepEqual(parseListenAddress('[::1]:8480'), { host: '::1', port: 8480 });
  assert.deepEqual(parseListenAddress('[::]:65535'), { host: '::', port: 65535 });
  assert.deepEqual(parseListenAddress('hub.example.org:80'), { host: 'hub.example.org', port: 80 });
});

test('bad addresses are refused with a reason', () => {
  const shape = 'expected "host:port" (e.g. "127.0.0.1:8480") or "[ipv6]:port" (e.g. "[::1]:8480")';
  assert.deepEqual(parseListenAddress('8480'), { error: shape });
  assert.deepEqual(parseListenAddress('::1:8480'), { error: shape });
  assert.deepEqual(parseListenAddress('127.0.0.1:'), { error: shape });
  assert.deepEqual(parseListenAddress('127.0.0.1:http'), { error: shape });
  assert.deepEqual(parseListenAddress('127.0.0.1:65536'), { error: 'port must be between 0 and 65535' });
  assert.deepEqual(parseListenAddress('[127.0.0.1]:80'), { error: 'the address in brackets must be an IPv6 address, e.g. "[::1]:8480"' });
  const host = { error: 'the host must be an IPv4 address, a host name, or an IPv6 address in brackets' };
  assert.deepEqual(parseListenAddress('999.1.1.1:80'), host);
  assert.deepEqual(parseListenAddress('bad_host:80'), host);
  assert.deepEqual(parseListenAddress('-x.org:80'), host);
});

test('property: every IPv4 address and port round-trips', () => {
  fc.assert(
    fc.property(fc.ipV4(), fc.integer({ min: 0, max: 65535 }), (host, port) => {
      assert.deepEqual(parseListenAddress(`${host}:${port}`), { host, port });
    }),
  );
});

test('property: every IPv6 address in brackets round-trips', () => {
  fc.assert(
    fc.property(fc.ipV6(), fc.integer({ min: 0, max: 65535 }), (host, port) => {
      assert.deepEqual(parseListenAddress(`[${host}]:${port}`), { host, port });
    }),
  );
});

test('loopback hosts', () => {
  for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', 'LOCALHOST']) assert.equal(isLoopbackHost(host), true, host);
  for (const host of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', 'example.org', '127.0.0.1.example.org']) assert.equal(isLoopbackHost(host), false, host);
});
