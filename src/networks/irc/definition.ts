/**
 * The `irc` protocol as the registry lists it: the config schema, and a `create` that loads
 * the adapter (irc-framework and the rest) only when a configured network uses IRC.
 */
import type { ProtocolDefinition } from '../../core/network.js';
import { ircConfigWarnings } from './config-warnings.js';
import { ircConfigSchema, type IrcConfig } from './config.js';

/** The IRC protocol definition the registry hands to the config loader and the host. */
export const ircProtocol: ProtocolDefinition<IrcConfig> = {
  protocol: 'irc',
  configSchema: ircConfigSchema,
  configWarnings: ircConfigWarnings,
  create: async (context, config) => {
    const { IrcNetwork } = await import('./adapter.js');
    return new IrcNetwork(context, config);
  },
};
