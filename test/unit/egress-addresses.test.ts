/**
 * The egress policy's address classification, and the URL → address check: every way of
 * writing a refused IPv4 address in a URL (decimal, hex, octal, shortened, IPv4-mapped and
 * other IPv6 forms) is normalised by WHATWG URL and refused, without a DNS query.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { classifyAddress, type AddressCategory } from '../../src/net/egress/addresses.js';
import { AllowList } from '../../src/net/egress/allow-list.js';
import { EgressError } from '../../src/net/egress/errors.js';
import { checkTarget, type Resolver } from '../../src/net/egress/resolve.js';

/** The IPv4 ranges as integers, the model the BlockList implementation is checked against. */
const V4_MODEL: readonly [AddressCategory, number, number][] = [
  ['metadata', 0xa9fea9fe, 32],
  ['unspecified', 0x00000000, 8],
  ['loopback', 0x7f000000, 8],
  ['private', 0x0a000000, 8],
  ['private', 0xac100000, 12],
  ['private', 0xc0a80000, 16],
  ['shared', 0x64400000, 10],
  ['link-local', 0xa9fe0000, 16],
  ['multicast', 0xe0000000, 4],
  ['reserved', 0xc0000000, 24],
  ['reserved', 0xc6120000, 15],
  ['reserved', 0xf0000000, 4],
];

function modelCategory(n: number): AddressCategory | undefined {
  for (const [category, base, prefix] of V4_MODEL) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if (((n & mask) >>> 0) === base) return category;
  }
  return undefined;
}

const dotted = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 0xff).join('.');
const hexWords = (n: number): string => `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;

/** Any IPv4 address, half of them inside the refused ranges. */
const ipv4 = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.constantFrom(...V4_MODEL).chain(([, base, prefix]) =>
    fc.integer({ min: 0, max: 2 ** (32 - prefix) - 1 }).map((offset) => (base + offset) >>> 0)),
);
const refusedIpv4 = ipv4.filter((n) => modelCategory(n) !== undefined);

/** Ways of writing IPv4 `n` as a URL host that WHATWG URL turns into `dotted(n)`. */
const urlHostForms = (n: number): string[] => {
  const [a, b, c, d] = [24, 16, 8, 0].map((s) => (n >>> s) & 0xff) as [number, number, number, number];
  return [
    dotted(n),
    String(n),
    `0x${n.toString(16)}`,
    [a, b, c, d].map((x) => `0${x.toString(8)}`).join('.'),
    [a, b, c, d].map((x) => `0x${x.toString(16)}`).join('.'),
    `${a}.${(b << 16) | (c << 8) | d}`,
    `${a}.${b}.${(c << 8) | d}`,
    `${dotted(n)}.`,
  ];
};

/** A resolver that fails the test: literal addresses must not be looked up. */
const noDns: Resolver = () => Promise.reject(new Error('DNS must not be asked for a literal address'));
const noAllow = new AllowList([]);

async function refusal(url: string, allow = noAllow, resolve = noDns): Promise<EgressError | undefined> {
  try {
    await checkTarget(new URL(url), allow, resolve);
    return undefined;
  } catch (error) {
    if (error instanceof EgressError) return error;
    throw error;
  }
}

describe('egress: address classification', () => {
  it('classifies every IPv4 address as the range model does', () => {
    fc.assert(fc.property(ipv4, (n) => assert.equal(classifyAddress(dotted(n)), modelCategory(n))), { numRuns: 20_000 });
  });

  it('judges IPv4-mapped, IPv4-compatible, NAT64 and 6to4 forms by the IPv4 address inside', () => {
    fc.assert(fc.property(ipv4, (n) => {
      const expected = modelCategory(n);
      for (const form of [`::ffff:${dotted(n)}`, `::ffff:${hexWords(n)}`, `0:0:0:0:0:ffff:${hexWords(n)}`, `64:ff9b::${dotted(n)}`, `2002:${hexWords(n)}::1`]) {
        assert.equal(classifyAddress(form), expected, form);
      }
      // ::a.b.c.d (IPv4-compatible): :: and ::1 themselves are IPv6's unspecified and loopback.
      if (n > 1) assert.equal(classifyAddress(`::${dotted(n)}`), expected);
    }), { numRuns: 5_000 });
  });

  it('refuses the IPv6 special ranges and accepts global unicast', () => {
    const cases: [string, AddressCategory | undefined][] = [
      ['::', 'unspecified'], ['::1', 'loopback'], ['fc00::1', 'private'], ['fdff:ffff::1', 'private'],
      ['fe80::1', 'link-local'], ['fe80::1%eth0', 'link-local'], ['febf::1', 'link-local'], ['fec0::1', 'private'],
      ['ff02::1', 'multicast'], ['fd00:ec2::254', 'metadata'], ['100::1', 'reserved'],
      ['2001:4860:4860::8888', undefined], ['2a00:1450::1', undefined], ['64:ff9b::8.8.8.8', undefined],
    ];
    for (const [address, category] of cases) assert.equal(classifyAddress(address), category, address);
  });

  it('refuses any address in fc00::/7, fe80::/10 and ff00::/8 whatever follows the prefix', () => {
    const word = fc.integer({ min: 0, max: 0xffff }).map((w) => w.toString(16));
    const rest = fc.array(word, { minLength: 7, maxLength: 7 }).map((words) => words.join(':'));
    fc.assert(fc.property(fc.integer({ min: 0xfc00, max: 0xfdff }), rest, (first, tail) => {
      assert.equal(classifyAddress(`${first.toString(16)}:${tail}`), tail === '0:ec2:0:0:0:0:254' && first === 0xfd00 ? 'metadata' : 'private');
    }));
    fc.assert(fc.property(fc.integer({ min: 0xfe80, max: 0xfebf }), rest, (first, tail) => assert.equal(classifyAddress(`${first.toString(16)}:${tail}`), 'link-local')));
    fc.assert(fc.property(fc.integer({ min: 0xff00, max: 0xffff }), rest, (first, tail) => assert.equal(classifyAddress(`${first.toString(16)}:${tail}`), 'multicast')));
  });

  it('throws for text that is not an address', () => {
    assert.throws(() => classifyAddress('localhost'), TypeError);
    assert.throws(() => classifyAddress('1.2.3.256'), TypeError);
  });
});

describe('egress: URL hosts', () => {
  it('WHATWG URL normalises the tricky encodings to the dotted address', () => {
    assert.equal(new URL('http://2130706433/').hostname, '127.0.0.1');
    assert.equal(new URL('http://0x7f.1/').hostname, '127.0.0.1');
    assert.equal(new URL('http://0177.0.0.1/').hostname, '127.0.0.1');
    assert.equal(new URL('http://[::ffff:127.0.0.1]/').hostname, '[::ffff:7f00:1]');
    assert.equal(new URL('http://%31%32%37.0.0.1/').hostname, '127.0.0.1');
  });

  it('refuses every URL form of a refused IPv4 address, without asking DNS', async () => {
    await fc.assert(fc.asyncProperty(refusedIpv4, async (n) => {
      const forms = [...urlHostForms(n).map((host) => `http://${host}/x`), `http://[::ffff:${dotted(n)}]/x`, `https://[::ffff:${hexWords(n)}]:8443/x`];
      for (const url of forms) assert.equal((await refusal(url))?.code, 'refused-address', url);
    }), { numRuns: 300 });
  });

  it('accepts a public literal address, without asking DNS', async () => {
    const publicIpv4 = ipv4.filter((n) => modelCategory(n) === undefined);
    await fc.assert(fc.asyncProperty(publicIpv4, async (n) => {
      const target = await checkTarget(new URL(`http://${n}/`), noAllow, noDns);
      assert.deepEqual(target.addresses, [{ address: dotted(n), family: 4 }]);
    }), { numRuns: 300 });
  });

  it('refuses schemes other than http and https', async () => {
    for (const url of ['ftp://example.org/', 'file:///etc/passwd', 'gopher://example.org/', 'data:text/plain,hi']) {
      assert.equal((await refusal(url))?.code, 'refused-scheme', url);
    }
  });

  it('refuses a name when any of its addresses is refused', async () => {
    const resolve: Resolver = () => Promise.resolve([{ address: '93.184.215.14', family: 4 }, { address: '10.1.2.3', family: 4 }]);
    const error = await refusal('http://mixed.example/', noAllow, resolve);
    assert.equal(error?.code, 'refused-address');
    assert.match(error?.message ?? '', /10\.1\.2\.3 \(private\)/);
    const localhost: Resolver = () => Promise.resolve([{ address: '::1', family: 6 }]);
    assert.equal((await refusal('http://localhost./', noAllow, localhost))?.code, 'refused-address');
  });

  it('reports a name that does not resolve as a dns error', async () => {
    const none: Resolver = () => Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
    assert.equal((await refusal('http://nowhere.invalid/', noAllow, none))?.code, 'dns');
  });
});
