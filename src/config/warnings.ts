/**
 * Settings that are valid but risky, reported as warnings (by `switchboard check` and at start).
 */
import type { ProtocolDefinition } from '../core/network.js';
import type { ConfigProblem } from './errors.js';
import { isLoopbackHost } from './listen.js';
import { formatPath } from './path.js';
import type { HubConfig } from './types.js';

/**
 * Warnings about a loaded config, in the same shape as problems (without line numbers): the
 * hub's own (an HTTP address other machines reach) and each network's protocol's
 * (credentials sent without TLS).
 */
export function configWarnings(config: HubConfig, protocols: readonly ProtocolDefinition[]): ConfigProblem[] {
  const warnings: ConfigProblem[] = [];
  if (config.http && !isLoopbackHost(config.http.host)) {
    warnings.push({
      file: config.file,
      path: 'http.listen',
      reason: `the HTTP server listens on ${config.http.host}, which other machines can reach; /health and /metrics have no authentication, so prefer 127.0.0.1 or [::1] behind a reverse proxy`,
    });
  }
  for (const network of config.networks) {
    const definition = protocols.find((candidate) => candidate.protocol === network.protocol);
    for (const warning of definition?.configWarnings?.(network.options) ?? []) {
      warnings.push({ file: config.file, path: formatPath(['networks', network.name, ...warning.path]), reason: warning.reason });
    }
  }
  return warnings;
}
