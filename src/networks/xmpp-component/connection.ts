/**
 * The component connection (XEP-0114): a TCP (or direct TLS) stream in the
 * `jabber:component:accept` namespace, authenticated by the handshake `SHA-1(stream id +
 * secret)`. Built on xmpp.js's connection and TCP/TLS transports (the `@xmpp/component` package
 * stops at 0.13, a major below our other `@xmpp/*` packages): only the stream namespace and the
 * handshake differ from a client stream. The stream is parsed with the hub's sliced parser
 * (a large stanza costs time in proportion to its size), and a stanza over `maxStanzaChars`
 * ends it (`bad-format`; the hub reconnects).
 */
import { createHash } from 'node:crypto';
import { Client } from '@xmpp/client-core';
import xml, { type Element } from '@xmpp/xml';
import { connectFirst } from '../xmpp/connect-round.js';
import { createDnsLookup } from '../xmpp/dns-lookup.js';
import { addTransports, tlsOptions } from '../xmpp/transports.js';

/** The namespace of a component stream (XEP-0114). */
export const NS_COMPONENT = 'jabber:component:accept';

/** How to reach the server's component port and which domain to claim. */
export interface ComponentEndpoint {
  readonly domain: string;
  readonly host: string;
  readonly port: number;
  /** The component secret (never logged). */
  readonly password: string;
  /** Direct TLS to the component port. */
  readonly tls: boolean;
  readonly tlsCa?: string;
  readonly tlsInsecure: boolean;
  readonly connectTimeoutMs: number;
  /** How long the server may take to open the stream and to answer the handshake. */
  readonly handshakeTimeoutMs: number;
  /** A received stanza longer than this (characters) ends the stream. */
  readonly maxStanzaChars: number;
}

/** The handshake failed in a way a retry cannot fix (wrong secret, domain not configured). */
export class FatalComponentError extends Error {
  override readonly name = 'FatalComponentError';
  readonly fatal = true;
}

/** The handshake digest: lower-case hex SHA-1 of the stream id followed by the secret. */
export function handshakeDigest(streamId: string, secret: string): string {
  return createHash('sha1').update(streamId + secret, 'utf8').digest('hex');
}

/**
 * Creates the (not yet connected) entity of one connection attempt: an xmpp.js connection whose
 * transports speak the component namespace.
 */
export function createComponentEntity(endpoint: ComponentEndpoint): Client {
  const tls = tlsOptions(endpoint.domain, endpoint, (message) => new FatalComponentError(message));
  const scheme = endpoint.tls ? 'xmpps' : 'xmpp';
  const entity = new Client({ service: `${scheme}://${endpoint.host}:${endpoint.port}`, domain: endpoint.domain, timeout: endpoint.handshakeTimeoutMs });
  addTransports(entity, { tls, ns: NS_COMPONENT, maxStanzaChars: endpoint.maxStanzaChars });
  return entity;
}

/**
 * Connects `entity`, opens the stream to the component domain and does the handshake. Resolves
 * once the server accepted it; rejects (a {@link FatalComponentError} when the server refused the
 * secret or the domain) otherwise. `signal` aborts the connect round.
 */
export async function startComponent(entity: Client, endpoint: ComponentEndpoint, signal?: AbortSignal): Promise<void> {
  const dns = createDnsLookup({ timeoutMs: 5000, tries: 2 });
  const target = { scheme: endpoint.tls ? 'xmpps' : 'xmpp', host: endpoint.host, port: endpoint.port } as const;
  await connectFirst(entity, [target], dns, { timeoutMs: endpoint.connectTimeoutMs, ...(signal === undefined ? {} : { signal }) });
  const header = (await entity.open({ domain: endpoint.domain })) as Element | undefined;
  const streamId = typeof header?.attrs.id === 'string' ? header.attrs.id : '';
  if (streamId === '') throw new Error('the server opened the component stream without an id');
  let reply: Element;
  try {
    reply = await entity.sendReceive(xml('handshake', {}, handshakeDigest(streamId, endpoint.password)), endpoint.handshakeTimeoutMs);
  } catch (error) {
    throw refusal(error);
  }
  if (!reply.is('handshake')) throw refusal(reply);
}

/** The server's answer to a bad handshake (a stream error) as an error a retry cannot fix. */
function refusal(reason: unknown): Error {
  const condition = describeStreamError(reason);
  if (condition === 'not-authorized' || condition === 'host-unknown' || condition === 'conflict') {
    const hint = condition === 'not-authorized' ? ' (check password)' : condition === 'host-unknown' ? ' (is the domain a Component on the server?)' : ' (another process is connected as this component)';
    return new FatalComponentError(`the server refused the component handshake: ${condition}${hint}`);
  }
  return reason instanceof Error ? reason : new Error(`the server refused the component handshake: ${condition}`);
}

/** The condition of a stream error (element or xmpp.js StreamError), or its message. */
function describeStreamError(reason: unknown): string {
  if (reason instanceof Error) return (reason as Error & { condition?: string }).condition ?? reason.message;
  const el = reason as Element | undefined;
  const first = el?.children.find((c): c is Element => typeof c !== 'string');
  return first?.name ?? 'unexpected reply';
}
