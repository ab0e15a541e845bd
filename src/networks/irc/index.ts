/**
 * The `irc` protocol: client connections to IRC networks (relay mode). Importing this module
 * loads the adapter; the registry imports only the light `definition.js`.
 */
export { ircProtocol } from './definition.js';
export { IrcNetwork } from './adapter.js';
export { ircConfigSchema, type IrcConfig } from './config.js';
