/**
 * Roles and affiliations given from XMPP as channel MODEs, pure (ADR 0010 "Room configuration,
 * voice, persistent rooms", XEP-0045 §8.4-8.6, §9.3-9.8, §10.3-10.7): the reverse of
 * channel-modes.ts's prefix → role table.
 *
 * | asked (XEP-0045)                 | IRC, for a target holding…                  | needs   |
 * |----------------------------------|---------------------------------------------|---------|
 * | role `moderator` (§8.5)          | `+h` (`+o` where PREFIX has no h)           | `@`     |
 * | role `participant` (§8.4, §8.6)  | a visitor / no prefix: `+v`; half-op: `-h`  | `%` (`@` for -h) |
 * | role `visitor` (§8.5 revoke)     | `-v` (and `-h` when held)                   | `%` (`@` for -h) |
 * | affiliation `admin` (§10.6)      | `+o`                                        | `@`     |
 * | affiliation `member` (§9.3)      | op: `-o` (and `+v` when nothing else is left); none: `+v` | `%` (`@` for -o) |
 * | affiliation `none` (§9.4, §10.7) | every one of `o`, `h`, `v` held removed     | `%` (`@` for -o/-h) |
 * | affiliation `owner`              | refused: founders (`~`) are the network services' business | — |
 *
 * A change the target already has sends nothing. The person must hold the prefix the table
 * names (`%` half-op for voice, `@` operator for half-op and op), else `forbidden` in words;
 * the server still has the last word (its 482 is the IQ's error, channels.ts's mode waiter).
 */
import { LegacyRefusal, type RoomRoleChange } from '../api.js';
import type { PrefixMode } from './channel-modes.js';
import { isNick } from './lines.js';

/** The MODE arguments (`+v`, `[nick]`) of `change` for a target holding `target` (symbols), asked by someone holding `self`. */
export function roleChangeMode(channel: string, change: RoomRoleChange, self: ReadonlySet<string>, target: ReadonlySet<string>, prefixes: readonly PrefixMode[]): { readonly modes: string; readonly args: readonly string[] } | undefined {
  if (!isNick(change.nick) || change.nick.length > 32) throw new LegacyRefusal(`"${change.nick.slice(0, 40)}" is not a valid IRC nick`, 'bad-request');
  const has = (mode: string): boolean => prefixes.some((p) => p.mode === mode);
  const symbol = (mode: string): string => prefixes.find((p) => p.mode === mode)?.symbol ?? '';
  const holds = (mode: string): boolean => has(mode) && target.has(symbol(mode));
  const adds: string[] = [];
  const removes: string[] = [];
  if (change.role === 'moderator') {
    const mode = has('h') ? 'h' : 'o';
    if (!holds('h') && !holds('o') && !holds('a') && !holds('q')) adds.push(mode);
  } else if (change.role === 'participant') {
    if (holds('h')) removes.push('h');
    else if (!holds('v') && !holds('o') && !holds('a') && !holds('q')) adds.push('v');
  } else if (change.role === 'visitor') {
    for (const mode of ['h', 'v']) if (holds(mode)) removes.push(mode);
  } else if (change.affiliation === 'admin') {
    if (!holds('o') && !holds('a') && !holds('q')) adds.push('o');
  } else if (change.affiliation === 'member') {
    if (holds('o')) removes.push('o');
    if (!holds('v') && !holds('h')) adds.push('v');
  } else if (change.affiliation === 'none') {
    for (const mode of ['o', 'h', 'v']) if (holds(mode)) removes.push(mode);
  } else {
    throw new LegacyRefusal('founder status (~) is given by the network\'s services, not with MODE', 'feature-not-implemented');
  }
  const all = [...adds, ...removes];
  if (all.length === 0) return undefined;
  const opLevel = all.some((m) => m !== 'v');
  const isOp = ['q', 'a', 'o'].some((m) => has(m) && self.has(symbol(m)));
  const isHalfOp = isOp || (has('h') && self.has(symbol('h')));
  if (opLevel && !isOp) throw new LegacyRefusal(`you cannot change that in ${channel}: it needs operator (@) status there, and you have none`, 'forbidden');
  if (!isHalfOp) throw new LegacyRefusal(`you cannot give or take voice in ${channel}: it needs half-op (%) or operator (@) status there, and you have neither`, 'forbidden');
  const modes = `${adds.length === 0 ? '' : `+${adds.join('')}`}${removes.length === 0 ? '' : `-${removes.join('')}`}`;
  return { modes, args: all.map(() => change.nick) };
}
