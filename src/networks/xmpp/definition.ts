/**
 * The `xmpp` protocol as the registry lists it: the config schema, and a `create` that loads
 * the adapter (xmpp.js and the rest) only when a configured network uses XMPP.
 */
import { lazyProtocol } from '../lazy-protocol.js';
import { xmppConfigWarnings } from './config-warnings.js';
import { xmppConfigSchema } from './config.js';

/** The XMPP protocol definition the registry hands to the config loader and the host. */
export const xmppProtocol = lazyProtocol({ protocol: 'xmpp', configSchema: xmppConfigSchema, configWarnings: xmppConfigWarnings }, async () => (await import('./adapter.js')).XmppNetwork);
