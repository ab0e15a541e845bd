/**
 * The `xmpp` protocol as the registry lists it: the config schema, and a `create` that loads
 * the adapter (xmpp.js and the rest) only when a configured network uses XMPP.
 */
import type { ProtocolDefinition } from '../../core/network.js';
import { xmppConfigWarnings } from './config-warnings.js';
import { xmppConfigSchema, type XmppConfig } from './config.js';

/** The XMPP protocol definition the registry hands to the config loader and the host. */
export const xmppProtocol: ProtocolDefinition<XmppConfig> = {
  protocol: 'xmpp',
  configSchema: xmppConfigSchema,
  configWarnings: xmppConfigWarnings,
  create: async (context, config) => {
    const { XmppNetwork } = await import('./adapter.js');
    return new XmppNetwork(context, config);
  },
};
