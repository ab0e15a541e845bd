/**
 * Prefix modes carried (PyLink): a person's standing in their own room (an operator or
 * moderator, voiced) becomes prefix modes of their user of their own on targets that show
 * people as users of their own (irc-link), as the bridge's `prefixModes` maps them.
 */
import type { MemberStatus } from '../../core/network.js';
import type { ModeChange } from '../../core/catalog.js';
import type { PrefixModes } from './config.js';

/** Most members looked at for one MODE event (a long mode line cannot make unbounded work). */
export const MAX_MODE_TARGETS = 20;

/** The prefix mode letters for `status` under `mapping` (none for `none` or an unknown standing). */
export function prefixModesFor(status: MemberStatus | undefined, mapping: PrefixModes): string[] {
  const letter = status === 'op' ? mapping.op : status === 'voice' ? mapping.voice : '';
  return letter === '' ? [] : [letter];
}

/** The distinct arguments of a MODE event's changes (nicks, for prefix modes), at most MAX_MODE_TARGETS. */
export function modeTargets(modes: readonly ModeChange[]): string[] {
  const nicks = new Set<string>();
  for (const change of modes) {
    if (change.arg !== undefined && change.arg !== '') nicks.add(change.arg);
    if (nicks.size >= MAX_MODE_TARGETS) break;
  }
  return [...nicks];
}
