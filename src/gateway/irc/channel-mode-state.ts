/**
 * A channel's own modes (not the prefix or list modes), pure: kept from RPL_CHANNELMODEIS (324)
 * and each MODE line (with the server's PREFIX and CHANMODES to know which letters take a
 * parameter), for the room configuration form (channel-config.ts). Bounded per channel.
 */
import type { PrefixMode } from './channel-modes.js';

/** Most modes kept per channel (a server announcing more is cut). */
const MAX_MODES = 64;

/**
 * `current` (letter → parameter, '' for a flag) after the channel MODE `modes` `args`: prefix
 * modes and list modes (CHANMODES group A) are skipped with their parameter, group B (a key)
 * always takes one, group C (a limit) one when set, group D and unknown letters none.
 */
export function applyModes(current: ReadonlyMap<string, string>, modes: string, args: readonly string[], prefixes: readonly PrefixMode[], chanmodes: readonly string[]): Map<string, string> {
  const next = new Map(current);
  const [lists = '', always = '', whenSet = ''] = chanmodes;
  let add = true;
  let at = 0;
  for (const letter of modes) {
    if (letter === '+' || letter === '-') {
      add = letter === '+';
      continue;
    }
    if (prefixes.some((p) => p.mode === letter) || lists.includes(letter)) {
      at++;
      continue;
    }
    let param = '';
    if (always.includes(letter) || (add && whenSet.includes(letter))) param = (args[at++] ?? '').slice(0, 200);
    if (!add) next.delete(letter);
    else if (next.size < MAX_MODES || next.has(letter)) next.set(letter, param);
  }
  return next;
}
