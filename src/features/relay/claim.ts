/**
 * PyLink's CLAIM for bridges: which networks own a bridged channel, and what undoing a mode
 * change looks like. Pure functions; the relay acts on their answers.
 */
import type { ModeChange } from '../../core/catalog.js';

/**
 * Whether a change made on `network` stands under the bridge's `claim`: always when the claim
 * is empty (nobody claimed the channel), else only on a claimed network.
 */
export function passesClaim(claim: readonly string[], network: string): boolean {
  return claim.length === 0 || claim.includes(network);
}

/**
 * Whether a change comes from a server (or services on a server) rather than a person: IRC
 * server names hold a dot, nicks never do. Servers' changes are never reverted: fighting
 * services' mode locks would loop.
 */
export function byServer(sender: string): boolean {
  return sender.includes('.');
}

/**
 * The changes that undo `changes`, last first: each mode with its sign flipped and its
 * argument kept. A removal whose earlier value is unknown (`-k` without the key, `-l`) cannot
 * be undone and is left out.
 */
export function inverseModes(changes: readonly ModeChange[]): ModeChange[] {
  const out: ModeChange[] = [];
  for (const change of [...changes].reverse()) {
    const adding = change.mode.startsWith('+');
    const letter = change.mode.slice(1);
    if (!adding && (letter === 'k' || letter === 'l') && change.arg === undefined) continue;
    if (!adding && letter === 'l') continue;
    out.push({ mode: `${adding ? '-' : '+'}${letter}`, ...(change.arg === undefined || (adding && letter === 'l') ? {} : { arg: change.arg }) });
  }
  return out;
}
