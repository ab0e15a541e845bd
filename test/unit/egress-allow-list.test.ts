/** The egress allow-list: its entries, what each opens, and the `egress:` config schema. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AllowList, parseAllowEntry } from '../../src/net/egress/allow-list.js';
import { egressSchema } from '../../src/net/egress/config.js';
import { checkTarget, type Resolver } from '../../src/net/egress/resolve.js';

const resolvesTo = (address: string): Resolver => () => Promise.resolve([{ address, family: address.includes(':') ? 6 : 4 }]);

describe('egress: allow-list', () => {
  it('parses host names, wildcards, addresses, CIDR ranges and ports', () => {
    for (const entry of ['files.example.org', '*.example.org', 'localhost', 'upload.lan:8443', '127.0.0.1', '127.0.0.1:5280', '::1', '[::1]:8080', '10.0.0.0/8', 'fd00::/8', 'FILES.Example.org.']) {
      assert.ok(!('error' in parseAllowEntry(entry)), entry);
    }
    for (const entry of ['', 'http://example.org', '10.0.0.0/33', '::/129', 'example.org:0', 'example.org:70000', 'exa mple.org', '300.1.2.3/8', '*']) {
      assert.ok('error' in parseAllowEntry(entry), entry);
    }
  });

  it('opens a named host on every port, or on its port only', () => {
    const list = new AllowList(['files.example.org', 'upload.lan:8443', '*.example.net']);
    assert.equal(list.allowsHost('files.example.org', 80), true);
    assert.equal(list.allowsHost('FILES.example.org.', 443), true);
    assert.equal(list.allowsHost('upload.lan', 8443), true);
    assert.equal(list.allowsHost('upload.lan', 80), false);
    assert.equal(list.allowsHost('a.b.example.net', 80), true);
    assert.equal(list.allowsHost('example.net', 80), false, 'a wildcard names subdomains only');
    assert.equal(list.allowsHost('evilexample.net', 80), false);
    assert.equal(list.allowsHost('other.example.org', 80), false);
  });

  it('opens addresses inside a listed range or address (and port)', () => {
    const list = new AllowList(['10.0.0.0/8', '127.0.0.1:5280', 'fd00::/8']);
    assert.equal(list.allowsAddress('10.200.0.1', 80), true);
    assert.equal(list.allowsAddress('::ffff:10.200.0.1', 80), true, 'IPv4-mapped form of a listed range');
    assert.equal(list.allowsAddress('11.0.0.1', 80), false);
    assert.equal(list.allowsAddress('127.0.0.1', 5280), true);
    assert.equal(list.allowsAddress('127.0.0.1', 5281), false);
    assert.equal(list.allowsAddress('127.0.0.2', 5280), false);
    assert.equal(list.allowsAddress('fd12::1', 443), true);
  });

  it('lets checkTarget through what the list names, and nothing else', async () => {
    const list = new AllowList(['127.0.0.1:5280', 'intranet.example']);
    await checkTarget(new URL('http://127.0.0.1:5280/file'), list, resolvesTo('127.0.0.1'));
    await assert.rejects(checkTarget(new URL('http://127.0.0.1:5281/file'), list, resolvesTo('127.0.0.1')), /not fetched/);
    await assert.rejects(checkTarget(new URL('http://2130706433:5281/'), list), /not fetched/);
    await checkTarget(new URL('https://intranet.example/x'), list, resolvesTo('192.168.1.10'));
    await assert.rejects(checkTarget(new URL('https://other.example/x'), list, resolvesTo('192.168.1.10')), /192\.168\.1\.10 \(private\)/);
  });

  it('the config schema reports a bad entry by position and applies defaults', () => {
    const bad = egressSchema.safeParse({ allow: ['files.example.org', 'http://x'] });
    assert.equal(bad.success, false);
    assert.deepEqual(bad.error?.issues[0]?.path, ['allow', 1]);
    assert.match(bad.error?.issues[0]?.message ?? '', /expected a host name/);
    assert.match(egressSchema.safeParse({ allow: ['example.org:99999'] }).error?.issues[0]?.message ?? '', /port must be 1-65535/);
    const parsed = egressSchema.parse({});
    assert.deepEqual(parsed, { allow: [], maxRedirects: 3, maxBodyBytes: 50 * 1024 * 1024, messageBudgetMs: 30_000, maxLinksPerMessage: 4 });
  });
});
