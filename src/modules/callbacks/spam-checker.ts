/**
 * Spam checker callbacks, and the functions the operations they guard call.
 */
import type { Logger } from '../../core/log.js';
import type { AnyEvent } from '../../core/event.js';
import type { ChannelRef, UserRef } from '../../core/refs.js';
import { CategoryRegistry } from './category-registry.js';
import { firstDecides, type CallbackSite } from './combine.js';
import type { CallbackName, MediaFile, RequestInfo, SpamCheckerCallbacks, ThirdPartyId, UserProfile } from './types.js';
import {
  Codes,
  NOT_SPAM,
  RegistrationBehaviour,
  describeValue,
  readSpamResult,
  type Code,
  type SpamVerdict,
} from './values.js';

/** A spam check's outcome: allowed, or refused by a module with a code. */
export type SpamDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly module: string; readonly code: Code; readonly message?: string };

type SpamName = CallbackName<'spamChecker'>;

export class SpamChecker {
  readonly registry = new CategoryRegistry('spamChecker', 'registerSpamCheckerCallbacks');

  constructor(private readonly log: Logger) {}

  checkEventForSpam(event: AnyEvent): Promise<SpamDecision> {
    return this.verdict('checkEventForSpam', (fn) => fn(event));
  }

  userMayJoinRoom(user: UserRef, channel: ChannelRef, isInvited: boolean): Promise<SpamDecision> {
    return this.verdict('userMayJoinRoom', (fn) => fn(user, channel, isInvited));
  }

  userMayInvite(inviter: UserRef, invitee: UserRef, channel: ChannelRef): Promise<SpamDecision> {
    return this.verdict('userMayInvite', (fn) => fn(inviter, invitee, channel));
  }

  userMaySend3pidInvite(inviter: UserRef, medium: string, address: string, channel: ChannelRef): Promise<SpamDecision> {
    return this.verdict('userMaySend3pidInvite', (fn) => fn(inviter, medium, address, channel));
  }

  userMayCreateRoom(user: UserRef): Promise<SpamDecision> {
    return this.verdict('userMayCreateRoom', (fn) => fn(user));
  }

  userMayCreateRoomAlias(user: UserRef, alias: string): Promise<SpamDecision> {
    return this.verdict('userMayCreateRoomAlias', (fn) => fn(user, alias));
  }

  userMayPublishRoom(user: UserRef, channel: ChannelRef): Promise<SpamDecision> {
    return this.verdict('userMayPublishRoom', (fn) => fn(user, channel));
  }

  checkMediaFileForSpam(file: MediaFile): Promise<SpamDecision> {
    return this.verdict('checkMediaFileForSpam', (fn) => fn(file));
  }

  /** Only NOT_SPAM or a code is accepted here (no deprecated forms, as in the seed). */
  checkLoginForSpam(
    userId: string,
    deviceId: string | undefined,
    initialDisplayName: string | undefined,
    requestInfo: RequestInfo,
    authProviderId?: string,
  ): Promise<SpamDecision> {
    return this.verdict(
      'checkLoginForSpam',
      (fn) => fn(userId, deviceId, initialDisplayName, requestInfo, authProviderId),
      (answer) => {
        if (answer === NOT_SPAM || (typeof answer === 'string' && Object.values(Codes).includes(answer as Code))) return readSpamResult(answer);
        throw new TypeError(`expected NOT_SPAM or a Codes value, got ${describeValue(answer)}`);
      },
    );
  }

  /**
   * true when the user is spammy and must be left out of user search results. Each module is
   * given its own copy of the original profile (as in the seed), so a change one module makes
   * is seen neither by the caller nor by the modules after it.
   */
  async checkUsernameForSpam(profile: UserProfile): Promise<boolean> {
    const decision = await firstDecides(this.site('checkUsernameForSpam'), this.registry.list('checkUsernameForSpam').entries, (fn) => fn({ ...profile }), readBoolean, true);
    return decision.decided ? decision.value : false;
  }

  async checkRegistrationForSpam(
    emailThreepid: ThirdPartyId | undefined,
    username: string | undefined,
    requestInfo: RequestInfo,
    authProviderId?: string,
  ): Promise<RegistrationBehaviour> {
    const decision = await firstDecides(
      this.site('checkRegistrationForSpam'),
      this.registry.list('checkRegistrationForSpam').entries,
      (fn) => fn(emailThreepid, username, requestInfo, authProviderId),
      readRegistrationBehaviour,
      RegistrationBehaviour.DENY,
    );
    return decision.decided ? decision.value : RegistrationBehaviour.ALLOW;
  }

  /** true when the event must be dropped silently. */
  async shouldDropFederatedEvent(event: AnyEvent): Promise<{ readonly drop: boolean; readonly module?: string }> {
    const decision = await firstDecides(this.site('shouldDropFederatedEvent'), this.registry.list('shouldDropFederatedEvent').entries, (fn) => fn(event), readBoolean, true);
    return decision.decided ? { drop: decision.value, module: decision.module } : { drop: false };
  }

  private async verdict<N extends SpamName>(
    name: N,
    call: (fn: NonNullable<SpamCheckerCallbacks[N]>) => unknown,
    read: (answer: unknown) => SpamVerdict = readSpamResult,
  ): Promise<SpamDecision> {
    const decision = await firstDecides(this.site(name), this.registry.list(name).entries, call, read, { code: Codes.INTERNAL_ERROR });
    if (!decision.decided || decision.value === NOT_SPAM) return { allowed: true };
    return { allowed: false, module: decision.module, ...decision.value };
  }

  private site(name: SpamName): CallbackSite {
    return { category: 'spamChecker', name, log: this.log };
  }
}

/** Reads a boolean answer; anything else is a module bug (handled like a throw). */
export function readBoolean(answer: unknown): boolean {
  if (typeof answer !== 'boolean') throw new TypeError(`expected a boolean, got ${describeValue(answer)}`);
  return answer;
}

function readRegistrationBehaviour(answer: unknown): RegistrationBehaviour {
  if (Object.values(RegistrationBehaviour).includes(answer as RegistrationBehaviour)) return answer as RegistrationBehaviour;
  throw new TypeError(`expected a RegistrationBehaviour, got ${describeValue(answer)}`);
}
