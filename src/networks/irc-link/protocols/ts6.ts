/**
 * Pure pieces of the TS6 family of server protocols (ircd-hybrid's doc/technical/ts6.txt), kept
 * apart from the line handling in hybrid.ts so that they are small and tested on their own:
 * ids, the SJOIN member list, KILL reasons and the channel-TS rule.
 */
import type { ServerSupport } from '../../irc/isupport.js';
import { resetPrefixModes, type LinkChannel } from '../state.js';

/** A server id: a digit and two upper-case letters or digits. */
export const SID_PATTERN = /^[0-9][A-Z0-9]{2}$/;
/** A user id: the server's SID and six upper-case letters or digits. */
export const UID_PATTERN = /^[0-9][A-Z0-9]{8}$/;

const ID_LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ID_CHARS = `${ID_LETTERS}0123456789`;
/** How many uids one SID can give: a letter then five letters or digits. */
export const UID_SPACE = ID_LETTERS.length * ID_CHARS.length ** 5;

/**
 * Mints the uids of our clients: `<sid>` and six characters, the first a letter (as ircds mint
 * them), counting up; after {@link UID_SPACE} it starts again (by then the first are long gone).
 */
export class UidMinter {
  private next = 0;

  constructor(private readonly sid: string) {
    if (!SID_PATTERN.test(sid)) throw new Error(`not a server id: ${JSON.stringify(sid)}`);
  }

  mint(): string {
    let n = this.next;
    this.next = (this.next + 1) % UID_SPACE;
    let tail = '';
    for (let i = 0; i < 5; i++) {
      tail = ID_CHARS[n % ID_CHARS.length] + tail;
      n = Math.floor(n / ID_CHARS.length);
    }
    return `${this.sid}${ID_LETTERS[n]}${tail}`;
  }
}

/** One entry of an SJOIN member list: `@+0HYAAAAAB` → prefix modes `o`, `v` and the uid. */
export interface SjoinMember {
  readonly uid: string;
  readonly modes: readonly string[];
}

/**
 * Splits an SJOIN member list (`@0HYAAAAAA +0HYAAAAAB 0HYAAAAAC`) into uids and prefix modes,
 * by the PREFIX symbols of `support`. At most `max` entries (a line cannot hold more anyway).
 */
export function parseSjoinMembers(list: string, support: ServerSupport, max = 512): SjoinMember[] {
  const out: SjoinMember[] = [];
  for (const entry of list.split(' ')) {
    if (entry === '') continue;
    if (out.length >= max) break;
    let at = 0;
    const modes: string[] = [];
    for (let mode = support.modeForSymbol(entry[at] ?? ''); mode !== undefined; mode = support.modeForSymbol(entry[at] ?? '')) {
      modes.push(mode);
      at += 1;
    }
    out.push({ uid: entry.slice(at), modes });
  }
  return out;
}

/**
 * The reason of a TS6 KILL, whose text is `<path> <reason>` (`irc.example.org!host!user!oper
 * (go away)`, or `irc.example.org (Nick collision (new))`): the reason without the path and
 * its outer parentheses.
 */
export function killReason(text: string): string {
  const space = text.indexOf(' ');
  const reason = space === -1 ? text : text.slice(space + 1);
  return reason.startsWith('(') && reason.endsWith(')') ? reason.slice(1, -1) : reason;
}

/** What a channel TS in a burst or JOIN means for what we know of the channel (TS6's rule). */
export type TsOutcome = 'new' | 'older' | 'same' | 'newer';

/**
 * Applies TS6's channel-TS rule to our view of `channel` for a remote `ts`: an older TS wins
 * (our modes, list modes, prefixes and topic are dropped, as the ircd drops them, and the TS is
 * taken), a newer one loses (its modes and prefixes are to be ignored), the same TS merges.
 * `clearLists`: SJOIN also clears the list modes, JOIN does not.
 */
export function applyChannelTs(channel: LinkChannel, ts: number, clearLists: boolean): TsOutcome {
  if (channel.ts === undefined) {
    channel.ts = ts;
    return 'new';
  }
  if (ts > channel.ts) return 'newer';
  if (ts === channel.ts) return 'same';
  channel.ts = ts;
  channel.modes.clear();
  if (clearLists) channel.lists.clear();
  resetPrefixModes(channel);
  channel.topic = '';
  return 'older';
}

/** A TS (seconds) from a parameter; undefined when it is not a plain positive number. */
export function parseTs(value: string | undefined): number | undefined {
  if (value === undefined || !/^[0-9]{1,12}$/.test(value)) return undefined;
  const ts = Number(value);
  return ts > 0 ? ts : undefined;
}
