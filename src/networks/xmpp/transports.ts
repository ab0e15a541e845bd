/**
 * The socket transports of an xmpp.js entity as the XMPP networks use them: plain TCP and direct
 * TLS with a configurable CA, streams parsed with the hub's sliced parser (optionally with a cap
 * on one received stanza), IPv6 hosts without brackets, and data after a dropped parser ignored.
 * The `xmpp` client and the `xmpp-component` differ only in the stream namespace and the cap.
 */
import { readFileSync } from 'node:fs';
import type { Client } from '@xmpp/client-core';
// xmpp.js internals (typed in vendor.d.ts): @xmpp/tcp and @xmpp/tls export only plugins that
// push these transport classes, which we subclass (our TLS options, the sliced parser).
import ConnectionTCP from '@xmpp/tcp/lib/Connection.js';
import ConnectionTLS from '@xmpp/tls/lib/Connection.js';
import { ignoreDataWithoutParser, parseSliced, parseSlicedCapped } from './sliced-parser.js';

/** Where the certificate checks come from (the network's settings). */
export interface TlsSettings {
  /** A PEM file of the CA to trust instead of the system's. */
  readonly tlsCa?: string | undefined;
  /** Accept any certificate. */
  readonly tlsInsecure: boolean;
}

/**
 * The TLS options for `tls.connect`: the name to check the certificate against, the CA to trust
 * and whether to check at all. An unreadable CA file is a `fatal` error (retrying cannot fix it).
 */
export function tlsOptions(servername: string, settings: TlsSettings, fatal: (message: string) => Error): Record<string, unknown> {
  const options: Record<string, unknown> = { servername, rejectUnauthorized: !settings.tlsInsecure };
  if (settings.tlsCa !== undefined) {
    try {
      options.ca = readFileSync(settings.tlsCa);
    } catch (error) {
      throw fatal(`cannot read tlsCa file ${settings.tlsCa}: ${(error as Error).message}`);
    }
  }
  return options;
}

/** `[::1]` → `::1`: a URL keeps an IPv6 host in brackets, `net.connect` wants it without. */
export function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** The socket parameters of a transport with an IPv6 host unbracketed (xmpp.js only does `[::1]`). */
function withPlainHost(params: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  return params !== undefined && typeof params.host === 'string' ? { ...params, host: unbracket(params.host) } : params;
}

/** How the transports of one entity differ. */
export interface TransportOptions {
  /** The options direct TLS connects with (see `tlsOptions`). */
  readonly tls: Record<string, unknown>;
  /** The stream namespace, when not the transports' own (`jabber:client`). */
  readonly ns?: string;
  /** A received stanza longer than this (characters) ends the stream; no cap when undefined. */
  readonly maxStanzaChars?: number;
}

/** Gives `entity` its TCP and direct TLS transports (before it connects). */
export function addTransports(entity: Client, options: TransportOptions): void {
  class DirectTls extends ConnectionTLS {
    override socketParameters(service: string): Record<string, unknown> | undefined {
      const params = withPlainHost(super.socketParameters(service));
      return params === undefined ? undefined : { ...params, ...options.tls };
    }
  }
  class Tcp extends ConnectionTCP {
    override socketParameters(service: string): Record<string, unknown> | undefined {
      return withPlainHost(super.socketParameters(service));
    }
  }
  for (const transport of [Tcp, DirectTls]) {
    if (options.ns !== undefined) Object.defineProperty(transport.prototype, 'NS', { value: options.ns, configurable: true, writable: true });
    if (options.maxStanzaChars === undefined) parseSliced(transport);
    else parseSlicedCapped(transport, options.maxStanzaChars);
  }
  entity.transports.push(Tcp, DirectTls);
  ignoreDataWithoutParser(entity);
}
