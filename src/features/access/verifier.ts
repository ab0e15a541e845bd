/**
 * `verify(members?)` (IMMP's ChannelAccessHook.verify): asks every predicate about the users
 * of the secured channels, combines the answers, and removes the denied (or only logs them in
 * passive mode).
 */
import type { Logger } from '../../core/log.js';
import type { ChannelRef, UserRef } from '../../core/refs.js';
import type { AccessMembers, AccessPair, AccessPredicate } from '../../modules/access-predicate.js';
import { askPredicate, combineAnswers, scopeChannels, type AccessOutcome, type FailurePolicy, type PredicateAnswer } from './combine.js';
import { channelKey, describePair } from './keys.js';
import { matchesAny, type IdentityPattern } from './identity.js';
import type { RemovalResult, Remover } from './removal.js';

/**
 * What is being verified: new joins (a failing predicate denies), people already present
 * (a failing predicate abstains), or the author of something about to be relayed (a failing
 * predicate abstains; the author need not be in the member list, e.g. an IRC message from
 * outside the channel).
 */
export type VerifyMode = 'join' | 'present' | 'relay';

/**
 * Channels to verify, each with the users to check; no users (undefined or empty) means every
 * member. Leaving the whole request out verifies every secured channel.
 */
export type VerifyRequest = ReadonlyMap<ChannelRef, readonly UserRef[] | undefined>;

/** A predicate to ask, with the config entry's scope. */
export interface ScopedPredicate {
  readonly name: string;
  readonly scope?: readonly ChannelRef[];
  /** undefined when the config names a module predicate nobody registered. */
  readonly predicate: AccessPredicate | undefined;
}

/** The outcome of one verification. */
export interface VerifyReport {
  readonly mode: VerifyMode;
  readonly passive: boolean;
  readonly outcomes: readonly AccessOutcome[];
  /** The removals started (none in passive mode); resolves when each is confirmed or failed. */
  readonly removals: Promise<readonly RemovalResult[]>;
}

export interface VerifierOptions {
  readonly log: Logger;
  readonly secured: readonly ChannelRef[];
  /** The configured predicates, looked up at each verification. */
  readonly predicates: () => readonly ScopedPredicate[];
  readonly members: (channel: ChannelRef) => readonly UserRef[];
  /** true for Switchboard's own bot in `channel`: never checked, like an `exclude` entry. */
  readonly isBot?: (channel: ChannelRef, user: UserRef) => boolean;
  readonly exclude: readonly IdentityPattern[];
  readonly defaultAllow: boolean;
  readonly passive: boolean;
  readonly predicateTimeoutMs: number;
  readonly remover: Remover;
  /** Told every decision made (by every verification and every `decide`), e.g. to cache them. */
  readonly decided?: (outcomes: readonly AccessOutcome[]) => void;
}

export class AccessVerifier {
  constructor(private readonly options: VerifierOptions) {}

  /** true when `channel` is one of the secured channels. */
  secures(channel: ChannelRef): boolean {
    return scopeChannels(this.options.secured, [channel]).length > 0;
  }

  /**
   * Verifies `request` (or every secured channel) with every configured predicate plus
   * `extra` ones (e.g. userMayJoinRoom for joins). Never throws.
   */
  async verify(request: VerifyRequest | undefined, mode: VerifyMode, extra: readonly ScopedPredicate[] = []): Promise<VerifyReport> {
    const { log, passive } = this.options;
    const outcomes = await this.decide(request, mode, extra);
    const denied = outcomes.filter((o) => !o.allowed).map((o) => o.pair);
    if (denied.length > 0) log.info({ mode, denied: denied.length, checked: outcomes.length, passive }, passive ? 'access verified (passive: nobody removed)' : 'access verified; removing the denied');
    const removals = passive ? Promise.resolve([]) : Promise.all(denied.map((pair) => this.options.remover.remove(pair)));
    return { mode, passive, outcomes, removals };
  }

  /**
   * The decisions for `request` (or every secured channel), logged and reported to `decided`,
   * without removing anyone. Pairs excluded, the bot, and (except in `relay` mode) users no
   * longer present get no outcome. Never throws.
   */
  async decide(request: VerifyRequest | undefined, mode: VerifyMode, extra: readonly ScopedPredicate[] = []): Promise<AccessOutcome[]> {
    const requested = request ? [...request.keys()] : undefined;
    const policy: FailurePolicy = mode === 'join' ? 'deny' : 'abstain';
    const scoped = await Promise.all([...this.options.predicates(), ...extra].map((entry) => this.resolveChannels(entry, requested)));
    const targets = this.targets(unionOf(scoped.map((s) => s.channels)), request, mode !== 'relay');
    const answers = await Promise.all(scoped.map((s) => this.ask(s, targets, policy)));
    const outcomes = combineAnswers([...targets.values()].flat(), answers, this.options.defaultAllow);
    for (const outcome of outcomes) this.logOutcome(outcome, mode);
    this.options.decided?.(outcomes);
    return outcomes;
  }

  /** The channels one predicate decides for in this verification; a failing accessChannels fails the predicate. */
  private async resolveChannels(entry: ScopedPredicate, requested: readonly ChannelRef[] | undefined): Promise<ScopedPredicate & { channels: ChannelRef[] }> {
    const base = scopeChannels(this.options.secured, entry.scope, requested);
    if (!entry.predicate) return { ...entry, predicate: failing(new Error(`no access predicate is registered as "${entry.name}"`)), channels: base };
    if (!entry.predicate.accessChannels) return { ...entry, channels: base };
    try {
      const interested = await entry.predicate.accessChannels();
      if (interested !== undefined && interested !== null && !Array.isArray(interested)) throw new TypeError('accessChannels must answer a list of channels, or undefined');
      return { ...entry, channels: scopeChannels(base, interested) };
    } catch (error) {
      return { ...entry, predicate: failing(new Error(`accessChannels failed: ${error instanceof Error ? error.message : String(error)}`)), channels: base };
    }
  }

  /** Users to check per channel: the requested ones (or all members), still present when `presentOnly`, minus the bot and the excluded. */
  private targets(channels: readonly ChannelRef[], request: VerifyRequest | undefined, presentOnly: boolean): Map<string, AccessPair[]> {
    const requested = new Map([...(request ?? [])].map(([channel, users]) => [channelKey(channel), users]));
    const targets = new Map<string, AccessPair[]>();
    for (const channel of channels) {
      const current = this.options.members(channel);
      const wanted = requested.get(channelKey(channel));
      const users = wanted && wanted.length > 0 ? wanted : current;
      const present = new Set(current.map((u) => u.id));
      const pairs = users
        .filter((user) => !presentOnly || present.size === 0 || present.has(user.id))
        .filter((user) => !matchesAny(this.options.exclude, user) && !this.options.isBot?.(channel, user))
        .map((user) => ({ channel, user }));
      if (pairs.length > 0) targets.set(channelKey(channel), pairs);
    }
    return targets;
  }

  private ask(entry: ScopedPredicate & { channels: ChannelRef[] }, targets: Map<string, AccessPair[]>, policy: FailurePolicy): Promise<PredicateAnswer> {
    const members = new Map<ChannelRef, UserRef[]>();
    for (const channel of entry.channels) {
      const pairs = targets.get(channelKey(channel));
      if (pairs) members.set(channel, pairs.map((p) => p.user));
    }
    if (members.size === 0) return Promise.resolve({ name: entry.name, allowed: new Set(), denied: new Set() });
    return askPredicate(entry.predicate!, members as AccessMembers, {
      name: entry.name,
      policy,
      timeoutMs: this.options.predicateTimeoutMs,
      onError: (error, pairs) => this.options.log.warn(
        { predicate: entry.name, err: error, pairs: pairs.length, first: describePair(pairs[0]!), treatedAs: policy === 'deny' ? 'denied' : 'undecided' },
        'access predicate failed',
      ),
    });
  }

  private logOutcome(outcome: AccessOutcome, mode: VerifyMode): void {
    const { passive, log } = this.options;
    const fields = {
      mode,
      network: outcome.pair.channel.network,
      channel: outcome.pair.channel.id,
      user: outcome.pair.user.id,
      nick: outcome.pair.user.nick,
      decision: outcome.allowed ? 'allow' : 'deny',
      basis: outcome.basis,
      ...(outcome.deniedBy.length > 0 ? { deniedBy: outcome.deniedBy } : {}),
      ...(outcome.allowedBy.length > 0 ? { allowedBy: outcome.allowedBy } : {}),
    };
    if (passive) log.info(fields, outcome.allowed ? 'access allowed' : 'access denied (passive: not removing)');
    else if (!outcome.allowed) log.info(fields, 'access denied');
    else log.debug(fields, 'access allowed');
  }
}

/** A predicate that fails every call with `error` (so the failure policy applies uniformly). */
function failing(error: Error): AccessPredicate {
  return { channelAccessMulti: () => Promise.reject(error) };
}

function unionOf(lists: ReadonlyArray<readonly ChannelRef[]>): ChannelRef[] {
  const byKey = new Map<string, ChannelRef>();
  for (const channel of lists.flat()) if (!byKey.has(channelKey(channel))) byKey.set(channelKey(channel), channel);
  return [...byKey.values()];
}
