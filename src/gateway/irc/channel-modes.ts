/**
 * IRC channel membership as XMPP roles, pure (ADR 0010): the prefix modes of the server's
 * PREFIX (`~ & @ % +` by default) become a role and an affiliation, NAMES entries are split into
 * prefixes and nick, and a channel MODE line is read into the prefix changes it makes (with the
 * server's CHANMODES to know which other letters take a parameter).
 *
 * | prefix (mode)      | affiliation | role        |
 * |--------------------|-------------|-------------|
 * | `~` (q, founder)   | owner       | moderator   |
 * | `&` (a, protected) | admin       | moderator   |
 * | `@` (o, operator)  | admin       | moderator   |
 * | `%` (h, half-op)   | member      | moderator   |
 * | `+` (v, voice)     | member      | participant |
 * | none               | none        | participant |
 *
 * A prefix the table does not know (a server's own) counts as voice. The highest prefix held wins.
 * In a moderated channel (`+m`) someone with no prefix is a visitor (they cannot speak).
 */
import type { RoomAffiliation, RoomRole } from '../api.js';

/** One prefix mode of the server's PREFIX token: `@` is mode `o`. */
export interface PrefixMode {
  readonly symbol: string;
  readonly mode: string;
}

/** RFC 2812's default PREFIX, when the server sends none. */
export const DEFAULT_PREFIXES: readonly PrefixMode[] = [
  { symbol: '~', mode: 'q' }, { symbol: '&', mode: 'a' }, { symbol: '@', mode: 'o' }, { symbol: '%', mode: 'h' }, { symbol: '+', mode: 'v' },
];

const ROLES: ReadonlyArray<{ readonly symbol: string; readonly affiliation: RoomAffiliation; readonly role: RoomRole }> = [
  { symbol: '~', affiliation: 'owner', role: 'moderator' },
  { symbol: '&', affiliation: 'admin', role: 'moderator' },
  { symbol: '@', affiliation: 'admin', role: 'moderator' },
  { symbol: '%', affiliation: 'member', role: 'moderator' },
  { symbol: '+', affiliation: 'member', role: 'participant' },
];

/** The role and affiliation of someone holding `prefixes` (symbols), in a channel that is `moderated` (+m) or not. */
export function roleOf(prefixes: Iterable<string>, moderated = false): { readonly role: RoomRole; readonly affiliation: RoomAffiliation } {
  let best = ROLES.length;
  let any = false;
  for (const symbol of prefixes) {
    any = true;
    const rank = ROLES.findIndex((r) => r.symbol === symbol);
    if (rank >= 0 && rank < best) best = rank;
  }
  const found = ROLES[best];
  if (found !== undefined) return { role: found.role, affiliation: found.affiliation };
  return any ? { role: 'participant', affiliation: 'member' } : { role: moderated ? 'visitor' : 'participant', affiliation: 'none' };
}

/** What a channel MODE's `modes` (`+mn-t`) does to the parameterless flag `letter`: set, unset, or nothing. */
export function flagChange(modes: string, letter: string): boolean | undefined {
  let add = true;
  let result: boolean | undefined;
  for (const c of modes) {
    if (c === '+' || c === '-') add = c === '+';
    else if (c === letter) result = add;
  }
  return result;
}

/** A NAMES entry (`@+alice`, or `@alice!u@h` with userhost-in-names): its prefixes and nick. */
export function namesEntry(entry: string, prefixes: readonly PrefixMode[]): { readonly prefixes: string[]; readonly nick: string } {
  const symbols = new Set(prefixes.map((p) => p.symbol));
  let i = 0;
  while (i < entry.length && symbols.has(entry[i] as string)) i++;
  const nick = entry.slice(i).split('!')[0] ?? '';
  return { prefixes: [...entry.slice(0, i)], nick };
}

/** One prefix change a MODE line makes: `nick` gains (`add`) or loses `symbol`. */
export interface PrefixChange {
  readonly nick: string;
  readonly symbol: string;
  readonly add: boolean;
}

/** One letter of a channel MODE line as the server reads it. */
export interface ModeLetter {
  readonly letter: string;
  readonly add: boolean;
  /** Its parameter, when the letter takes one (a nick for a prefix mode). */
  readonly param: string | undefined;
  /** The prefix mode it is, if any. */
  readonly prefix: PrefixMode | undefined;
  /** A list mode (CHANMODES group A: bans, exceptions). */
  readonly list: boolean;
}

/**
 * Walks a channel MODE's `modes` and `args` (`+ov-v`, `[alice, bob, carol]`) letter by letter.
 * `chanmodes`: the server's CHANMODES groups A,B,C,D (prefix modes, A and B always take a
 * parameter, C only when set). A letter the server did not announce is taken as parameterless (it
 * cannot shift the parameters of the letters after it further than the server's own reading
 * would). Bounded by the line.
 */
export function* modeLetters(modes: string, args: readonly string[], prefixes: readonly PrefixMode[], chanmodes: readonly string[]): Generator<ModeLetter> {
  const [lists = '', always = '', whenSet = ''] = chanmodes;
  let add = true;
  let next = 0;
  for (const letter of modes) {
    if (letter === '+' || letter === '-') {
      add = letter === '+';
      continue;
    }
    const prefix = prefixes.find((p) => p.mode === letter);
    const list = prefix === undefined && lists.includes(letter);
    const takes = prefix !== undefined || list || always.includes(letter) || (add && whenSet.includes(letter));
    yield { letter, add, param: takes ? args[next++] : undefined, prefix, list };
  }
}

/** The prefix changes of a channel MODE line (see {@link modeLetters}): at most one per letter. */
export function prefixChanges(modes: string, args: readonly string[], prefixes: readonly PrefixMode[], chanmodes: readonly string[]): PrefixChange[] {
  const out: PrefixChange[] = [];
  for (const { prefix, param, add } of modeLetters(modes, args, prefixes, chanmodes)) {
    if (prefix !== undefined && param !== undefined && param !== '') out.push({ nick: param, symbol: prefix.symbol, add });
  }
  return out;
}

/**
 * Whether `name` can be an IRC channel: it starts with one of `chantypes` (the server's
 * CHANTYPES), has a character after it, at most 64 in all, and no space, comma, BEL or other
 * control character (RFC 2812 §1.3).
 */
export function isChannelName(name: string, chantypes: string): boolean {
  const first = name[0];
  if (first === undefined || !chantypes.includes(first) || name.length < 2 || name.length > 64) return false;
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  return !/[\s,\u0000-\u001f\u007f]/u.test(name);
}
