/**
 * The `xmpp` protocol: a client account in MUC rooms and one-to-one chats. Importing this
 * module loads the adapter; the registry imports only the light `definition.js`.
 */
export { xmppProtocol } from './definition.js';
export { XmppNetwork } from './adapter.js';
export { xmppConfigSchema, type XmppConfig } from './config.js';
