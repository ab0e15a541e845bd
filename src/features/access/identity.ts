/**
 * Identity patterns: how config names people across networks (allow and deny lists, admins,
 * excluded users, people linked across networks).
 *
 * A pattern is `<network>:<what>`, where `<network>` is a configured network name or `*` for
 * any network, and `<what>` is a glob (`*` any run of characters, `?` one character; case is
 * ignored) in one of these forms:
 *
 * | form                   | matches                                                  |
 * |------------------------|----------------------------------------------------------|
 * | `account:<glob>`       | the account the user is logged in to (IRC account, XMPP bare JID) |
 * | `nick:<glob>`          | the nick shown in the channel (weak: anyone can take a free nick) |
 * | `<nick>!<user>@<host>` | an IRC mask, e.g. `*!*@staff.example.org`                |
 * | `<local>@<domain>`     | an account (XMPP bare JID), e.g. `*@example.org`         |
 * | `<nick>`               | a nick, e.g. `alice`                                      |
 */
import type { UserRef } from '../../core/refs.js';

/** One parsed identity pattern. */
export interface IdentityPattern {
  /** As written in the config. */
  readonly source: string;
  /** The network name, or `*`. */
  readonly network: string;
  readonly kind: 'account' | 'nick' | 'mask';
  readonly glob: RegExp;
}

/** Thrown for a pattern that cannot be read; the message says what to write instead. */
export class IdentityPatternError extends Error {
  override readonly name = 'IdentityPatternError';
}

/** Parses `<network>:<what>` (see the module comment for the forms). */
export function parseIdentityPattern(source: string): IdentityPattern {
  const colon = source.indexOf(':');
  if (colon <= 0 || colon === source.length - 1) {
    throw new IdentityPatternError(`${JSON.stringify(source)} is not <network>:<who>, e.g. irc:*!*@staff.example.org or xmpp:alice@example.org`);
  }
  const network = source.slice(0, colon);
  const what = source.slice(colon + 1);
  const prefixed = /^(account|nick):(.+)$/.exec(what);
  if (prefixed) return { source, network, kind: prefixed[1] as 'account' | 'nick', glob: globToRegExp(prefixed[2] as string) };
  if (what.includes('!')) {
    if (!/^[^!@]+![^!@]+@[^!@]+$/.test(what)) throw new IdentityPatternError(`${JSON.stringify(source)}: an IRC mask is nick!user@host, e.g. *!*@staff.example.org`);
    return { source, network, kind: 'mask', glob: globToRegExp(what) };
  }
  return { source, network, kind: what.includes('@') ? 'account' : 'nick', glob: globToRegExp(what) };
}

/** true when `user` matches `pattern`. A field the network did not give never matches. */
export function matchesIdentity(pattern: IdentityPattern, user: UserRef): boolean {
  if (pattern.network !== '*' && pattern.network !== user.network) return false;
  const subject = subjectOf(pattern.kind, user);
  return subject !== undefined && pattern.glob.test(subject);
}

/** true when `user` matches any of `patterns`. */
export function matchesAny(patterns: readonly IdentityPattern[], user: UserRef): boolean {
  return patterns.some((pattern) => matchesIdentity(pattern, user));
}

function subjectOf(kind: IdentityPattern['kind'], user: UserRef): string | undefined {
  switch (kind) {
    case 'account':
      return user.account;
    case 'nick':
      return user.nick ?? user.id;
    case 'mask':
      return user.host ? `${user.nick ?? user.id}!${user.host}` : undefined;
  }
}

/** `*` any run, `?` one character, everything else literal; anchored, case-insensitive. */
export function globToRegExp(glob: string): RegExp {
  const body = [...glob].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.+()[\]{}|/-]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'is');
}
