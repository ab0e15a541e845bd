/**
 * The access predicate interface (IMMP's `AccessPredicate`): anything that can say whether a
 * user may be in a channel. Modules implement it and register it with
 * `api.registerAccessPredicate`; the `access` module asks the predicates its config names.
 */
import type { ChannelRef, UserRef } from '../core/refs.js';

/** `true` allows, `false` denies, `undefined` (or `null`) abstains from a decision. */
export type AccessDecision = boolean | null | undefined;

/** One user in one channel. */
export interface AccessPair {
  readonly channel: ChannelRef;
  readonly user: UserRef;
}

/** Channels mapped to the users in each that await a decision. */
export type AccessMembers = ReadonlyMap<ChannelRef, readonly UserRef[]>;

/**
 * The answer to a bulk check: pairs allowed and pairs denied. A pair should be in at most one
 * of the two; a pair in both is denied. Pairs in neither are abstentions, and pairs that were
 * not asked about are ignored.
 */
export interface AccessVerdicts {
  readonly allowed: Iterable<AccessPair>;
  readonly denied: Iterable<AccessPair>;
}

type MaybePromise<T> = T | Promise<T>;

/**
 * Channel access control from some backing source (a list, another channel, a directory).
 * Implement `channelAccess`, `channelAccessMulti`, or both.
 */
export interface AccessPredicate {
  /**
   * The channels this predicate wants to decide for, or `undefined`/`null` to take every
   * channel the `access` module secures. Either way only channels the `access` module secures
   * (and its config entry scopes the predicate to) are ever asked about: the intersection.
   */
  accessChannels?(): MaybePromise<readonly ChannelRef[] | null | undefined>;
  /** May `user` be in `channel`? `true` allow, `false` deny, `undefined` abstain. */
  channelAccess?(channel: ChannelRef, user: UserRef): MaybePromise<AccessDecision>;
  /**
   * Bulk check: every listed user of every listed channel. Without it, `channelAccess` is
   * called for each pair. Throwing loses every decision of this call, so prefer abstaining
   * for the pairs you cannot decide.
   */
  channelAccessMulti?(members: AccessMembers): MaybePromise<AccessVerdicts>;
}

/** Throws a TypeError unless `value` can be used as an access predicate. */
export function assertAccessPredicate(value: unknown, what: string): asserts value is AccessPredicate {
  const candidate = value as Partial<Record<keyof AccessPredicate, unknown>> | null | undefined;
  if (typeof candidate !== 'object' || candidate === null) throw new TypeError(`${what}: an access predicate must be an object`);
  const hasSingle = typeof candidate.channelAccess === 'function';
  const hasMulti = typeof candidate.channelAccessMulti === 'function';
  if (!hasSingle && !hasMulti) throw new TypeError(`${what}: an access predicate needs channelAccess or channelAccessMulti`);
  if (candidate.accessChannels !== undefined && typeof candidate.accessChannels !== 'function') {
    throw new TypeError(`${what}: accessChannels must be a function when given`);
  }
}
