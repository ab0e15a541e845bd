/**
 * Composes an xmpp.js client from its parts, like `@xmpp/client` does, but with what the hub
 * needs: no reconnect plugin (the hub's policy reconnects), STARTTLS and direct TLS with a
 * configurable CA, and a SASL mechanism choice (SCRAM by default, PLAIN only when configured or
 * over TLS). Stream management (XEP-0198) is on, with resumption (see `startSession` and
 * resumption.ts); the ping IQ is answered.
 */
import { once } from 'node:events';
import { Socket as NetSocket } from 'node:net';
import { Client } from '@xmpp/client-core';
// An import of xmpp.js internals (typed in vendor.d.ts): @xmpp/starttls upgrades with fixed TLS
// options (no CA, no tlsInsecure), so STARTTLS is done below with the socket wrapper it uses itself.
import TlsSocket from '@xmpp/tls/lib/Socket.js';
import { parse as parseJid } from '@xmpp/jid';
import xml from '@xmpp/xml';
import { addTransports, tlsOptions, unbracket } from './transports.js';
import { leanMiddleware } from './lean-middleware.js';
import streamFeaturesFactory from '@xmpp/stream-features';
import iqCallerFactory, { type IqCaller } from '@xmpp/iq/caller.js';
import iqCalleeFactory from '@xmpp/iq/callee.js';
import SASLFactory from 'saslmechanisms';
import saslPlain from '@xmpp/sasl-plain';
import sasl from '@xmpp/sasl';
import resourceBinding from '@xmpp/resource-binding';
import streamManagement, { type StreamManagement } from '@xmpp/stream-management';
import type { XmppConfig } from './config.js';
import { NS } from './namespaces.js';
import { connectFirst } from './connect-round.js';
import { clientTargets, DEFAULT_CLIENT_PORT, type ConnectTarget } from './connect-targets.js';
import { createDnsLookup, type DnsLookup } from './dns-lookup.js';
import { describeReason } from './lifecycle.js';
import { SCRAM_SHA1, ScramSha1Mechanism } from './scram-sha1.js';

/** XEP-0198 stream management. */
const SM_NS = 'urn:xmpp:sm:3';

const NS_TLS = 'urn:ietf:params:xml:ns:xmpp-tls';

/** A configuration problem or refusal that retrying will not fix. */
export class FatalXmppError extends Error {
  readonly fatal = true;
}

/** The composed client and the parts the adapter talks to. */
export interface XmppClient {
  readonly entity: Client;
  readonly iqCaller: IqCaller;
  readonly sm: StreamManagement;
  /** Where to connect: the configured service, or the JID domain's SRV records. */
  readonly route: ClientRoute;
}

/** How a client finds its server (see connect-targets.ts and connect-round.ts). */
export interface ClientRoute {
  /** The places to try, in order (looked up anew for every connect). */
  targets(): Promise<ConnectTarget[]>;
  /** Resolves each target's host (the configured DNS servers, or the system's). */
  readonly dns: DnsLookup;
  /** How long one address may take to accept the connection. */
  readonly connectTimeoutMs: number;
}

/** The route for `config`: its `service` as the only target, or SRV look-ups for `domain`. */
function clientRoute(config: XmppConfig, domain: string): ClientRoute {
  const dns = createDnsLookup(config.dns);
  const service = config.service;
  const targets = service === undefined ? () => clientTargets(domain, dns) : () => Promise.resolve([serviceTarget(service)]);
  return { targets, dns, connectTimeoutMs: config.connectTimeoutMs };
}

/** `xmpp://host:port` / `xmpps://host:port` (validated by the config schema) as a target. */
function serviceTarget(service: string): ConnectTarget {
  const url = new URL(service);
  const scheme = url.protocol === 'xmpps:' ? 'xmpps' : 'xmpp';
  const port = url.port === '' ? (scheme === 'xmpps' ? 5223 : DEFAULT_CLIENT_PORT) : Number(url.port);
  return { scheme, host: unbracket(url.hostname), port };
}

/** Creates a client for one connection attempt. */
export function createXmppClient(config: XmppConfig): XmppClient {
  const { local: username, domain } = parseJid(config.jid); // validated config: has a domain
  const tls = tlsOptions(domain, config, (message) => new FatalXmppError(message));
  // `service` is only read by xmpp.js for a see-other-host redirect (its scheme); startSession
  // connects to the route's targets.
  const entity = new Client({ service: config.service ?? `xmpp://${domain}:${DEFAULT_CLIENT_PORT}`, domain, timeout: 10_000 });
  addTransports(entity, { tls });

  const middleware = leanMiddleware({ entity });
  const streamFeatures = streamFeaturesFactory({ middleware });
  const iqCaller = iqCallerFactory({ middleware, entity });
  const iqCallee = iqCalleeFactory({ middleware, entity });
  iqCallee.get('urn:xmpp:ping', 'ping', () => ({}));
  iqCallee.get(NS.discoInfo, 'query', () => discoInfo());

  // Stream features run in registration order: STARTTLS, SASL, stream management, binding.
  streamFeatures.use('starttls', NS_TLS, async ({ entity: e }) => {
    const socket = e.socket;
    if (!(socket instanceof NetSocket)) return;
    const reply = await e.sendReceive(xml('starttls', { xmlns: NS_TLS }));
    if (!reply.is('proceed', NS_TLS)) throw new Error('the server refused STARTTLS');
    const secure = new TlsSocket();
    secure.connect({ socket, host: domain, ...tls });
    await once(secure, 'connect');
    e._attachSocket(secure);
    await e.restart();
  });

  const saslFactory = new SASLFactory();
  // Our SCRAM-SHA-1 on node:crypto: the library's pure-JS PBKDF2 takes ~1.5 s per login.
  saslFactory.use(SCRAM_SHA1, ScramSha1Mechanism);
  saslPlain(saslFactory);
  sasl({ streamFeatures, saslFactory }, async (authenticate, offered) => {
    if (config.requireTls && !entity.isSecure()) {
      throw new FatalXmppError('the connection is not encrypted and requireTls is on (the server offered no STARTTLS)');
    }
    const mechanism = chooseMechanism(offered, config.saslMechanism, entity.isSecure());
    if (mechanism === undefined) {
      throw new FatalXmppError(`no acceptable SASL mechanism (server offers ${offered.join(', ') || 'none'})`);
    }
    await authenticate({ username, password: config.password }, mechanism);
  });

  const sm = streamManagement({ streamFeatures, entity, middleware });
  countFromEnabled(entity, sm);
  resourceBinding({ iqCaller, streamFeatures }, config.resource);
  return { entity, iqCaller, sm, route: clientRoute(config, domain) };
}

/**
 * XEP-0198 starts the inbound counter at `<enabled/>`. xmpp.js resets it only after an `await`
 * that follows `<enabled/>`, so stanzas handled in between are counted and then wiped: a later
 * `<resume h=…>` acknowledges too few and the server ends the session. Here the counter is reset
 * the moment `<enabled/>` arrives, and the library's late reset is ignored.
 */
export function countFromEnabled(entity: XmppClient['entity'], sm: XmppClient['sm']): void {
  let count = sm.inbound;
  let lateResetPending = false;
  Object.defineProperty(sm, 'inbound', {
    configurable: true,
    enumerable: true,
    get: () => count,
    set: (value: number) => {
      if (value === 0 && lateResetPending) {
        lateResetPending = false; // the library's reset for the <enabled/> already handled
        return;
      }
      count = value;
    },
  });
  entity.on('nonza', (element: { is(name: string, xmlns?: string): boolean }) => {
    if (!element.is('enabled', SM_NS)) return;
    count = 0;
    lateResetPending = true;
  });
  entity.on('disconnect', () => {
    lateResetPending = false;
  });
}

/** How a login ended: a new session, or the previous one resumed (XEP-0198). */
export type SessionStart = 'new' | 'resumed';

/**
 * Opens the stream and logs in, like `entity.start()`, but connects to the first of the route's
 * targets that answers (connect-round.ts), and also resolves when stream management resumed the
 * previous session (restored with `restoreSession`): xmpp.js then marks the client online without
 * its 'online' event, so `start()` would wait forever. Rejects on a client error, when the
 * connection closes before the login is done, and when `signal` aborts the connect round.
 */
export async function startSession(client: XmppClient, signal?: AbortSignal): Promise<SessionStart> {
  const { entity, sm, route } = client;
  if (entity.status !== 'offline') throw new Error('the client is not offline');
  await connectFirst(entity, await route.targets(), route.dns, { timeoutMs: route.connectTimeoutMs, ...(signal === undefined ? {} : { signal }) });
  let settle: { resolve: (start: SessionStart) => void; reject: (error: Error) => void } | undefined;
  const started = new Promise<SessionStart>((resolve, reject) => {
    settle = { resolve, reject };
  });
  started.catch(() => undefined); // an error while the stream is opening: awaited below
  const onNew = (): void => settle?.resolve('new');
  const onResumed = (): void => settle?.resolve('resumed');
  const onError = (error: Error): void => settle?.reject(error);
  const onDropped = (info?: { reason?: unknown }): void => settle?.reject(new Error(`connection closed while logging in: ${describeReason(info?.reason)}`));
  entity.once('online', onNew);
  sm.once('resumed', onResumed);
  entity.once('error', onError);
  entity.once('disconnect', onDropped);
  try {
    const { domain, lang } = entity.options;
    await Promise.race([entity.open({ domain, ...(lang === undefined ? {} : { lang }) }), started]);
    return await started;
  } finally {
    entity.off('online', onNew);
    sm.off('resumed', onResumed);
    entity.off('error', onError);
    entity.off('disconnect', onDropped);
  }
}

/** What the bot supports (XEP-0030), so clients offer reactions, corrections and the like. */
const SUPPORTED_FEATURES: readonly string[] = [
  NS.discoInfo, NS.muc, NS.chatStates, NS.correct, NS.retract, NS.reactions, NS.reply, NS.oob, NS.styling, NS.sid, 'urn:xmpp:ping',
];

function discoInfo(): ReturnType<typeof xml> {
  return xml(
    'query',
    { xmlns: NS.discoInfo },
    xml('identity', { category: 'client', type: 'bot', name: 'Switchboard' }),
    SUPPORTED_FEATURES.map((feature) => xml('feature', { var: feature })),
  );
}

/**
 * Picks the SASL mechanism: the preferred one when offered, else SCRAM-SHA-1; PLAIN (which
 * sends the password itself) only when preferred or over an encrypted connection.
 */
export function chooseMechanism(offered: readonly string[], preferred: string, secure: boolean): string | undefined {
  if (offered.includes(preferred)) return preferred;
  if (offered.includes('SCRAM-SHA-1')) return 'SCRAM-SHA-1';
  if (offered.includes('PLAIN') && secure) return 'PLAIN';
  return undefined;
}
