/**
 * The `xmpp` protocol: a client account in MUC rooms and one-to-one chats.
 */
import type { ProtocolDefinition } from '../../core/network.js';
import { XmppNetwork } from './adapter.js';
import { xmppConfigSchema, type XmppConfig } from './config.js';

export type { XmppConfig } from './config.js';
export { XmppNetwork } from './adapter.js';

/** The protocol definition the registry lists. */
export const xmppProtocol: ProtocolDefinition<XmppConfig> = {
  protocol: 'xmpp',
  configSchema: xmppConfigSchema,
  create: (context, config) => new XmppNetwork(context, config),
};
