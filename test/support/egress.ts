/**
 * Egress clients for tests whose HTTP services (Prosody's upload, paste stand-ins, file servers)
 * listen on loopback, which the default egress policy refuses: each names exactly what it allows.
 */
import { DEFAULT_EGRESS_CONFIG, EgressClient, type EgressConfig } from '../../src/net/egress/index.js';

/** The egress config with `allow` (and any other keys) set, the rest defaults. */
export function egressConfig(allow: readonly string[], overrides: Partial<EgressConfig> = {}): EgressConfig {
  return { ...DEFAULT_EGRESS_CONFIG, ...overrides, allow };
}

/** A client that may fetch from `allow` (e.g. `127.0.0.1:<port>`) besides the public internet. */
export function egressAllowing(...allow: string[]): EgressClient {
  return new EgressClient(egressConfig(allow));
}
