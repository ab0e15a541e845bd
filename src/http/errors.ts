/**
 * Errors the HTTP server reports to the host at start-up. Each message names the setting to
 * change and how.
 */

/** The HTTP server could not bind its address. The host exits with code 2. */
export class HttpListenError extends Error {
  override readonly name = 'HttpListenError';
  /** The system error code (EADDRINUSE, EACCES, ...) when there was one. */
  readonly code: string | undefined;
  /** `host:port` as configured (IPv6 hosts in brackets). */
  readonly address: string;

  constructor(address: string, cause: unknown) {
    const code = errorCode(cause);
    super(listenProblem(address, code, cause), { cause });
    this.code = code;
    this.address = address;
  }
}

/** `host:port` for messages, IPv6 literals in brackets. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function listenProblem(address: string, code: string | undefined, cause: unknown): string {
  switch (code) {
    case 'EADDRINUSE':
      return `another process uses ${address}: choose another port in http.listen or stop that process`;
    case 'EACCES':
    case 'EPERM':
      return `not allowed to listen on ${address} (ports below 1024 need privileges): choose another port in http.listen`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return `cannot listen on ${address}: the host is not an address of this machine: fix the host in http.listen`;
    case 'ERR_SOCKET_BAD_PORT':
      return `cannot listen on ${address}: the port must be between 0 and 65535: fix the port in http.listen`;
    default:
      return `cannot listen on ${address}: ${cause instanceof Error ? cause.message : String(cause)}: check http.listen`;
  }
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
