/**
 * The `irc-link` protocol as the registry lists it: the config schema, and a `create` that loads
 * the link adapter only when a configured network uses it.
 */
import type { ConfigWarning } from '../../core/network.js';
import { lazyProtocol } from '../lazy-protocol.js';
import { ircLinkConfigSchema, type IrcLinkConfig } from './config.js';

/** The link passwords cross the network in clear without TLS. */
function linkConfigWarnings(config: IrcLinkConfig): ConfigWarning[] {
  return config.tls ? [] : [{ path: ['sendPassword'], reason: 'the link passwords are sent in clear because tls is off; set tls: true (or keep the link on loopback)' }];
}

/** The server-link protocol definition the registry hands to the config loader and the host. */
export const ircLinkProtocol = lazyProtocol(
  { protocol: 'irc-link', configSchema: ircLinkConfigSchema, configWarnings: linkConfigWarnings },
  async () => (await import('./adapter.js')).IrcLinkNetwork,
);
