/**
 * The `xmpp-component` protocol as the registry lists it: the config schema, and a `create`
 * that loads the adapter only when a configured network uses it.
 */
import type { ConfigWarning } from '../../core/network.js';
import { lazyProtocol } from '../lazy-protocol.js';
import { xmppComponentConfigSchema, type XmppComponentConfig } from './config.js';

/** The handshake hides the secret, but every stanza after it crosses the network in clear. */
function componentConfigWarnings(config: XmppComponentConfig): ConfigWarning[] {
  const loopback = /^(127\.|::1$|localhost$)/i.test(config.host);
  return config.tls || loopback ? [] : [{ path: ['tls'], reason: 'the component stream is not encrypted because tls is off; keep the component port on loopback or set tls: true' }];
}

/** The XMPP component protocol definition the registry hands to the config loader and the host. */
export const xmppComponentProtocol = lazyProtocol(
  { protocol: 'xmpp-component', configSchema: xmppComponentConfigSchema, configWarnings: componentConfigWarnings },
  async () => (await import('./adapter.js')).XmppComponentNetwork,
);
