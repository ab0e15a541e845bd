/**
 * The callbacks modules register, by category. Names follow Synapse's module callbacks in
 * camelCase; arguments are Switchboard's own (refs, events, messages). docs/modules.md
 * describes each one and when Switchboard calls it.
 */
import type { AnyEvent } from '../../core/event.js';
import type { PresenceArgs } from '../../core/catalog.js';
import type { Attachment, Message } from '../../core/message.js';
import type { ChannelRef, UserRef } from '../../core/refs.js';
import type { NotSpam, Code, PresenceAllUsers, RegistrationBehaviour, SpamCheckResult } from './values.js';

type Awaitable<T> = T | Promise<T>;

/** `[userAgent, ip]` pairs seen during a registration or login. */
export type RequestInfo = ReadonlyArray<readonly [userAgent: string | undefined, ip: string]>;

/** A third-party identifier (email address, phone number). */
export interface ThirdPartyId {
  readonly medium: string;
  readonly address: string;
}

/** A user as listed in user search results. */
export interface UserProfile {
  readonly userId: string;
  readonly displayName?: string;
  readonly avatarUrl?: string;
}

/** A file being stored (attachment relay, gateway upload). */
export interface MediaFile {
  readonly info: Attachment;
  /** Reads the whole file. */
  read(): Promise<Buffer>;
}

// --- spam checker -------------------------------------------------------------------------

export interface SpamCheckerCallbacks {
  checkEventForSpam?(event: AnyEvent): Awaitable<SpamCheckResult>;
  userMayJoinRoom?(user: UserRef, channel: ChannelRef, isInvited: boolean): Awaitable<SpamCheckResult>;
  userMayInvite?(inviter: UserRef, invitee: UserRef, channel: ChannelRef): Awaitable<SpamCheckResult>;
  userMaySend3pidInvite?(inviter: UserRef, medium: string, address: string, channel: ChannelRef): Awaitable<SpamCheckResult>;
  userMayCreateRoom?(user: UserRef): Awaitable<SpamCheckResult>;
  userMayCreateRoomAlias?(user: UserRef, alias: string): Awaitable<SpamCheckResult>;
  userMayPublishRoom?(user: UserRef, channel: ChannelRef): Awaitable<SpamCheckResult>;
  /** true: the user is spammy and is left out of user search results. */
  checkUsernameForSpam?(profile: UserProfile): Awaitable<boolean>;
  checkRegistrationForSpam?(
    emailThreepid: ThirdPartyId | undefined,
    username: string | undefined,
    requestInfo: RequestInfo,
    authProviderId?: string,
  ): Awaitable<RegistrationBehaviour>;
  checkMediaFileForSpam?(file: MediaFile): Awaitable<SpamCheckResult>;
  /** true: the event from a linked network is dropped silently. */
  shouldDropFederatedEvent?(event: AnyEvent): Awaitable<boolean>;
  checkLoginForSpam?(
    userId: string,
    deviceId: string | undefined,
    initialDisplayName: string | undefined,
    requestInfo: RequestInfo,
    authProviderId?: string,
  ): Awaitable<NotSpam | Code>;
}

// --- third-party rules --------------------------------------------------------------------

/** checkEventAllowed's answer: allowed or not, and for an allowed event optionally a replacement. */
export type EventAllowedResult = boolean | readonly [allowed: boolean, replacement?: AnyEvent];

/** A request to create a bridge or room; onCreateRoom callbacks may change it. */
export interface CreateRoomRequest {
  name: string;
  channels: ChannelRef[];
  options: Record<string, unknown>;
}

export interface ProfileInfo {
  readonly displayName?: string;
  readonly avatarUrl?: string;
}

export interface ThirdPartyRulesCallbacks {
  checkEventAllowed?(event: AnyEvent): Awaitable<EventAllowedResult>;
  /** May change `request`; throw to refuse the creation. */
  onCreateRoom?(requester: UserRef, request: CreateRoomRequest, isAdmin: boolean): Awaitable<void>;
  checkThreepidCanBeInvited?(medium: string, address: string, channel: ChannelRef): Awaitable<boolean>;
  checkVisibilityCanBeModified?(channel: ChannelRef, newVisibility: 'public' | 'private'): Awaitable<boolean>;
  onNewEvent?(event: AnyEvent): Awaitable<void>;
  checkCanShutdownRoom?(userId: string, channel: ChannelRef): Awaitable<boolean>;
  checkCanDeactivateUser?(userId: string, byAdmin: boolean): Awaitable<boolean>;
  onProfileUpdate?(userId: string, profile: ProfileInfo, byAdmin: boolean, deactivation: boolean): Awaitable<void>;
  onUserDeactivationStatusChanged?(userId: string, deactivated: boolean, byAdmin: boolean): Awaitable<void>;
  onAddUserThirdPartyIdentifier?(userId: string, medium: string, address: string): Awaitable<void>;
  onRemoveUserThirdPartyIdentifier?(userId: string, medium: string, address: string): Awaitable<void>;
  /** @deprecated use onAddUserThirdPartyIdentifier (same call, registered under that name). */
  onThreepidBind?(userId: string, medium: string, address: string): Awaitable<void>;
}

// --- presence router ----------------------------------------------------------------------

/** One presence change (the PRESENCE event's args). User ids are `network:id`. */
export type PresenceUpdate = PresenceArgs;

/** Who should receive which presence updates: user id → updates, as a Map or a plain object. */
export type PresenceRouting =
  | ReadonlyMap<string, Iterable<PresenceUpdate>>
  | Readonly<Record<string, Iterable<PresenceUpdate>>>;

export interface PresenceRouterCallbacks {
  /** Requires getInterestedUsers. */
  getUsersForStates?(updates: readonly PresenceUpdate[]): Awaitable<PresenceRouting>;
  /** Requires getUsersForStates. */
  getInterestedUsers?(userId: string): Awaitable<Iterable<string> | PresenceAllUsers>;
}

// --- password auth provider ---------------------------------------------------------------

/** The response to a successful login, handed to the checker's `onLoggedIn`. */
export interface LoginResponse {
  readonly userId: string;
  readonly accessToken: string;
  readonly deviceId?: string;
}

/** A successful authentication. */
export interface AuthSuccess {
  readonly userId: string;
  /** Called with the login response once the login went through. */
  readonly onLoggedIn?: (response: LoginResponse) => Awaitable<void>;
}

/** An authentication checker: a user id on success, null/undefined when it does not know the user. */
export type AuthChecker = (
  user: string,
  loginType: string,
  loginDict: Readonly<Record<string, unknown>>,
) => Awaitable<AuthSuccess | null | undefined>;

/** One entry of `authCheckers`: a login type, the fields it expects and the checker. */
export interface AuthCheckerEntry {
  readonly loginType: string;
  readonly fields: readonly string[];
  readonly check: AuthChecker;
}

export interface PasswordAuthProviderCallbacks {
  authCheckers?: readonly AuthCheckerEntry[];
  check3pidAuth?(medium: string, address: string, password: string): Awaitable<AuthSuccess | null | undefined>;
  onLoggedOut?(userId: string, deviceId: string | undefined, accessToken: string): Awaitable<void>;
  getUsernameForRegistration?(
    uiaResults: Readonly<Record<string, unknown>>,
    params: Readonly<Record<string, unknown>>,
  ): Awaitable<string | null | undefined>;
  getDisplaynameForRegistration?(
    uiaResults: Readonly<Record<string, unknown>>,
    params: Readonly<Record<string, unknown>>,
  ): Awaitable<string | null | undefined>;
  is3pidAllowed?(medium: string, address: string, registration: boolean): Awaitable<boolean>;
}

// --- account validity ---------------------------------------------------------------------

export interface AccountValidityCallbacks {
  /** true: expired (the request is refused); false: valid; null/undefined: does not know. */
  isUserExpired?(userId: string): Awaitable<boolean | null | undefined>;
  onUserRegistration?(userId: string): Awaitable<void>;
  onUserLogin?(userId: string, authProviderType: string, authProviderId: string | undefined): Awaitable<void>;
}

// --- account data -------------------------------------------------------------------------

export interface AccountDataCallbacks {
  onAccountDataUpdated?(
    userId: string,
    channel: ChannelRef | undefined,
    type: string,
    content: Readonly<Record<string, unknown>>,
  ): Awaitable<void>;
}

// --- background update controller ---------------------------------------------------------

/**
 * The async context manager of onUpdate: `enter` runs before an iteration and returns its
 * target duration in milliseconds; `exit` runs after it (also when it failed).
 */
export interface UpdateIterationContext {
  enter(): Promise<number>;
  exit(error?: unknown): Promise<void>;
}

export interface BackgroundUpdateControllerCallbacks {
  /** Synchronous. Required when registering the others. */
  onUpdate?(updateName: string, databaseName: string, oneShot: boolean): UpdateIterationContext;
  defaultBatchSize?(updateName: string, databaseName: string): Awaitable<number>;
  minBatchSize?(updateName: string, databaseName: string): Awaitable<number>;
}

// --- extra fields for events served to clients --------------------------------------------

export interface AddExtraFieldsToUnsignedClientEventCallbacks {
  addFieldToUnsigned?(event: AnyEvent): Awaitable<Readonly<Record<string, unknown>>>;
}

// --- relay --------------------------------------------------------------------------------

export interface RelayCallbacks {
  /** Runs per delivery: returns the (possibly rewritten) message, or null to suppress this delivery. */
  beforeSend?(message: Message, target: ChannelRef): Awaitable<Message | null>;
  /**
   * Asked before the relay relays anything `user` did in `channel` (a message, edit,
   * retraction, reaction or channel event): `false` and nothing of it is relayed to any other
   * channel; `true` lets it through. The `access` module answers it for its secured channels.
   */
  userMayRelay?(user: UserRef, channel: ChannelRef): Awaitable<boolean>;
}

/** Every category, by the key used in the rules table. */
export interface CallbacksByCategory {
  spamChecker: SpamCheckerCallbacks;
  thirdPartyRules: ThirdPartyRulesCallbacks;
  presenceRouter: PresenceRouterCallbacks;
  passwordAuthProvider: PasswordAuthProviderCallbacks;
  accountValidity: AccountValidityCallbacks;
  accountData: AccountDataCallbacks;
  backgroundUpdateController: BackgroundUpdateControllerCallbacks;
  addExtraFieldsToUnsignedClientEvent: AddExtraFieldsToUnsignedClientEventCallbacks;
  relay: RelayCallbacks;
}

export type Category = keyof CallbacksByCategory;
/** A callback name within a category. */
export type CallbackName<C extends Category> = keyof CallbacksByCategory[C] & string;
