/**
 * A channel's own modes (not the prefix or list modes), pure: kept from RPL_CHANNELMODEIS (324)
 * and each MODE line (with the server's PREFIX and CHANMODES to know which letters take a
 * parameter), for the room configuration form (channel-config.ts). Bounded per channel.
 */
import { modeLetters, type PrefixMode } from './channel-modes.js';

/** Most modes kept per channel (a server announcing more is cut). */
const MAX_MODES = 64;

/**
 * `current` (letter → parameter, '' for a flag) after the channel MODE `modes` `args`: prefix
 * modes and list modes (CHANMODES group A) are skipped with their parameter, group B (a key)
 * always takes one, group C (a limit) one when set, group D and unknown letters none.
 */
export function applyModes(current: ReadonlyMap<string, string>, modes: string, args: readonly string[], prefixes: readonly PrefixMode[], chanmodes: readonly string[]): Map<string, string> {
  const next = new Map(current);
  for (const { letter, add, param, prefix, list } of modeLetters(modes, args, prefixes, chanmodes)) {
    if (prefix !== undefined || list) continue;
    if (!add) next.delete(letter);
    else if (next.size < MAX_MODES || next.has(letter)) next.set(letter, (param ?? '').slice(0, 200));
  }
  return next;
}
