/**
 * Ready-made access predicates the `access` module builds from its config.
 */
import type { ChannelRef, UserRef } from '../../core/refs.js';
import type { AccessDecision, AccessPredicate } from '../../modules/access-predicate.js';
import { matchesAny, type IdentityPattern } from './identity.js';

/** Allows the users matching `patterns` and denies everyone else. */
export function allowListPredicate(patterns: readonly IdentityPattern[]): AccessPredicate {
  return { channelAccess: (_channel, user) => matchesAny(patterns, user) };
}

/** Denies the users matching `patterns` and abstains for everyone else. */
export function denyListPredicate(patterns: readonly IdentityPattern[]): AccessPredicate {
  return { channelAccess: (_channel, user): AccessDecision => (matchesAny(patterns, user) ? false : undefined) };
}

/** What "must also be a member of" needs to know. */
export interface MemberOfOptions {
  /** The channel people must also be in. */
  readonly channel: ChannelRef;
  /**
   * The same person on several networks: each entry lists the patterns of one person. Needed
   * when the secured channel and `channel` are on different networks.
   */
  readonly people: ReadonlyArray<readonly IdentityPattern[]>;
  /** The current members of a channel (empty when unknown: its network is down or not joined). */
  readonly members: (channel: ChannelRef) => readonly UserRef[];
}

/**
 * Allows users who are also present in another channel and denies the rest. On the same
 * network a user is the same person when the id or the account is the same; across networks
 * when one `people` entry matches both. Abstains while the other channel's members are
 * unknown (empty list), so a network outage does not empty the secured channel.
 */
export function memberOfPredicate(options: MemberOfOptions): AccessPredicate {
  return {
    channelAccess(_channel, user): AccessDecision {
      const present = options.members(options.channel);
      if (present.length === 0) return undefined;
      return present.some((member) => samePerson(user, member, options.people));
    },
  };
}

/** true when `a` and `b` are the same person, as far as ids, accounts and `people` say. */
function samePerson(a: UserRef, b: UserRef, people: ReadonlyArray<readonly IdentityPattern[]>): boolean {
  if (a.network === b.network) {
    if (a.id === b.id) return true;
    if (a.account !== undefined && a.account.toLowerCase() === b.account?.toLowerCase()) return true;
  }
  return people.some((person) => matchesAny(person, a) && matchesAny(person, b));
}
