/**
 * The `irc` protocol: client connections to IRC networks (relay mode).
 */
import type { ProtocolDefinition } from '../../core/network.js';
import { IrcNetwork } from './adapter.js';
import { ircConfigSchema, type IrcConfig } from './config.js';

export { IrcNetwork } from './adapter.js';
export { ircConfigSchema, type IrcConfig } from './config.js';

/** The IRC protocol definition the registry hands to the config loader and the host. */
export const ircProtocol: ProtocolDefinition<IrcConfig> = {
  protocol: 'irc',
  configSchema: ircConfigSchema,
  create: (context, config) => new IrcNetwork(context, config),
};
