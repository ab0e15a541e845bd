/**
 * Parses MODE parameters into `+o alice` pairs, using the server's CHANMODES and PREFIX.
 */
import type { ModeChange } from '../../core/catalog.js';
import type { ServerSupport } from './isupport.js';

/**
 * Parses the parameters after the target of a channel MODE, e.g. `['+ov-k', 'alice', 'bob', 'key']`.
 * Every mode string may be followed by its arguments; a missing argument is left out.
 */
export function parseChannelModes(params: readonly string[], support: ServerSupport): ModeChange[] {
  const changes: ModeChange[] = [];
  let index = 0;
  while (index < params.length) {
    const modeString = params[index++] as string;
    let adding = true;
    for (const letter of modeString) {
      if (letter === '+' || letter === '-') {
        adding = letter === '+';
        continue;
      }
      const mode = `${adding ? '+' : '-'}${letter}`;
      if (support.takesArgument(letter, adding) && index < params.length) changes.push({ mode, arg: params[index++] as string });
      else changes.push({ mode });
    }
  }
  return changes;
}
