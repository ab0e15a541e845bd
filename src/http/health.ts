/**
 * The body of GET /health, and how the hub's phase and its networks' states add up to one
 * status.
 */
import type { NetworkState } from '../core/network.js';
import type { ModuleHealth } from '../modules/health.js';

/** The hub as a whole: `ok` only while running with every network connected. */
export type HubStatus = 'ok' | 'degraded' | 'starting' | 'stopping';

/** Where the hub is in its lifecycle. */
export type HubPhase = 'starting' | 'running' | 'stopping';

/** One network, as /health reports it. */
export interface NetworkHealth {
  readonly protocol: string;
  readonly state: NetworkState;
  /** When the network entered `state`, ISO 8601. */
  readonly since: string;
  /** The last connection problem, for people (never contains secrets). */
  readonly lastError?: string;
  /** Reconnects since the hub started. */
  readonly reconnects: number;
  /** Outgoing items waiting to be written. */
  readonly queueDepth: number;
}

/** The JSON body of GET /health. */
export interface HealthReport {
  readonly status: HubStatus;
  readonly uptimeSeconds: number;
  /** By configured network name. */
  readonly networks: Record<string, NetworkHealth>;
  /** Details from modules that registered a health check, by module name (absent when none did). */
  readonly modules?: Record<string, ModuleHealth>;
}

/**
 * The overall status: the phase while starting or stopping; once running, `ok` when every
 * network is connected (or there are none) and `degraded` otherwise.
 */
export function overallStatus(phase: HubPhase, networks: Readonly<Record<string, Pick<NetworkHealth, 'state'>>>): HubStatus {
  if (phase !== 'running') return phase;
  return Object.values(networks).every((network) => network.state === 'connected') ? 'ok' : 'degraded';
}

/** The HTTP status of GET /health: 200 when the status is `ok`, 503 otherwise. */
export function healthHttpStatus(report: Pick<HealthReport, 'status'>): 200 | 503 {
  return report.status === 'ok' ? 200 : 503;
}
