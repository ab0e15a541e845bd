/**
 * Short summaries of a verification, for chat replies and the HTTP endpoint.
 */
import { formatChannelRef } from '../../core/refs.js';
import type { RemovalResult } from './removal.js';
import type { VerifyReport } from './verifier.js';

/** At most this many names are listed in a chat reply. */
const MAX_NAMES = 10;

/** One line for chat, e.g. `access: checked 5 people; denied 1: mallory (removing)`. */
export function summaryLine(report: VerifyReport): string {
  const checked = report.outcomes.length;
  const denied = report.outcomes.filter((o) => !o.allowed);
  if (denied.length === 0) return `access: checked ${checked} ${checked === 1 ? 'person' : 'people'}; nobody denied`;
  const names = denied.slice(0, MAX_NAMES).map((o) => o.pair.user.nick ?? o.pair.user.id);
  const more = denied.length > MAX_NAMES ? ` and ${denied.length - MAX_NAMES} more` : '';
  return `access: checked ${checked}; denied ${denied.length}: ${names.join(', ')}${more} (${report.passive ? 'passive mode: not removed' : 'removing'})`;
}

/** The JSON body of POST /access/verify. */
export function summaryJson(report: VerifyReport, removals: readonly RemovalResult[]): object {
  const failed = new Map(removals.filter((r) => !r.removed).map((r) => [`${formatChannelRef(r.pair.channel)} ${r.pair.user.id}`, r]));
  return {
    passive: report.passive,
    checked: report.outcomes.length,
    denied: report.outcomes.filter((o) => !o.allowed).map((o) => {
      const key = `${formatChannelRef(o.pair.channel)} ${o.pair.user.id}`;
      const failure = failed.get(key);
      return {
        channel: formatChannelRef(o.pair.channel),
        user: o.pair.user.id,
        ...(o.pair.user.nick === undefined ? {} : { nick: o.pair.user.nick }),
        deniedBy: o.deniedBy,
        removed: !report.passive && failure === undefined,
        ...(failure && !failure.removed ? { error: failure.reason } : {}),
      };
    }),
  };
}
