/**
 * Composes an xmpp.js client from its parts, like `@xmpp/client` does, but with what the hub
 * needs: no reconnect plugin (the hub's policy reconnects), STARTTLS and direct TLS with a
 * configurable CA, and a SASL mechanism choice (SCRAM by default, PLAIN only when configured or
 * over TLS). Stream management (XEP-0198) is on, with resumption (see `startSession` and
 * resumption.ts); the ping IQ is answered.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { Socket as NetSocket } from 'node:net';
import { Client } from '@xmpp/client-core';
// Three imports of xmpp.js internals (typed in vendor.d.ts), as no public entry point has them:
// @xmpp/tcp and @xmpp/tls export only plugins that push these transport classes, which we
// subclass (our TLS options, the sliced parser); @xmpp/starttls upgrades with fixed TLS options
// (no CA, no tlsInsecure), so STARTTLS is done below with the socket wrapper it uses itself.
import ConnectionTCP from '@xmpp/tcp/lib/Connection.js';
import ConnectionTLS from '@xmpp/tls/lib/Connection.js';
import TlsSocket from '@xmpp/tls/lib/Socket.js';
import { parse as parseJid } from '@xmpp/jid';
import xml from '@xmpp/xml';
import { parseSliced } from './sliced-parser.js';
import middlewareFactory from '@xmpp/middleware';
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
}

/** The TLS options for `tls.connect`: the CA to trust and whether to check the certificate. */
function tlsOptions(config: XmppConfig, domain: string): Record<string, unknown> {
  const options: Record<string, unknown> = { servername: domain, rejectUnauthorized: !config.tlsInsecure };
  if (config.tlsCa !== undefined) {
    try {
      options.ca = readFileSync(config.tlsCa);
    } catch (error) {
      throw new FatalXmppError(`cannot read tlsCa file ${config.tlsCa}: ${(error as Error).message}`);
    }
  }
  return options;
}

/** Creates a client for one connection attempt. */
export function createXmppClient(config: XmppConfig): XmppClient {
  const { local: username, domain } = parseJid(config.jid); // validated config: has a domain
  const tls = tlsOptions(config, domain);
  const entity = new Client({ service: config.service, domain, timeout: 10_000 });

  class DirectTls extends ConnectionTLS {
    override socketParameters(service: string): Record<string, unknown> | undefined {
      const params = super.socketParameters(service);
      return params === undefined ? undefined : { ...params, ...tls };
    }
  }
  class Tcp extends ConnectionTCP {}
  parseSliced(Tcp);
  parseSliced(DirectTls);
  entity.transports.push(Tcp, DirectTls);

  const middleware = middlewareFactory({ entity });
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
  return { entity, iqCaller, sm };
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
 * Opens the stream and logs in, like `entity.start()`, but also resolves when stream management
 * resumed the previous session (restored with `restoreSession`): xmpp.js then marks the client
 * online without its 'online' event, so `start()` would wait forever. Rejects on a client error.
 */
export async function startSession(client: XmppClient): Promise<SessionStart> {
  const { entity, sm } = client;
  if (entity.status !== 'offline') throw new Error('the client is not offline');
  let settle: { resolve: (start: SessionStart) => void; reject: (error: Error) => void } | undefined;
  const started = new Promise<SessionStart>((resolve, reject) => {
    settle = { resolve, reject };
  });
  started.catch(() => undefined); // an error while the socket or stream is opening: awaited below
  const onNew = (): void => settle?.resolve('new');
  const onResumed = (): void => settle?.resolve('resumed');
  const onError = (error: Error): void => settle?.reject(error);
  entity.once('online', onNew);
  sm.once('resumed', onResumed);
  entity.once('error', onError);
  try {
    const { service, domain, lang } = entity.options;
    await entity.connect(service);
    await entity.open({ domain, ...(lang === undefined ? {} : { lang }) });
    return await started;
  } finally {
    entity.off('online', onNew);
    sm.off('resumed', onResumed);
    entity.off('error', onError);
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
