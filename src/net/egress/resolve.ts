/**
 * The first half of every egress request: the URL's scheme is checked, its host resolved by us
 * (a literal address as it is), and every address checked against the policy. The request then
 * connects to these addresses only (request.ts), so DNS cannot answer differently in between.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { classifyAddress } from './addresses.js';
import type { AllowList } from './allow-list.js';
import { EgressError } from './errors.js';

/** An address to connect to. */
export interface CheckedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** A URL whose host resolved to addresses the policy accepts. */
export interface CheckedTarget {
  readonly url: URL;
  /** The host name as it goes into `Host` and TLS SNI (brackets removed from an IPv6 literal). */
  readonly host: string;
  readonly port: number;
  readonly addresses: readonly CheckedAddress[];
}

/** Resolves a host name to every address it has (dns.lookup, as the system resolver answers). */
export type Resolver = (host: string) => Promise<readonly CheckedAddress[]>;

/** The system resolver (getaddrinfo through dns.lookup, all addresses). */
export const systemResolver: Resolver = async (host) => {
  const answers = await dnsLookup(host, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/**
 * Checks `url` and resolves its host.
 *
 * @throws EgressError `refused-scheme` (not http/https), `dns` (no address), or
 *   `refused-address` (an address is not public and the allow-list names neither it nor the host)
 */
export async function checkTarget(url: URL, allow: AllowList, resolve: Resolver = systemResolver): Promise<CheckedTarget> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new EgressError('refused-scheme', `only http and https URLs are fetched, not ${url.protocol}`);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  const literal = isIP(host);
  let addresses: readonly CheckedAddress[];
  if (literal !== 0) {
    addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      throw new EgressError('dns', `cannot resolve ${host}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
    }
    if (addresses.length === 0) throw new EgressError('dns', `${host} has no address`);
  }
  if (!allow.allowsHost(host, port)) {
    for (const { address } of addresses) {
      const category = classifyAddress(address);
      if (category !== undefined && !allow.allowsAddress(address, port)) {
        throw new EgressError('refused-address', `${host} resolves to ${address} (${category}), which is not fetched (egress.allow can permit it)`);
      }
    }
  }
  return { url, host, port, addresses };
}
