/**
 * A protocol definition that loads its adapter on first use: the registry imports only the
 * config schema, and the adapter's code (its protocol library and the rest) is imported when a
 * configured network uses the protocol.
 */
import type { Network, NetworkContext, ProtocolDefinition } from '../core/network.js';

/** A network class: `new Adapter(context, config)` creates a network (not yet connected). */
export type AdapterClass<Config> = new (context: NetworkContext, config: Config) => Network;

/** The definition of `fields.protocol`, whose `create` imports the adapter through `loadAdapter`. */
export function lazyProtocol<Config>(
  fields: Omit<ProtocolDefinition<Config>, 'create'>,
  loadAdapter: () => Promise<AdapterClass<Config>>,
): ProtocolDefinition<Config> {
  return { ...fields, create: async (context, config) => new (await loadAdapter())(context, config) };
}
