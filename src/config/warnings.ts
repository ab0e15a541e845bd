/**
 * Settings that are valid but risky, reported as warnings (by `switchboard check` and at start).
 */
import type { ConfigProblem } from './errors.js';
import { isLoopbackHost } from './listen.js';
import type { HubConfig } from './types.js';

/** Warnings about a loaded config, in the same shape as problems (without line numbers). */
export function configWarnings(config: HubConfig): ConfigProblem[] {
  const warnings: ConfigProblem[] = [];
  if (config.http && !isLoopbackHost(config.http.host)) {
    warnings.push({
      file: config.file,
      path: 'http.listen',
      reason: `the HTTP server listens on ${config.http.host}, which other machines can reach; /health and /metrics have no authentication, so prefer 127.0.0.1 or [::1] behind a reverse proxy`,
    });
  }
  return warnings;
}
