/**
 * The protocols Switchboard ships with. The config loader validates each network's options
 * with its protocol's schema; the host creates networks through `create`, which loads the
 * adapter on first use (only the schemas are imported here).
 */
import type { ProtocolDefinition } from '../core/network.js';
import { ircProtocol } from './irc/definition.js';
import { ircLinkProtocol } from './irc-link/definition.js';
import { xmppProtocol } from './xmpp/definition.js';
import { xmppComponentProtocol } from './xmpp-component/definition.js';

/** Every built-in protocol definition, by `protocol:` name. */
export function builtinProtocols(): readonly ProtocolDefinition[] {
  return [ircProtocol as ProtocolDefinition, ircLinkProtocol as ProtocolDefinition, xmppProtocol as ProtocolDefinition, xmppComponentProtocol as ProtocolDefinition];
}
