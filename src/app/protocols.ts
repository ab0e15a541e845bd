/**
 * Every protocol a hub can run: the network adapters (networks/registry.ts) and the gateway
 * (src/gateway, a layer above the adapters it uses).
 */
import type { ProtocolDefinition } from '../core/network.js';
import { gatewayProtocol } from '../gateway/definition.js';
import { builtinProtocols } from '../networks/registry.js';

/** The protocols `switchboard run` and `check` accept. */
export function allProtocols(): readonly ProtocolDefinition[] {
  return [...builtinProtocols(), gatewayProtocol as ProtocolDefinition];
}
