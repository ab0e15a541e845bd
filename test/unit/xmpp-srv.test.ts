/**
 * Finding an XMPP server through DNS SRV records: the RFC 2782 order (priority, then weighted
 * random within a priority) and the choice of targets from the two services' answers.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { orderSrvRecords } from '../../src/networks/xmpp/srv-order.js';
import { clientTargets, MAX_SRV_TARGETS } from '../../src/networks/xmpp/connect-targets.js';
import { DnsError, type DnsLookup, type SrvRecord } from '../../src/networks/xmpp/dns-lookup.js';

const recordArb = fc.record({
  name: fc.constantFrom('a.example', 'b.example', 'c.example'),
  port: fc.integer({ min: 1, max: 65_535 }),
  priority: fc.integer({ min: 0, max: 3 }),
  weight: fc.integer({ min: 0, max: 100 }),
});
/** A random source replaying fast-check's numbers in [0, 1). */
const randomArb = fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 20 }).map((values) => {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
});

void describe('orderSrvRecords (RFC 2782)', () => {
  void it('returns every record once, by ascending priority', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 12 }), randomArb, (records, random) => {
        const ordered = orderSrvRecords(records, random);
        assert.equal(ordered.length, records.length);
        assert.deepEqual(new Set(ordered), new Set(records));
        for (let i = 1; i < ordered.length; i++) assert.ok(ordered[i - 1]!.priority <= ordered[i]!.priority);
      }),
    );
  });

  void it('takes a record of weight 0 before a weighted one only when the random pick is 0', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (weight, r) => {
        const zero = { name: 'zero', port: 1, priority: 0, weight: 0 };
        const heavy = { name: 'heavy', port: 2, priority: 0, weight };
        const first = orderSrvRecords([heavy, zero], () => r)[0];
        assert.equal(first, Math.floor(r * (weight + 1)) === 0 ? zero : heavy);
      }),
    );
  });

  void it('picks a record first in proportion to its weight (each random number maps to one record)', () => {
    // Weights 1 and 3: the running sums are 1 and 4; a pick in [0, 4] chooses the first record
    // for 0 and 1 (2 of 5 picks), the second for 2..4. Every pick is enumerated, no sampling.
    const light = { name: 'light', port: 1, priority: 5, weight: 1 };
    const heavy = { name: 'heavy', port: 2, priority: 5, weight: 3 };
    const firsts = [0, 1, 2, 3, 4].map((pick) => orderSrvRecords([light, heavy], () => (pick + 0.5) / 5)[0]?.name);
    assert.deepEqual(firsts, ['light', 'light', 'heavy', 'heavy', 'heavy']);
  });

  void it('survives a random source outside [0, 1)', () => {
    const records = [{ name: 'a', port: 1, priority: 0, weight: 1 }, { name: 'b', port: 2, priority: 0, weight: 2 }];
    for (const value of [Number.NaN, -1, 1, 7, Number.POSITIVE_INFINITY]) assert.equal(orderSrvRecords(records, () => value).length, 2);
  });
});

/** A DnsLookup answering SRV queries from a table (absent = no such record). */
function lookupOf(answers: Record<string, SrvRecord[] | DnsError>): DnsLookup & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    srv(name) {
      asked.push(name);
      const answer = answers[name];
      return answer instanceof DnsError ? Promise.reject(answer) : Promise.resolve(answer ?? []);
    },
    addresses: (host) => Promise.resolve([host]),
  };
}
const srv = (name: string, port: number, priority = 0, weight = 0): SrvRecord => ({ name, port, priority, weight });

void describe('clientTargets', () => {
  void it('merges _xmpps-client (direct TLS) and _xmpp-client (STARTTLS) by priority', async () => {
    const dns = lookupOf({
      '_xmpps-client._tcp.example.org': [srv('tls.example.org.', 5223, 20)],
      '_xmpp-client._tcp.example.org': [srv('plain.example.org', 5222, 10), srv('backup.example.org', 5269, 30)],
    });
    assert.deepEqual(await clientTargets('example.org', dns), [
      { scheme: 'xmpp', host: 'plain.example.org', port: 5222 },
      { scheme: 'xmpps', host: 'tls.example.org', port: 5223 },
      { scheme: 'xmpp', host: 'backup.example.org', port: 5269 },
    ]);
    assert.deepEqual(dns.asked.sort(), ['_xmpp-client._tcp.example.org', '_xmpps-client._tcp.example.org']);
  });

  void it('falls back to the domain on 5222 without SRV records, and skips DNS for an IP literal', async () => {
    assert.deepEqual(await clientTargets('example.org', lookupOf({})), [{ scheme: 'xmpp', host: 'example.org', port: 5222 }]);
    const dns = lookupOf({});
    assert.deepEqual(await clientTargets('192.0.2.7', dns), [{ scheme: 'xmpp', host: '192.0.2.7', port: 5222 }]);
    assert.deepEqual(dns.asked, []);
  });

  void it('fails instead of falling back when a query failed and nothing was found', async () => {
    const dns = lookupOf({ '_xmpp-client._tcp.example.org': new DnsError('SRV query for _xmpp-client._tcp.example.org', 'ETIMEOUT') });
    await assert.rejects(clientTargets('example.org', dns), /DNS SRV query for _xmpp-client\._tcp\.example\.org: no answer from the DNS server/);
  });

  void it('uses what one service answered when the other query failed', async () => {
    const dns = lookupOf({
      '_xmpps-client._tcp.example.org': new DnsError('SRV query', 'ESERVFAIL'),
      '_xmpp-client._tcp.example.org': [srv('plain.example.org', 5222)],
    });
    assert.deepEqual(await clientTargets('example.org', dns), [{ scheme: 'xmpp', host: 'plain.example.org', port: 5222 }]);
  });

  void it('honours "no service here" (target ".") and drops unusable records', async () => {
    await assert.rejects(clientTargets('example.org', lookupOf({ '_xmpp-client._tcp.example.org': [srv('.', 0)] })), /offers no XMPP client service/);
    const dns = lookupOf({
      '_xmpps-client._tcp.example.org': [srv('.', 0)],
      '_xmpp-client._tcp.example.org': [srv('bad name.example.org', 5222), srv('zero.example.org', 0), srv('x'.repeat(300), 1), srv('ok.example.org', 5222)],
    });
    assert.deepEqual(await clientTargets('example.org', dns), [{ scheme: 'xmpp', host: 'ok.example.org', port: 5222 }]);
  });

  void it(`tries at most ${MAX_SRV_TARGETS} targets however many records a zone lists`, async () => {
    const many = Array.from({ length: 500 }, (_, i) => srv(`h${i}.example.org`, 5222, i));
    const targets = await clientTargets('example.org', lookupOf({ '_xmpp-client._tcp.example.org': many }));
    assert.deepEqual(targets.map((t) => t.host), many.slice(0, MAX_SRV_TARGETS).map((r) => r.name));
  });
});
