/**
 * The legacy networks modules add (`api.registerLegacyNetwork`), as the hub's plugins of kind
 * {@link LEGACY_NETWORK_PLUGIN}: a gateway whose `legacy.protocol` is not built in finds its
 * factory here when it connects.
 */
import type { PluginLookup } from '../core/plugins.js';
import type { LegacyNetworkFactory } from './api.js';

/** The plugin kind of legacy network factories. */
export const LEGACY_NETWORK_PLUGIN = 'gateway.legacy-network';

/** The factory a module registered for `protocol`; throws a clear error when there is none. */
export function findLegacyNetwork(plugins: PluginLookup | undefined, protocol: string): LegacyNetworkFactory {
  const factory = plugins?.get(LEGACY_NETWORK_PLUGIN, protocol);
  if (typeof factory === 'function') return factory as LegacyNetworkFactory;
  const known = plugins?.names(LEGACY_NETWORK_PLUGIN) ?? [];
  throw new Error(`no module registered the legacy network "${protocol}" (built in: irc${known.length === 0 ? '' : `; from modules: ${known.join(', ')}`})`);
}
