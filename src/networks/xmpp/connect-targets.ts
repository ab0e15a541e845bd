/**
 * Where a client for a JID domain connects (RFC 6120 §3.2, XEP-0368): the `_xmpps-client._tcp`
 * (direct TLS) and `_xmpp-client._tcp` (STARTTLS) SRV records of the domain, merged and ordered
 * by priority and weight; without any, the domain itself on 5222.
 *
 * A target is a host name still to be resolved (see connect-round.ts), so the same round can be
 * reused with a plain host and port, e.g. by a future XEP-0114 component transport whose host is
 * given as a domain (components have no SRV record of their own).
 */
import { isIP } from 'node:net';
import { DnsError, type DnsLookup, type SrvRecord } from './dns-lookup.js';
import { orderSrvRecords } from './srv-order.js';

/** `xmpp` = plain TCP with STARTTLS; `xmpps` = direct TLS. */
export type XmppScheme = 'xmpp' | 'xmpps';

/** One place to try. */
export interface ConnectTarget {
  readonly scheme: XmppScheme;
  readonly host: string;
  readonly port: number;
}

/** At most this many SRV targets are tried per connect (a hostile zone may list hundreds). */
export const MAX_SRV_TARGETS = 8;

/** The default client port (RFC 6120) when the domain has no SRV record. */
export const DEFAULT_CLIENT_PORT = 5222;

const SERVICES: ReadonlyArray<{ readonly scheme: XmppScheme; readonly prefix: string }> = [
  { scheme: 'xmpps', prefix: '_xmpps-client._tcp.' },
  { scheme: 'xmpp', prefix: '_xmpp-client._tcp.' },
];

/** A host name as DNS may carry it to us: letters, digits, `-`, `_`, dots; at most 253 chars. */
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/i;

/**
 * The targets for a client of `domain`, in the order to try them. Throws a `DnsError` when no
 * SRV record was found and a query failed (a DNS server that times out must not send us to the
 * bare domain instead), and an error when the domain says it has no client service (target `.`).
 */
export async function clientTargets(domain: string, dns: DnsLookup, random: () => number = Math.random): Promise<ConnectTarget[]> {
  if (isIP(domain) !== 0) return [{ scheme: 'xmpp', host: domain, port: DEFAULT_CLIENT_PORT }];
  const answers = await Promise.allSettled(SERVICES.map(({ prefix }) => dns.srv(`${prefix}${domain}`)));
  const records: Array<SrvRecord & { scheme: XmppScheme }> = [];
  let failure: unknown;
  let noService = false;
  answers.forEach((answer, i) => {
    const scheme = SERVICES[i]?.scheme ?? 'xmpp';
    if (answer.status === 'rejected') {
      failure ??= answer.reason;
      return;
    }
    for (const record of answer.value) {
      if (record.name === '.' || record.name === '') noService = true;
      else if (usable(record)) records.push({ ...record, scheme });
    }
  });
  if (records.length > 0) {
    return orderSrvRecords(records, random)
      .slice(0, MAX_SRV_TARGETS)
      .map(({ scheme, name, port }) => ({ scheme, host: name.replace(/\.$/, ''), port }));
  }
  if (failure !== undefined) throw failure instanceof Error ? failure : new DnsError(`SRV query for ${domain}`, 'EUNKNOWN');
  if (noService) throw new Error(`${domain} says it offers no XMPP client service (its SRV record's target is ".")`);
  return [{ scheme: 'xmpp', host: domain, port: DEFAULT_CLIENT_PORT }];
}

/** A record we can connect to: a valid port and a plausible host name. */
function usable(record: SrvRecord): boolean {
  return Number.isInteger(record.port) && record.port > 0 && record.port <= 65_535 && HOST_NAME.test(record.name.replace(/\.$/, ''));
}
