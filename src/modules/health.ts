/**
 * Health details modules add to GET /health (`api.registerHealthCheck`). A module reports
 * `degraded` when something needs a person's attention (e.g. the bot lacks the rights to do
 * its job); the hub's overall status is then `degraded` too.
 */
import type { Logger } from '../core/log.js';
import type { Disposer } from '../core/disposer.js';

/** What a module reports: a status and any JSON-serialisable details. */
export interface ModuleHealth {
  readonly status: 'ok' | 'degraded';
  readonly [detail: string]: unknown;
}

/** Called on every /health request: keep it cheap and synchronous. */
export type HealthCheck = () => ModuleHealth;

export class ModuleHealthChecks {
  private readonly checks = new Map<string, HealthCheck>();
  private readonly failing = new Set<string>();

  constructor(private readonly log: Logger) {}

  /** Adds (or replaces) the module's check. */
  add(module: string, check: HealthCheck): Disposer {
    this.checks.set(module, check);
    return () => {
      if (this.checks.get(module) === check) this.checks.delete(module);
    };
  }

  /** Every module's report, or undefined when no module registered a check. A throwing check reports `degraded` (logged once). */
  report(): Record<string, ModuleHealth> | undefined {
    if (this.checks.size === 0) return undefined;
    const reports: Record<string, ModuleHealth> = {};
    for (const [module, check] of this.checks) {
      try {
        reports[module] = check();
        this.failing.delete(module);
      } catch (error) {
        if (!this.failing.has(module)) this.log.error({ module, err: error }, 'health check failed');
        this.failing.add(module);
        reports[module] = { status: 'degraded', error: 'health check failed' };
      }
    }
    return reports;
  }
}
