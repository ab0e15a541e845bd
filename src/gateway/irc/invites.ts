/**
 * IRC invitations of the person (`:carol!u@h INVITE alice :#secret`, ADR 0010 §9): read into the
 * channel and who invites, and bounded, because anyone on the network can send INVITE to anyone:
 * at most MAX_PER_MINUTE invitations a minute reach the person, and the same channel at most once
 * per REPEAT_MS. Pure apart from the clock it is given.
 */
import type { ParsedLine } from 'irc-framework';

/** Most invitations shown to the person per minute. */
export const MAX_PER_MINUTE = 5;
/** How long a second invitation to the same channel is dropped. */
export const REPEAT_MS = 10 * 60_000;
/** Most channels remembered for {@link REPEAT_MS}. */
const MAX_REMEMBERED = 200;

/** An invitation of the person: the channel as written and who sent it. */
export interface IrcInvite {
  readonly channel: string;
  readonly by: string;
}

/** The invitation `line` carries for the person whose nick `isSelf` recognises, if any. */
export function readInvite(line: ParsedLine, isSelf: (nick: string) => boolean): IrcInvite | undefined {
  if (line.command !== 'INVITE' || line.nick === '' || line.params.length < 2) return undefined;
  const [target, channel] = line.params;
  if (target === undefined || channel === undefined || !isSelf(target)) return undefined;
  return { channel, by: line.nick };
}

/** Decides which invitations reach the person. */
export class InviteLimiter {
  readonly #recent: number[] = [];
  readonly #seen = new Map<string, number>();

  /** Whether an invitation to `key` (a room key) at `now` (ms) is shown. */
  allow(key: string, now: number): boolean {
    while (this.#recent.length > 0 && now - (this.#recent[0] as number) >= 60_000) this.#recent.shift();
    const last = this.#seen.get(key);
    if (last !== undefined && now - last < REPEAT_MS) return false;
    if (this.#recent.length >= MAX_PER_MINUTE) return false;
    this.#recent.push(now);
    this.#seen.delete(key);
    this.#seen.set(key, now);
    if (this.#seen.size > MAX_REMEMBERED) this.#seen.delete(this.#seen.keys().next().value as string);
    return true;
  }
}
