/**
 * A channel's modes as the room configuration form (XEP-0045 §10.2; ADR 0010 "Room configuration,
 * voice, persistent rooms"), pure: the channel modes kept from RPL_CHANNELMODEIS (324) and MODE
 * lines, read into a {@link RoomConfig}, and a change of it written as one MODE line.
 *
 * | form field (muc#roomconfig_…)  | IRC           |
 * |--------------------------------|---------------|
 * | changesubject                  | -t (on: +t)   |
 * | moderatedroom                  | +m            |
 * | membersonly                    | +i            |
 * | passwordprotectedroom + roomsecret | +k key (off: -k) |
 * | maxusers                       | +l n (0: -l)  |
 * | publicroom                     | -s -p (off: +s) |
 *
 * Changing needs operator status (`@` or higher): refused (`forbidden`) before anything is sent.
 * A key that no MODE line can carry and a limit above {@link MAX_LIMIT} are refused.
 */
import { LegacyRefusal, type RoomConfig } from '../api.js';
import type { PrefixMode } from './channel-modes.js';
import { isChannelKey } from './channels.js';

/** The largest +l sent (ngIRCd ignores 65535 and above). */
export const MAX_LIMIT = 65_534;
/** The configuration `modes` show. */
export function configOf(modes: ReadonlyMap<string, string>): RoomConfig {
  const limit = Number(modes.get('l') ?? '0');
  return {
    subjectByAnyone: !modes.has('t'),
    moderated: modes.has('m'),
    membersOnly: modes.has('i'),
    password: modes.get('k') ?? '',
    maxUsers: Number.isSafeInteger(limit) && limit > 0 ? limit : 0,
    public: !modes.has('s') && !modes.has('p'),
  };
}

/** Whether someone holding `self` (symbols) is an operator or higher. */
export function isOperator(self: ReadonlySet<string>, prefixes: readonly PrefixMode[]): boolean {
  return prefixes.some((p) => ['q', 'a', 'o'].includes(p.mode) && self.has(p.symbol));
}

/**
 * The MODE arguments (`+mi-t+l 10`) doing `change` in `channel`, whose modes are `modes`, for
 * someone holding `self`: none when nothing changes, one line, or two when a key replaces
 * another (`… -k old`, then `+k new`: InspIRCd refuses `+k` while a key is set, and ngIRCd takes
 * no parameter for `-k`, so the two cannot share a line).
 */
export function configModes(channel: string, modes: ReadonlyMap<string, string>, change: Partial<RoomConfig>, self: ReadonlySet<string>, prefixes: readonly PrefixMode[]): string[] {
  if (!isOperator(self, prefixes)) throw new LegacyRefusal(`you cannot configure ${channel}: it needs operator (@) status there, and you have none`, 'forbidden');
  const steps: Array<{ readonly add: boolean; readonly letter: string; readonly arg?: string }> = [];
  const flag = (letter: string, on: boolean | undefined): void => {
    if (on !== undefined && on !== modes.has(letter)) steps.push({ add: on, letter });
  };
  flag('t', change.subjectByAnyone === undefined ? undefined : !change.subjectByAnyone);
  flag('m', change.moderated);
  flag('i', change.membersOnly);
  if (change.public === true) {
    flag('s', false);
    flag('p', false);
  } else if (change.public === false) flag('s', true);
  if (change.maxUsers !== undefined) {
    if (!Number.isSafeInteger(change.maxUsers) || change.maxUsers < 0 || change.maxUsers > MAX_LIMIT) throw new LegacyRefusal(`the most occupants is a whole number up to ${MAX_LIMIT}`, 'not-acceptable');
    if (change.maxUsers === 0 && modes.has('l')) steps.push({ add: false, letter: 'l' });
    else if (change.maxUsers > 0 && String(change.maxUsers) !== modes.get('l')) steps.push({ add: true, letter: 'l', arg: String(change.maxUsers) });
  }
  // The key last: a server that takes no parameter for -k ignores the one left over at the end.
  let newKey: string | undefined;
  if (change.password !== undefined && change.password !== (modes.get('k') ?? '')) {
    if (change.password !== '' && !isChannelKey(change.password)) throw new LegacyRefusal('a channel key has at most 100 characters and no spaces, commas or control characters', 'not-acceptable');
    if (modes.has('k')) steps.push({ add: false, letter: 'k', arg: modes.get('k') || '*' });
    if (change.password !== '') newKey = change.password;
  }
  const lines = steps.length === 0 ? [] : [modeLine(steps)];
  if (newKey !== undefined) {
    if (modes.has('k')) lines.push(`+k ${newKey}`);
    else lines[0] = lines.length === 0 ? `+k ${newKey}` : modeLine([...steps, { add: true, letter: 'k', arg: newKey }]);
  }
  return lines;
}

/** One MODE line's arguments for `steps`, the signs merged. */
function modeLine(steps: ReadonlyArray<{ readonly add: boolean; readonly letter: string; readonly arg?: string }>): string {
  let letters = '';
  let sign: boolean | undefined;
  for (const step of steps) {
    if (step.add !== sign) letters += step.add ? '+' : '-';
    sign = step.add;
    letters += step.letter;
  }
  return [letters, ...steps.flatMap((s) => (s.arg === undefined ? [] : [s.arg]))].join(' ');
}
