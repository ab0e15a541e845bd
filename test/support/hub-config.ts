/**
 * The parts of a HubConfig every e2e hub shares: the config file and SQLite database in the
 * test's temp dir, and a quick reconnect policy. Tests add networks, bridges and modules.
 */
import { join } from 'node:path';
import type { HubConfig } from '../../src/config/types.js';
import type { ReconnectConfig } from '../../src/core/reconnect.js';

export interface HubBaseOptions {
  /** The database file name in `dir` (default `switchboard.db`). */
  readonly db?: string;
  readonly logLevel?: string;
  readonly reconnect?: Partial<ReconnectConfig>;
  readonly shutdownMs?: number;
}

export function hubBase(dir: string, options: HubBaseOptions = {}): Pick<HubConfig, 'file' | 'storage' | 'log' | 'reconnect' | 'shutdown'> {
  return {
    file: join(dir, 'switchboard.yaml'),
    storage: { kind: 'sqlite', path: join(dir, options.db ?? 'switchboard.db') },
    log: { level: options.logLevel ?? 'info' },
    reconnect: { initialDelayMs: 300, maxDelayMs: 2000, factor: 2, jitter: 0, stableAfterMs: 1000, ...options.reconnect },
    shutdown: { deadlineMs: options.shutdownMs ?? 5000 },
  };
}
