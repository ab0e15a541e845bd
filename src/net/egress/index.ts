/**
 * The egress policy: the only way the hub fetches URLs. See docs/configuration.md, `egress:`.
 */
import { EgressClient } from './client.js';
import { DEFAULT_EGRESS_CONFIG } from './config.js';

export { EgressClient } from './client.js';
export { EgressBudget } from './budget.js';
export { EgressError, type EgressErrorCode } from './errors.js';
export { DEFAULT_EGRESS_CONFIG, egressSchema, type EgressConfig } from './config.js';
export { classifyAddress, type AddressCategory } from './addresses.js';

let defaultClient: EgressClient | undefined;

/** A shared client with the default policy, for contexts made without the hub's one. */
export function defaultEgressClient(): EgressClient {
  defaultClient ??= new EgressClient(DEFAULT_EGRESS_CONFIG);
  return defaultClient;
}
