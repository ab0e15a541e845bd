/**
 * Bridges are carried out by the relay module: a config with bridges but without `- module:
 * relay` would connect, join the bridged channels and relay nothing, silently. Both `check`
 * and `run` refuse it.
 */
import type { FieldProblem } from './path.js';

/** The `module:` value of the built-in relay. */
const RELAY_MODULE = 'relay';

/**
 * The problem of a config whose bridges nothing would relay, or none.
 *
 * @param bridgeNames - the names under `bridges:`
 * @param modules - the `modules:` entries as written
 */
export function relayRequiredProblems(bridgeNames: readonly string[], modules: ReadonlyArray<{ readonly module: string }>): FieldProblem[] {
  if (bridgeNames.length === 0 || modules.some((entry) => entry.module === RELAY_MODULE)) return [];
  const bridges = bridgeNames.length === 1 ? `bridge "${bridgeNames[0]}" is` : `${bridgeNames.length} bridges are`;
  return [{
    path: ['bridges'],
    reason: `${bridges} configured but the relay module is not loaded, so nothing would be relayed; add "- module: ${RELAY_MODULE}" under modules:`,
  }];
}
