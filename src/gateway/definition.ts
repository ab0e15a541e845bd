/**
 * The `gateway` protocol as the registry lists it: the config schema, and a `create` that loads
 * the gateway only when a configured network uses it.
 */
import type { ConfigWarning, ProtocolDefinition } from '../core/network.js';
import { gatewayConfigSchema, type GatewayConfig } from './config.js';

function gatewayConfigWarnings(config: GatewayConfig): ConfigWarning[] {
  const loopback = /^(127\.|::1$|localhost$)/i.test(config.host);
  const warnings: ConfigWarning[] = [];
  if (!config.tls && !loopback) warnings.push({ path: ['tls'], reason: 'the component stream (with people\'s messages) is not encrypted because tls is off; keep the component port on loopback or set tls: true' });
  if (config.allowedDomains.length === 0) warnings.push({ path: ['allowedDomains'], reason: 'anyone on any XMPP server can register and make the gateway connect to IRC for them; list your domains in allowedDomains' });
  if (!config.legacy.tls) warnings.push({ path: ['legacy', 'tls'], reason: 'people\'s IRC passwords cross the network in clear because legacy.tls is off' });
  return warnings;
}

/** The gateway protocol definition. */
export const gatewayProtocol: ProtocolDefinition<GatewayConfig> = {
  protocol: 'gateway',
  configSchema: gatewayConfigSchema,
  configWarnings: gatewayConfigWarnings,
  create: async (context, config) => new (await import('./network.js')).GatewayNetwork(context, config),
};
