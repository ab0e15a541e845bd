/**
 * The XMPP servers the e2e suites run against, by name: the same suite runs on each (as the
 * server-link suite does on each ircd).
 */
import { startEjabberd } from './ejabberd-server.js';
import { startProsody, type XmppServer } from './prosody-server.js';

/** The XMPP servers the tests start. */
export const XMPP_SERVERS = ['prosody', 'ejabberd'] as const;
export type XmppServerKind = (typeof XMPP_SERVERS)[number];

/** What both servers can be asked for. */
export interface XmppServerOptions {
  /** Accounts to register before resolving: [user, password] pairs on the server's domain. */
  readonly users?: ReadonlyArray<readonly [string, string]>;
  /** Rooms show occupants' real JIDs to everyone (non-anonymous rooms). */
  readonly publicJids?: boolean;
}

/** Starts `kind` on random loopback ports with a component 'gateway.localhost' (see each harness). */
export function startXmppServer(kind: XmppServerKind, options: XmppServerOptions = {}): Promise<XmppServer> {
  return kind === 'ejabberd' ? startEjabberd(options) : startProsody(options);
}

/** The server's name in test titles. */
export function xmppServerLabel(kind: XmppServerKind): string {
  return kind === 'ejabberd' ? 'ejabberd' : 'Prosody';
}
