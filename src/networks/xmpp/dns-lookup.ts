/**
 * DNS for finding an XMPP server: SRV records and a host's addresses, from the configured DNS
 * servers (a `dns.promises.Resolver` of its own) or the system's.
 *
 * Why not @xmpp/resolve (0.14, already installed with xmpp.js): it queries through the global
 * `dns` module (no resolver of our own, so no configured servers or timeout), resolves SRV
 * targets with `dns.lookup` (the system resolver, whatever the configured one says), orders
 * records by weight descending instead of RFC 2782's weighted random choice, queries STUN/TURN
 * and server-to-server records we do not need, and its entry point also does XEP-0156 HTTP
 * look-ups, an HTTP fetch driven by the JID's domain outside the egress policy.
 */
import { lookup as systemLookup, Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { raceDeadline } from '../../core/deadline.js';

/** Which DNS servers to ask and how patiently (the `dns` option of an xmpp network). */
export interface DnsSettings {
  /** `ip` or `ip:port` / `[ipv6]:port`; absent: the system's resolver. */
  readonly servers?: readonly string[];
  /** How long one query waits for an answer before it is sent again (c-ares doubles it per try). */
  readonly timeoutMs: number;
  /** How many times a query is sent before it fails. */
  readonly tries: number;
}

/** An SRV record as the resolver returns it. */
export interface SrvRecord {
  /** Target host; `.` means "no such service here" (RFC 2782). */
  readonly name: string;
  readonly port: number;
  readonly priority: number;
  readonly weight: number;
}

/** The look-ups the connect path needs. */
export interface DnsLookup {
  /** The SRV records of `name`; empty when the name or the record type does not exist. */
  srv(name: string): Promise<SrvRecord[]>;
  /** The addresses of `host` (an IP literal is its own address); never empty (throws a `DnsError`). */
  addresses(host: string): Promise<string[]>;
}

/** A failed DNS query, with what was asked and the resolver's code (ETIMEOUT, ESERVFAIL, ...). */
export class DnsError extends Error {
  constructor(
    readonly query: string,
    readonly code: string,
  ) {
    super(`DNS ${query}: ${describeCode(code)}`);
    this.name = 'DnsError';
  }
}

/** At most this many addresses of one host are tried (a DNS answer can hold hundreds). */
export const MAX_ADDRESSES_PER_HOST = 4;

/** Codes meaning "no such name or record": not an error for an SRV query. */
const ABSENT = new Set(['ENOTFOUND', 'ENODATA']);

/** Creates the look-ups for `settings` (a resolver with its own servers, or the system's). */
export function createDnsLookup(settings: DnsSettings): DnsLookup {
  const resolver = new Resolver({ timeout: settings.timeoutMs, tries: settings.tries });
  if (settings.servers !== undefined) resolver.setServers([...settings.servers]);
  // getaddrinfo has no timeout of its own: bound the wait like the resolver's (doubling) tries.
  const systemDeadlineMs = settings.timeoutMs * (2 ** settings.tries - 1);

  return {
    async srv(name) {
      try {
        return (await resolver.resolveSrv(name)).map(({ name: target, port, priority, weight }) => ({ name: target, port, priority, weight }));
      } catch (error) {
        const code = codeOf(error);
        if (ABSENT.has(code)) return [];
        throw new DnsError(`SRV query for ${name}`, code);
      }
    },
    async addresses(host) {
      if (isIP(host) !== 0) return [host];
      return settings.servers === undefined ? systemAddresses(host, systemDeadlineMs) : resolverAddresses(resolver, host);
    },
  };
}

/**
 * A and AAAA records of `host` from `resolver` (asked in parallel), IPv4 first, each family
 * capped so both get a turn. Nothing found: the first real error, else "no such name" or "no
 * address records".
 */
async function resolverAddresses(resolver: Resolver, host: string): Promise<string[]> {
  const perFamily = MAX_ADDRESSES_PER_HOST / 2;
  const answers = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  const found = answers.flatMap((a) => (a.status === 'fulfilled' ? a.value.slice(0, perFamily) : []));
  if (found.length > 0) return found;
  const codes = answers.flatMap((a) => (a.status === 'rejected' ? [codeOf(a.reason)] : []));
  const code = codes.find((c) => !ABSENT.has(c)) ?? (codes.includes('ENOTFOUND') ? 'ENOTFOUND' : 'ENODATA');
  throw new DnsError(`address query for ${host}`, code);
}

/** The system resolver's addresses (getaddrinfo: /etc/hosts, then DNS), within `deadlineMs`. */
async function systemAddresses(host: string, deadlineMs: number): Promise<string[]> {
  const TIMED_OUT = Symbol('timed out');
  let answer: Array<{ address: string }> | typeof TIMED_OUT;
  try {
    answer = await raceDeadline(systemLookup(host, { all: true }), deadlineMs, TIMED_OUT);
  } catch (error) {
    throw new DnsError(`address look-up for ${host}`, codeOf(error));
  }
  if (answer === TIMED_OUT) throw new DnsError(`address look-up for ${host}`, 'ETIMEOUT');
  if (answer.length === 0) throw new DnsError(`address look-up for ${host}`, 'ENODATA');
  return answer.slice(0, MAX_ADDRESSES_PER_HOST).map((a) => a.address);
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'EUNKNOWN';
}

/** A code as a reader understands it (the resolver's own messages repeat the query name). */
function describeCode(code: string): string {
  switch (code) {
    case 'ETIMEOUT': return 'no answer from the DNS server (timed out)';
    case 'ECONNREFUSED': return 'the DNS server refused the connection';
    case 'ESERVFAIL': return 'the DNS server failed (SERVFAIL)';
    case 'EREFUSED': return 'the DNS server refused the query (REFUSED)';
    case 'ENOTFOUND': return 'no such name';
    case 'ENODATA': return 'no address records';
    default: return `failed (${code})`;
  }
}
