/**
 * The rules that turn predicates' answers into decisions (IMMP's ChannelAccessHook.verify):
 *
 * - A predicate is asked only about channels in the intersection of the secured channels, its
 *   config entry's scope, its own `accessChannels()` and the channels being verified.
 * - Without `channelAccessMulti`, `channelAccess` is asked for each pair.
 * - A pair any predicate denies is denied (also when another, or the same one, allows it);
 *   otherwise a pair some predicate allows is allowed; otherwise the default decides.
 * - A predicate that throws, times out or answers something that is not a decision is logged;
 *   the pairs it was asked about are then denied (new joins) or left undecided (re-verifying
 *   people already present), as the caller's failure policy says.
 */
import { raceDeadline } from '../../core/deadline.js';
import type { ChannelRef } from '../../core/refs.js';
import type { AccessDecision, AccessMembers, AccessPair, AccessPredicate, AccessVerdicts } from '../../modules/access-predicate.js';
import { channelKey, pairKey } from './keys.js';

/** What a failing predicate's pairs become: denied (new joins) or undecided (people present). */
export type FailurePolicy = 'deny' | 'abstain';

/**
 * The channels a predicate decides for: `secured`, narrowed by each list that is given
 * (undefined or null means "no narrowing"). Keeps `secured`'s order and refs.
 */
export function scopeChannels(
  secured: readonly ChannelRef[],
  ...narrowers: ReadonlyArray<readonly ChannelRef[] | null | undefined>
): ChannelRef[] {
  const sets = narrowers.filter((n): n is readonly ChannelRef[] => Array.isArray(n)).map((n) => new Set(n.map(channelKey)));
  const seen = new Set<string>();
  return secured.filter((channel) => {
    const key = channelKey(channel);
    if (seen.has(key) || !sets.every((set) => set.has(key))) return false;
    seen.add(key);
    return true;
  });
}

/** One predicate's answers, as sets of pair keys (only pairs it was asked about). */
export interface PredicateAnswer {
  readonly name: string;
  readonly allowed: ReadonlySet<string>;
  readonly denied: ReadonlySet<string>;
}

/** How to ask one predicate. */
export interface AskOptions {
  readonly name: string;
  readonly policy: FailurePolicy;
  /** The whole call (bulk or every single check) must finish within this time. */
  readonly timeoutMs: number;
  /** Called at most once per ask, with the (first) error and every pair the failure affected. */
  readonly onError: (error: unknown, pairs: readonly AccessPair[]) => void;
}

/** Every pair of a members map, in order. */
function pairsOf(members: AccessMembers): AccessPair[] {
  return [...members].flatMap(([channel, users]) => users.map((user) => ({ channel, user })));
}

/** Asks one predicate about `members` and applies the failure policy. Never throws. */
export async function askPredicate(predicate: AccessPredicate, members: AccessMembers, options: AskOptions): Promise<PredicateAnswer> {
  const asked = pairsOf(members);
  const allowed = new Set<string>();
  const denied = new Set<string>();
  const failed: AccessPair[] = [];
  let firstError: unknown;
  try {
    const work = predicate.channelAccessMulti
      ? bulk(predicate, members, new Set(asked.map(pairKey)), allowed, denied)
      : single(predicate, asked, allowed, denied, (error, pair) => {
        firstError ??= error;
        failed.push(pair);
      });
    await withTimeout(work, options.timeoutMs, options.name);
  } catch (error) {
    // The whole call failed: every decision it made is lost (fresh sets, since a timed-out
    // call may still be running).
    options.onError(error, asked);
    return { name: options.name, allowed: new Set(), denied: new Set(options.policy === 'deny' ? asked.map(pairKey) : []) };
  }
  if (failed.length > 0) {
    options.onError(firstError, failed);
    if (options.policy === 'deny') for (const pair of failed) denied.add(pairKey(pair));
  }
  return { name: options.name, allowed, denied };
}

async function bulk(
  predicate: AccessPredicate,
  members: AccessMembers,
  askedKeys: ReadonlySet<string>,
  allowed: Set<string>,
  denied: Set<string>,
): Promise<void> {
  const verdicts: unknown = await predicate.channelAccessMulti!(members);
  if (typeof verdicts !== 'object' || verdicts === null) throw new TypeError(`channelAccessMulti answered ${String(verdicts)}, not { allowed, denied }`);
  const { allowed: yes, denied: no } = verdicts as Partial<AccessVerdicts>;
  const keep = (pairs: unknown, into: Set<string>) => {
    for (const pair of readPairs(pairs)) {
      const key = pairKey(pair);
      if (askedKeys.has(key)) into.add(key);
    }
  };
  keep(yes ?? [], allowed);
  keep(no ?? [], denied);
}

/** The default bulk check: `channelAccess` for each pair, one after another; a throw affects its pair only. */
async function single(
  predicate: AccessPredicate,
  asked: readonly AccessPair[],
  allowed: Set<string>,
  denied: Set<string>,
  failed: (error: unknown, pair: AccessPair) => void,
): Promise<void> {
  for (const pair of asked) {
    try {
      const decision = readDecision(await predicate.channelAccess!(pair.channel, pair.user));
      if (decision === true) allowed.add(pairKey(pair));
      else if (decision === false) denied.add(pairKey(pair));
    } catch (error) {
      failed(error, pair);
    }
  }
}

/** A decision must be a boolean, or undefined/null to abstain; anything else is a predicate bug. */
function readDecision(answer: unknown): AccessDecision {
  if (answer === true || answer === false || answer === undefined || answer === null) return answer;
  throw new TypeError(`channelAccess answered ${JSON.stringify(answer) ?? typeof answer}; expected true, false or undefined`);
}

function readPairs(value: unknown): AccessPair[] {
  if (typeof value !== 'object' || value === null || !(Symbol.iterator in value)) {
    throw new TypeError('channelAccessMulti must answer iterables of { channel, user } pairs');
  }
  const pairs: AccessPair[] = [];
  for (const item of value as Iterable<unknown>) {
    const pair = item as Partial<AccessPair> | null;
    if (typeof pair?.channel?.id !== 'string' || typeof pair.user?.id !== 'string') {
      throw new TypeError('channelAccessMulti answered something that is not a { channel, user } pair');
    }
    pairs.push(pair as AccessPair);
  }
  return pairs;
}

/** The decision for one pair and who made it. */
export interface AccessOutcome {
  readonly pair: AccessPair;
  readonly allowed: boolean;
  /** Predicates that denied the pair. */
  readonly deniedBy: readonly string[];
  /** Predicates that allowed the pair. */
  readonly allowedBy: readonly string[];
  /** `denied`/`allowed` by some predicate, or `default` when every predicate abstained. */
  readonly basis: 'denied' | 'allowed' | 'default';
}

/** Combines the answers: any deny wins, then any allow, then `defaultAllow`. */
export function combineAnswers(targets: readonly AccessPair[], answers: readonly PredicateAnswer[], defaultAllow: boolean): AccessOutcome[] {
  return targets.map((pair) => {
    const key = pairKey(pair);
    const deniedBy = answers.filter((a) => a.denied.has(key)).map((a) => a.name);
    const allowedBy = answers.filter((a) => a.allowed.has(key)).map((a) => a.name);
    if (deniedBy.length > 0) return { pair, allowed: false, deniedBy, allowedBy, basis: 'denied' };
    if (allowedBy.length > 0) return { pair, allowed: true, deniedBy, allowedBy, basis: 'allowed' };
    return { pair, allowed: defaultAllow, deniedBy, allowedBy, basis: 'default' };
  });
}

const TIMED_OUT = Symbol('timed out');

/** Rejects with "predicate <name> did not answer within <ms> ms" when `work` takes too long. */
async function withTimeout(work: Promise<void>, ms: number, name: string): Promise<void> {
  if ((await raceDeadline(work, ms, TIMED_OUT)) === TIMED_OUT) throw new Error(`predicate ${name} did not answer within ${ms} ms`);
}
