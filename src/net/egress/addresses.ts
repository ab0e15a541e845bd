/**
 * Classifies IP addresses for the egress policy: which ones are not on the public internet
 * (loopback, private, link-local, …) and so are refused unless the allow-list names them.
 * IPv6 forms that carry an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible
 * `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by the IPv4 address inside.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** Why an address is not public. */
export type AddressCategory =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'multicast'
  | 'shared'
  | 'metadata'
  | 'reserved';

/** The ranges of each category; the first match wins (metadata is inside link-local and fc00::/7). */
const RANGES: readonly (readonly [AddressCategory, 'ipv4' | 'ipv6', string, number])[] = [
  ['metadata', 'ipv4', '169.254.169.254', 32],
  ['metadata', 'ipv6', 'fd00:ec2::254', 128],
  ['unspecified', 'ipv4', '0.0.0.0', 8],
  ['loopback', 'ipv4', '127.0.0.0', 8],
  ['private', 'ipv4', '10.0.0.0', 8],
  ['private', 'ipv4', '172.16.0.0', 12],
  ['private', 'ipv4', '192.168.0.0', 16],
  ['shared', 'ipv4', '100.64.0.0', 10],
  ['link-local', 'ipv4', '169.254.0.0', 16],
  ['multicast', 'ipv4', '224.0.0.0', 4],
  ['reserved', 'ipv4', '192.0.0.0', 24],
  ['reserved', 'ipv4', '198.18.0.0', 15],
  ['reserved', 'ipv4', '240.0.0.0', 4],
  ['unspecified', 'ipv6', '::', 128],
  ['loopback', 'ipv6', '::1', 128],
  ['private', 'ipv6', 'fc00::', 7],
  ['private', 'ipv6', 'fec0::', 10],
  ['link-local', 'ipv6', 'fe80::', 10],
  ['multicast', 'ipv6', 'ff00::', 8],
  ['reserved', 'ipv6', '100::', 64],
];

const lists = new Map<AddressCategory, BlockList>();
for (const [category, family, network, prefix] of RANGES) {
  let list = lists.get(category);
  if (!list) lists.set(category, (list = new BlockList()));
  list.addSubnet(network, prefix, family);
}

/**
 * The category of a non-public address, or undefined for a public one.
 *
 * @param address - an IPv4 or IPv6 address as text (an IPv6 zone such as `%eth0` is ignored)
 * @throws TypeError when `address` is not an IP address
 */
export function classifyAddress(address: string): AddressCategory | undefined {
  const bare = withoutZone(address);
  if (isIPv4(bare)) return categoryOf(bare, 'ipv4');
  if (!isIPv6(bare)) throw new TypeError(`not an IP address: ${address}`);
  const embedded = embeddedIPv4(ipv6Words(bare));
  if (embedded !== undefined) return categoryOf(embedded, 'ipv4');
  return categoryOf(bare, 'ipv6');
}

function categoryOf(address: string, family: 'ipv4' | 'ipv6'): AddressCategory | undefined {
  for (const [category, list] of lists) if (list.check(address, family)) return category;
  return undefined;
}

/** `address` without an IPv6 zone index (`fe80::1%eth0` → `fe80::1`). */
export function withoutZone(address: string): string {
  const zone = address.indexOf('%');
  return zone === -1 ? address : address.slice(0, zone);
}

/**
 * The IPv4 address carried by an IPv6 address, for the forms that route to it: IPv4-mapped
 * (::ffff:0:0/96), IPv4-compatible (::/96, except :: and ::1), NAT64 (64:ff9b::/96) and 6to4
 * (2002::/16).
 */
function embeddedIPv4(words: readonly number[]): string | undefined {
  const zeros = (from: number, to: number): boolean => words.slice(from, to).every((w) => w === 0);
  const v4 = (high: number, low: number): string => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  const [w0 = 0, w1 = 0, w2 = 0, , , w5 = 0, w6 = 0, w7 = 0] = words;
  if (zeros(0, 5) && w5 === 0xffff) return v4(w6, w7);
  if (zeros(0, 6) && (w6 !== 0 || w7 > 1)) return v4(w6, w7);
  if (w0 === 0x64 && w1 === 0xff9b && zeros(2, 6)) return v4(w6, w7);
  if (w0 === 0x2002) return v4(w1, w2);
  return undefined;
}

/** The eight 16-bit words of a valid IPv6 address (with `::` and a dotted IPv4 tail expanded). */
function ipv6Words(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((w) => parseInt(w, 16)));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}
