/**
 * The `irc` protocol as the registry lists it: the config schema, and a `create` that loads
 * the adapter (irc-framework and the rest) only when a configured network uses IRC.
 */
import { lazyProtocol } from '../lazy-protocol.js';
import { ircConfigWarnings } from './config-warnings.js';
import { ircConfigSchema } from './config.js';

/** The IRC protocol definition the registry hands to the config loader and the host. */
export const ircProtocol = lazyProtocol({ protocol: 'irc', configSchema: ircConfigSchema, configWarnings: ircConfigWarnings }, async () => (await import('./adapter.js')).IrcNetwork);
