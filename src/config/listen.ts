/**
 * The HTTP `listen` address: `host:port`, `[ipv6]:port`.
 */
import { isIP, isIPv6 } from 'node:net';

const BRACKETED = /^\[([^\]]+)\]:(\d{1,5})$/;
const PLAIN = /^([^:[\]\s]+):(\d{1,5})$/;
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** A parsed listen address; `host` has no brackets (`::1`, not `[::1]`). */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** Parses `host:port` or `[ipv6]:port` (port 0-65535, 0 = any free port); returns a reason when invalid. */
export function parseListenAddress(text: string): ListenAddress | { readonly error: string } {
  const bracketed = BRACKETED.exec(text);
  const plain = bracketed ? undefined : PLAIN.exec(text);
  const match = bracketed ?? plain;
  if (!match) {
    return { error: 'expected "host:port" (e.g. "127.0.0.1:8480") or "[ipv6]:port" (e.g. "[::1]:8480")' };
  }
  const host = match[1] ?? '';
  const port = Number(match[2]);
  if (port > 65535) return { error: 'port must be between 0 and 65535' };
  if (bracketed && !isIPv6(host)) return { error: 'the address in brackets must be an IPv6 address, e.g. "[::1]:8480"' };
  if (!bracketed && isIP(host) === 0 && (/^[\d.]+$/.test(host) || !HOSTNAME.test(host))) {
    return { error: 'the host must be an IPv4 address, a host name, or an IPv6 address in brackets' };
  }
  return { host, port };
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(host: string): boolean {
  const lower = host.toLowerCase();
  return lower === 'localhost' || lower === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(lower) || lower === '::ffff:127.0.0.1';
}
