/**
 * One connect round: the targets in order, each host resolved through the network's DNS
 * look-ups (not the system resolver `net.connect` would use), each address tried with a time
 * limit; the first socket that connects wins. A target that refuses, times out or does not
 * resolve is skipped; when none connects, one error lists what was tried (the hub logs it once
 * per round and its reconnect policy schedules the next round).
 *
 * Only the socket is opened here: TLS (direct or STARTTLS) still checks the certificate against
 * the JID's domain, never the SRV target (RFC 6120 §13.7.2), see client.ts.
 */
import { once } from 'node:events';
import type { Client } from '@xmpp/client-core';
import { raceDeadline } from '../../core/deadline.js';
import type { ConnectTarget } from './connect-targets.js';
import { MAX_ADDRESSES_PER_HOST, type DnsLookup } from './dns-lookup.js';

/** How long a failed socket may take to close before the next address is tried. */
const CLOSE_WAIT_MS = 2000;

/** Limits of one round. */
export interface ConnectRoundOptions {
  /** How long one address may take to accept the connection (and the TLS handshake, for xmpps). */
  readonly timeoutMs: number;
  /** Aborted when the adapter gives up on this client (disconnect, or the hub's connect timeout). */
  readonly signal?: AbortSignal;
}

/** The service URI (`xmpp://127.0.0.1:5222`, `xmpps://[2001:db8::1]:5223`) of an address. */
function serviceUri(scheme: string, address: string, port: number): string {
  return `${scheme}://${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/**
 * Connects `entity`'s socket to the first target address that accepts. Resolves with the service
 * URI it connected to; rejects with an error naming every attempt when none did.
 */
export async function connectFirst(entity: Client, targets: readonly ConnectTarget[], dns: DnsLookup, options: ConnectRoundOptions): Promise<string> {
  const failures: string[] = [];
  // The socket's errors are also emitted by the client: they are reported in the round's error.
  const ignore = (): void => undefined;
  entity.on('error', ignore);
  try {
    for (const target of targets) {
      const where = `${target.scheme}://${target.host}:${target.port}`;
      let addresses: string[];
      try {
        addresses = (await dns.addresses(target.host)).slice(0, MAX_ADDRESSES_PER_HOST);
      } catch (error) {
        failures.push(`${where}: ${message(error)}`);
        continue;
      }
      for (const address of addresses) {
        throwIfAborted(options.signal);
        const service = serviceUri(target.scheme, address, target.port);
        try {
          await connectWithin(entity, service, options.timeoutMs, options.signal);
          return service;
        } catch (error) {
          failures.push(`${where}${address === target.host ? '' : ` (${address})`}: ${message(error)}`);
          await closeSocket(entity);
        }
      }
    }
  } finally {
    entity.off('error', ignore);
  }
  throwIfAborted(options.signal);
  throw new Error(`could not connect to any server: ${failures.join('; ')}`);
}

/**
 * Opens the socket to `service` within `timeoutMs`. An abort ends the wait at once (the adapter
 * destroys the socket then, which xmpp.js's connect promise does not notice).
 */
async function connectWithin(entity: Client, service: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
  const TIMED_OUT = Symbol('timed out');
  let onAbort = (): void => undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(new Error('connect cancelled'));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    const outcome = await raceDeadline(Promise.race([entity.connect(service), aborted]), timeoutMs, TIMED_OUT);
    if (outcome === TIMED_OUT) throw new Error(`no connection within ${timeoutMs} ms`);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Destroys a failed attempt's socket and waits (bounded) until the client has seen it close,
 * so its late close event cannot detach the next attempt's socket.
 */
async function closeSocket(entity: Client): Promise<void> {
  if (entity.socket === null || entity.socket === undefined) return;
  const closed = once(entity, 'disconnect').then(() => undefined, () => undefined);
  destroySocket(entity.socket);
  await raceDeadline(closed, CLOSE_WAIT_MS, undefined);
}

/** `promise`'s value, or undefined once `ms` passed. */
export function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return raceDeadline(promise, ms, undefined);
}

/**
 * Ends an xmpp.js entity's stream politely within `deadlineMs` (when it is still up), then
 * destroys its socket whatever happened.
 */
export async function stopEntity(entity: { readonly status: string; readonly socket: unknown; stop(): Promise<unknown> }, deadlineMs: number): Promise<void> {
  if (deadlineMs > 0 && entity.status !== 'disconnect' && entity.status !== 'offline') {
    await withDeadline(entity.stop().catch(() => undefined), deadlineMs);
  }
  destroySocket(entity.socket);
}

/** Destroys a client's socket (a net socket, or xmpp.js's TLS wrapper around one). */
export function destroySocket(socket: unknown): void {
  const s = socket as { destroy?: () => void; socket?: { destroy?: () => void } } | null | undefined;
  s?.socket?.destroy?.();
  s?.destroy?.();
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new Error('connect cancelled');
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
