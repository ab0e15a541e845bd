/**
 * Which `Host` headers the HTTP server answers: its listen address, the loopback names when it
 * listens on loopback (or on every address), and the names in `http.hosts`. Anything else is
 * refused, so that a web page whose name an attacker re-points at 127.0.0.1 (DNS rebinding)
 * cannot read /health, /metrics or a module's resources through the operator's browser: the
 * browser sends that page's name as `Host`.
 */
import { isLoopbackHost } from '../config/listen.js';
import { formatHostPort } from './errors.js';

/** What the server was told to listen on, and the extra names it may be reached by. */
export interface HostPolicyOptions {
  /** The listen host as configured (`127.0.0.1`, `::1`, `0.0.0.0`, a name). */
  readonly host: string;
  /** The bound port. */
  readonly port: number;
  /** `http.hosts`: names (or addresses) accepted with any port, e.g. a reverse proxy's public name. */
  readonly names?: readonly string[];
}

/** Decides on `Host` headers; `accepted` lists the accepted forms for the refusal text. */
export interface HostPolicy {
  allows(hostHeader: string | undefined): boolean;
  readonly accepted: readonly string[];
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

/** Builds the policy for one server. Comparisons ignore case and a trailing dot. */
export function hostPolicy(options: HostPolicyOptions): HostPolicy {
  const listenHosts = isLoopbackHost(options.host) || WILDCARD_HOSTS.has(options.host)
    ? [...new Set([options.host, ...LOOPBACK_NAMES])].filter((host) => !WILDCARD_HOSTS.has(host))
    : [options.host];
  const exact = new Set(listenHosts.map((host) => normalise(formatHostPort(host, options.port))));
  // Without a port, a Host header means the scheme's default port.
  if (options.port === 80) for (const host of listenHosts) exact.add(normalise(host.includes(':') ? `[${host}]` : host));
  const names = new Set((options.names ?? []).map((name) => normalise(name.includes(':') && !name.startsWith('[') ? `[${name}]` : name)));
  return {
    accepted: [...exact, ...[...names].map((name) => `${name}[:port]`)],
    allows(hostHeader) {
      if (hostHeader === undefined) return false;
      const header = normalise(hostHeader);
      return exact.has(header) || names.has(hostnameOf(header));
    },
  };
}

function normalise(host: string): string {
  return host.trim().toLowerCase().replace(/\.(?=:\d+$|$)/, '');
}

/** `name:port` → `name`; `[v6]:port` → `[v6]`. */
function hostnameOf(header: string): string {
  return header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.replace(/:\d*$/, '');
}
