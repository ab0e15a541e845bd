/**
 * The protocols Switchboard ships with. The config loader validates each network's options
 * with its protocol's schema; the host creates networks through `create`.
 */
import type { ProtocolDefinition } from '../core/network.js';
import { ircProtocol } from './irc/index.js';
import { xmppProtocol } from './xmpp/index.js';

/** Every built-in protocol definition, by `protocol:` name. */
export function builtinProtocols(): readonly ProtocolDefinition[] {
  return [ircProtocol as ProtocolDefinition, xmppProtocol as ProtocolDefinition];
}
