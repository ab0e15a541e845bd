/**
 * The egress allow-list: host names (`files.example.org`, `*.example.org`), addresses
 * (`127.0.0.1`, `::1`) and CIDR ranges (`10.0.0.0/8`, `fd00::/8`) the hub may fetch from even
 * though they are not public. Host names and single addresses may name a port
 * (`127.0.0.1:5280`, `[::1]:8080`, `uploads.lan:443`); without one, every port is allowed.
 */
import { BlockList, isIP } from 'node:net';
import { withoutZone } from './addresses.js';

/** One parsed entry. */
type Entry =
  | { readonly kind: 'host'; readonly name: string; readonly port?: number }
  | { readonly kind: 'suffix'; readonly suffix: string; readonly port?: number }
  | { readonly kind: 'range'; readonly list: BlockList; readonly port?: number };

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

const EXPECTED = 'expected a host name (files.example.org, *.example.org), an IP address or a CIDR range (10.0.0.0/8), optionally with :port';

/**
 * Parses one allow-list entry.
 *
 * @returns the entry, or an error message saying what is expected (without the input)
 */
export function parseAllowEntry(text: string): Entry | { error: string } {
  const entry = text.trim().toLowerCase();
  const cidr = /^([0-9a-f:.]+)\/(\d{1,3})$/.exec(entry);
  if (cidr) return rangeEntry(cidr[1]!, Number(cidr[2]));
  const { host, port } = splitPort(entry);
  if (Number.isNaN(port)) return { error: EXPECTED };
  if (port !== undefined && (port < 1 || port > 65535)) return { error: 'the port must be 1-65535' };
  const withPort = port === undefined ? {} : { port };
  if (isIP(host) !== 0) {
    const single = rangeEntry(host, isIP(host) === 4 ? 32 : 128);
    return 'error' in single ? single : { ...single, ...withPort };
  }
  const name = host.replace(/\.$/, '');
  if (name.startsWith('*.') && HOST_NAME.test(name.slice(2))) return { kind: 'suffix', suffix: name.slice(1), ...withPort };
  if (HOST_NAME.test(name)) return { kind: 'host', name, ...withPort };
  return { error: EXPECTED };
}

function rangeEntry(address: string, prefix: number): Entry | { error: string } {
  const family = isIP(address);
  if (family === 0) return { error: 'not a valid IP address in the CIDR range' };
  if (prefix > (family === 4 ? 32 : 128)) return { error: `the prefix length must be at most ${family === 4 ? 32 : 128}` };
  const list = new BlockList();
  list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  return { kind: 'range', list };
}

/** `host:port`, `[v6]:port`, or a bare host / address; the port is NaN when it is not a number. */
function splitPort(entry: string): { host: string; port?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return bracketed[2] === undefined ? { host: bracketed[1]! } : { host: bracketed[1]!, port: Number(bracketed[2]) };
  const colon = entry.lastIndexOf(':');
  if (colon === -1 || entry.indexOf(':') !== colon) return { host: entry };
  const port = entry.slice(colon + 1);
  return { host: entry.slice(0, colon), port: /^\d{1,5}$/.test(port) ? Number(port) : NaN };
}

/** A parsed allow-list. */
export class AllowList {
  private readonly entries: readonly Entry[];

  /** @throws Error naming the first invalid entry's position */
  constructor(entries: readonly string[]) {
    this.entries = entries.map((text, index) => {
      const entry = parseAllowEntry(text);
      if ('error' in entry) throw new Error(`egress.allow[${index}]: ${entry.error}`);
      return entry;
    });
  }

  /** true when the URL host `hostName` (as WHATWG URL normalised it) is named for `port`. */
  allowsHost(hostName: string, port: number): boolean {
    const name = hostName.toLowerCase().replace(/\.$/, '');
    return this.entries.some((e) => portMatches(e, port) && (
      (e.kind === 'host' && e.name === name) || (e.kind === 'suffix' && name.endsWith(e.suffix))));
  }

  /** true when `address` is inside a listed address or range for `port`. */
  allowsAddress(address: string, port: number): boolean {
    const bare = withoutZone(address);
    const family = isIP(bare) === 4 ? 'ipv4' : 'ipv6';
    return this.entries.some((e) => e.kind === 'range' && portMatches(e, port) && e.list.check(bare, family));
  }
}

function portMatches(entry: Entry, port: number): boolean {
  return entry.port === undefined || entry.port === port;
}
