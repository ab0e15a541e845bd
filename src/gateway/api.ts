/**
 * The gateway framework's typed API (ADR 0009, docs/gateway.md): what a legacy network (IRC
 * today) implements so that a person can use it from their own XMPP client. slidge's concepts:
 * the gateway's settings (`GatewaySettings`, slidge's BaseGateway class attributes), one
 * {@link LegacySession} per registered person (BaseSession) with its handlers, contacts named by
 * a legacy id (LegacyContact). The framework knows XMPP and nothing of the legacy protocol.
 */
import type { BackfilledMessage, HoleBound, RoomBan, RoomConfig, RoomEvent, RoomModeration, RoomRoleChange, RoomSnapshot } from './room-api.js';

export type { BackfilledMessage, HoleBound, RoomAffiliation, RoomBan, RoomConfig, RoomEvent, RoomHat, RoomModeration, RoomParticipant, RoomRole, RoomRoleChange, RoomSnapshot, RoomSubject } from './room-api.js';

/** One field of a data form (XEP-0004) the gateway shows: registration, preferences, search. */
export interface FormField {
  /** The field's `var`, the key of the submitted value. */
  readonly var: string;
  readonly label: string;
  readonly type: 'text-single' | 'text-private' | 'boolean' | 'list-single' | 'fixed';
  readonly required?: boolean;
  /** The value shown (the default, or the person's current one). */
  readonly value?: string;
  readonly description?: string;
  /** The choices of a `list-single`. */
  readonly options?: ReadonlyArray<{ readonly label: string; readonly value: string }>;
}

/**
 * How people register (slidge's RegistrationType): the form alone (`single-step-form`), the form
 * then a code the person receives elsewhere (`two-factor-code`: `validate` answers a
 * {@link CodeStep}), or the form then a QR code they scan with the legacy app (`qr-code`:
 * `validate` answers a {@link QrStep}). The two-step types need the ad-hoc Register command (or
 * the chat commands); XEP-0077 in-band registration has no second step and points to them.
 */
export type RegistrationType = 'single-step-form' | 'two-factor-code' | 'qr-code';

/** What the gateway is, per component domain (slidge's BaseGateway attributes). */
export interface GatewaySettings {
  /** Shown in service discovery and as the gateway contact's name. */
  readonly name: string;
  /** The registration field a module's getUsernameForRegistration answer replaces (IRC: `nick`). */
  readonly usernameField?: string;
  /** The disco identity type of the gateway (`gateway/<type>`: irc, xmpp, ...). */
  readonly identityType: string;
  readonly registrationType: RegistrationType;
  readonly registrationFields: readonly FormField[];
  readonly registrationInstructions: string;
  /** Sent to the person once registered. */
  readonly welcomeMessage: string;
  /** The per-person preferences (the preferences command; values are stored as text, booleans as 'true'/'false'). */
  readonly preferences: readonly FormField[];
  /** The fields of a contact search (the `search` command's form; the first is the chat command's argument). */
  readonly searchFields: readonly FormField[];
  /** The columns of a search result beyond the contact's JID (`var` keys {@link SearchResult.details}). */
  readonly searchColumns: ReadonlyArray<{ readonly var: string; readonly label: string }>;
  /** Whether the legacy network's groups are offered as group chats (the room handlers of {@link LegacySession}, room-api.ts). */
  readonly groups: boolean;
  /**
   * Receipts behaviour (slidge's PROPER_RECEIPTS = false): true = the gateway answers a person's
   * XEP-0184 receipt request itself, on the contact's behalf, once `onText` accepted the message
   * (the network has no receipts of its own); absent or false = no receipts.
   */
  readonly receipts?: boolean;
}

/** The XMPP error a refusal becomes (RFC 6120 §8.3.3). */
export type RefusalCondition =
  | 'not-authorized'
  | 'forbidden'
  | 'conflict'
  | 'not-acceptable'
  | 'bad-request'
  | 'remote-server-not-found'
  | 'remote-server-timeout'
  | 'service-unavailable'
  | 'feature-not-implemented'
  | 'item-not-found'
  | 'internal-server-error';

/**
 * A legacy network refused something, in words the person understands (`message` is shown to
 * them as the error text). Anything else a handler throws is a bug: the person gets
 * `internal-server-error` and the gateway goes on.
 */
export class LegacyRefusal extends Error {
  override readonly name = 'LegacyRefusal';

  constructor(
    message: string,
    readonly condition: RefusalCondition = 'not-acceptable',
  ) {
    super(message);
  }
}

/** A handler the legacy network does not implement (the default of every optional handler). */
export class NotSupported extends LegacyRefusal {
  constructor(what: string) {
    super(`${what} is not supported on this network`, 'feature-not-implemented');
  }
}

/** What a successful registration keeps: per-person data and the credentials. */
export interface Registration {
  /** Non-secret per-person data (a nick): stored as is and handed back to every session. */
  readonly data: Readonly<Record<string, unknown>>;
  /** The credentials: stored sealed (AES-256-GCM), never logged, removed on unregister. */
  readonly secret?: string;
}

/**
 * The second step of a two-factor registration: the person types the code the legacy network
 * sent them. `confirm` resolves with what to store, or rejects with a {@link LegacyRefusal}
 * (`not-authorized`: a wrong code, the person may try again a bounded number of times; any other
 * condition ends the registration).
 */
export interface CodeStep {
  readonly step: 'code';
  /** What to ask the person ("Type the code sent to your phone"). */
  readonly instructions: string;
  confirm(code: string, signal: AbortSignal): Promise<Registration>;
  /** The registration was abandoned (cancel, timeout, unregister, too many wrong codes). Never throws. */
  cancel(): void;
}

/**
 * The second step of a QR-code registration: the framework sends `payload` (the text the QR code
 * encodes) to the person and waits for `confirmed`, which resolves once the legacy network says
 * the code was scanned (with what to store) and rejects with a {@link LegacyRefusal} otherwise.
 * The wait is bounded by the framework (`signal` aborts at the step timeout or a cancel).
 */
export interface QrStep {
  readonly step: 'qr';
  /** What to tell the person ("Scan this with the app: Settings → Linked devices"). */
  readonly instructions: string;
  /** The QR code's text (sent as is; clients or the person turn it into an image). */
  readonly payload: string;
  confirmed(signal: AbortSignal): Promise<Registration>;
  /** The registration was abandoned (cancel, timeout, unregister). Never throws. */
  cancel(): void;
}

/** What `validate` answers: done, or a second step the person must take. */
export type Validation = Registration | CodeStep | QrStep;

/** Whether `validation` asks for a second step. */
export function isSecondStep(validation: Validation): validation is CodeStep | QrStep {
  return 'step' in validation && (validation.step === 'code' || validation.step === 'qr');
}

/** A registered person as their session sees them. */
export interface GatewayUser {
  /** Their bare JID. */
  readonly jid: string;
  readonly data: Readonly<Record<string, unknown>>;
  /** The opened credentials (in memory only). */
  readonly secret: string | undefined;
  readonly preferences: Readonly<Record<string, unknown>>;
}

/** The person's own profile on the legacy network, as far as it changed. */
export interface LegacyProfile {
  readonly displayName?: string;
  readonly avatarUrl?: string;
}

/** A contact's presence, as XMPP shows it. */
export type ContactShow = 'online' | 'away' | 'busy' | 'offline';

/** A typing notification (XEP-0085). */
export type ChatState = 'composing' | 'paused' | 'active' | 'inactive';

/** What a legacy session tells the framework (slidge's LegacyContact methods). */
export interface SessionEvents {
  /** A one-to-one message from `contact` (a legacy id); `action` for a /me. */
  text(contact: string, text: string, options?: { readonly action?: boolean; readonly legacyId?: string; readonly name?: string }): void;
  /** `contact` is typing, or stopped. */
  chatState(contact: string, state: ChatState): void;
  /**
   * `contact` asks to be the person's contact (a legacy friend request): they get a subscription
   * request from the contact's JID, with `name` and `text` (a status). Their answer reaches
   * {@link LegacySession.onFriendAccept}.
   */
  friendRequest(contact: string, options?: { readonly name?: string; readonly text?: string }): void;
  /** `contact`'s presence changed. */
  presence(contact: string, show: ContactShow, options?: { readonly status?: string; readonly name?: string }): void;
  /**
   * The person's own identity on the legacy network changed: a nick the server or they changed, a
   * name, an avatar (the modules' onProfileUpdate). `status`: the gateway contact's new status
   * text while connected ("Connected as alice_").
   */
  profile(profile: LegacyProfile, status?: string): void;
  /** The legacy connection ended after login; `fatal` when logging in again cannot help. */
  lost(reason: string, fatal: boolean): void;
  /** Something happened in the joined room `room` (a key of {@link LegacySession.roomKey}). */
  room(room: string, event: RoomEvent): void;
}

/**
 * One person's login to the legacy network (slidge's BaseSession). Every handler but
 * `login`, `logout`, `contactKey` and `onText` is optional: absent means not supported, and
 * the framework answers with a readable fallback (a correction sent as a new message) or a
 * `feature-not-implemented` error.
 */
export interface LegacySession {
  /**
   * The canonical form of a legacy id (the key of its contact, hence of its JID): two ids that
   * name the same person give the same key (IRC: the nick under the server's case mapping).
   * Undefined for something that cannot be a contact id.
   */
  contactKey(id: string): string | undefined;
  /** Logs in; resolves with the status shown to the person ("Connected as alice"). */
  login(signal: AbortSignal): Promise<string>;
  /** Logs out (the session is dropped, or the person unregistered). Never rejects. */
  logout(reason: string): Promise<void>;
  /** Sends a message to `contact`; resolves with its legacy message id when the network has one. */
  onText(contact: string, text: string, options: TextOptions): Promise<string | undefined>;
  /**
   * Sends a file the person offers by link (XEP-0066; the gateway never fetches it). Absent: the
   * URL goes to {@link onText} as text, with the message's text when it says more.
   */
  onFile?(contact: string, file: { readonly url: string; readonly caption?: string }): Promise<string | undefined>;
  /** Corrects `legacyId` (fallback: the corrected text as a new message, marked). */
  onCorrect?(contact: string, legacyId: string, text: string): Promise<void>;
  /**
   * Reacts to `legacyId`; an empty list withdraws the person's reactions. Absent: the emojis are
   * sent as text, marked "(reaction)" (a withdrawal sends nothing).
   */
  onReact?(contact: string, legacyId: string, emojis: readonly string[]): Promise<void>;
  /** Retracts `legacyId` (absent: the person is told it cannot be retracted; it was delivered). */
  onRetract?(contact: string, legacyId: string): Promise<void>;
  /**
   * The person read `contact`'s messages up to `legacyId` (a XEP-0333 displayed marker). Absent:
   * nothing to do (accepted silently, like a network without read receipts).
   */
  onDisplayed?(contact: string, legacyId: string): Promise<void>;
  /**
   * The person's own avatar changed (their vCard photo, announced by XEP-0153 in their presence);
   * undefined: they removed it. Absent: the avatar stays on XMPP (nothing is fetched).
   */
  onAvatar?(avatar: PersonAvatar | undefined): Promise<void>;
  /**
   * The XMPP id of a message the legacy network knows as `legacyId` (its `text` events); absent:
   * the legacy id as is. Message ids are capped at 128 characters, with no control characters.
   */
  xmppMessageId?(legacyId: string): string;
  /**
   * The legacy id of a message XMPP knows as `xmppId` (named by a correction, reaction, retraction
   * or displayed marker) when the framework did not see it sent; undefined: no such message.
   * Absent: the XMPP id as is. The ids `onText` answers are remembered by the framework first.
   */
  legacyMessageId?(xmppId: string): string | undefined;
  /** The person is typing to `contact`, or stopped. */
  onChatState?(contact: string, state: ChatState): Promise<void>;
  /** The person's own presence changed (away with a status, back). */
  onPresence?(show: ContactShow, status: string | undefined): Promise<void>;
  /** The person changed their preferences (all of them, as stored); the session applies them from now on. */
  onPreferences?(preferences: Readonly<Record<string, string>>): void;
  /** What the network knows of `contact` (their vCard, XEP-0054); undefined: no such contact. */
  onProfile?(contact: string): Promise<ContactProfile | undefined>;
  /**
   * The person asks to be known as `name` (the `nick` chat command): resolves once the network
   * took it (having reported it through {@link SessionEvents.profile}), rejects with a
   * {@link LegacyRefusal} saying why not (taken, invalid). Bounded by `signal`.
   */
  setName?(name: string, signal: AbortSignal): Promise<void>;
  /** The person accepted `contact`'s friend request (they answered its subscription request). */
  onFriendAccept?(contact: string): Promise<void>;
  /** The person wants `contact`'s presence (a subscription or a chat): watch it. */
  watch?(contact: string): void;
  /** The person no longer wants `contact`'s presence (they unsubscribed): stop watching it. */
  unwatch?(contact: string): void;
  /**
   * Contacts matching `query` (the values of `searchFields`), at most a few dozen; rejects with a
   * {@link LegacyRefusal} when the network cannot answer.
   */
  onSearch?(query: Readonly<Record<string, string>>): Promise<readonly SearchResult[]>;

  // --- group chats (settings.groups; ADR 0010) ---
  /**
   * The canonical key of a room id (the key of its room JID; IRC: the channel name case-folded),
   * undefined for something that cannot name a room. Rooms and contacts share the JID space: an
   * id that is a room key is never a contact key.
   */
  roomKey?(id: string): string | undefined;
  /**
   * Joins `room` (a key) as the person: resolves with the room's state once the network sent it,
   * rejects with a {@link LegacyRefusal} (invite-only, keyed, banned, full, no such room). `nick`:
   * the nick the person asked for (the network may keep its own). Bounded by `signal`. Events of
   * the room are reported from the snapshot on. `password`: the room password the person gave
   * (XEP-0045 `<password/>`; IRC: the channel key), at most 256 characters; never to be logged.
   */
  joinRoom?(room: string, nick: string, signal: AbortSignal, password?: string): Promise<RoomSnapshot>;
  /** Leaves `room` (the person's last resource left). Never rejects. */
  leaveRoom?(room: string): Promise<void>;
  /** Sends a message to `room`; resolves with its legacy id when the network has one. */
  onRoomText?(room: string, text: string, options: TextOptions): Promise<string | undefined>;
  /** Sets `room`'s subject; a refusal by the network comes later as a `refused` room event. */
  setRoomSubject?(room: string, subject: string): Promise<void>;
  /**
   * The network's own archive of `room` (slidge's `backfill`), for a network that keeps one:
   * the messages between `after` (the newest the gateway archived before this join; undefined:
   * it has none, go back as far as is reasonable) and `before` (the first it archived since;
   * undefined: up to the most recent). Called once per room and gateway run, after the join and
   * before the history is sent; bounded by `signal` and by `limit` messages (more are cut, oldest
   * first). Messages outside the bounds are dropped.
   */
  backfillRoom?(room: string, bounds: { readonly after?: HoleBound; readonly before?: HoleBound; readonly limit: number }, signal: AbortSignal): Promise<readonly BackfilledMessage[]>;
  /**
   * Whether `backfillRoom` can answer now (e.g. the IRC server offers CHATHISTORY); absent: it
   * can. Asked before the archive is read for the hole, so a join on a network without history
   * costs nothing for it.
   */
  canBackfill?(): boolean;
  /**
   * Kicks or bans a participant of `room` (room-admin.ts): rejects with a {@link LegacyRefusal}
   * (`forbidden`, with why) when the person may not; a later refusal by the network comes as a
   * `refused` room event.
   */
  moderateRoom?(room: string, action: RoomModeration): Promise<void>;
  /**
   * Gives or takes a role or affiliation in `room` (room-roles.ts): resolves once the network
   * did it, rejects with a {@link LegacyRefusal} when the person may not or the network refused
   * (its words). Nothing to change resolves at once.
   */
  changeRoomRole?(room: string, change: RoomRoleChange): Promise<void>;
  /** The ban list of `room` (bounded by the network), or a {@link LegacyRefusal}. */
  roomBans?(room: string, signal: AbortSignal): Promise<readonly RoomBan[]>;
  /** `room`'s configuration (room-config.ts); rejects with a {@link LegacyRefusal} when the person may not see it. */
  roomConfig?(room: string): Promise<RoomConfig>;
  /**
   * Changes what `change` names of `room`'s configuration: resolves once the network did it,
   * rejects with a {@link LegacyRefusal} (not allowed, a value the network cannot take, the
   * network's refusal in its words).
   */
  configureRoom?(room: string, change: Partial<RoomConfig>): Promise<void>;
  /** Invites `contact` (a contact key) to `room`; a refusal by the network comes later as a `refused` room event. */
  inviteToRoom?(room: string, contact: string, reason: string | undefined): Promise<void>;
  /**
   * Ends `room` for good (XEP-0045 destroy), rejecting with a {@link LegacyRefusal} saying why
   * when the network cannot (IRC: only an operator alone in the channel, which ends when parted).
   */
  destroyRoom?(room: string): Promise<void>;
}

/** The person's own avatar, as their vCard has it (at most 512 KiB). */
export interface PersonAvatar {
  /** Its SHA-1, hex (XEP-0153's photo hash). */
  readonly hash: string;
  /** Its media type (`image/png`). */
  readonly type: string;
  readonly data: Buffer;
}

/** What a contact's vCard (XEP-0054) shows. */
export interface ContactProfile {
  /** Their nick (NICKNAME). */
  readonly nickname: string;
  /** Their full name (FN). */
  readonly fullName?: string;
  /** More facts, one per line (NOTE). */
  readonly note?: string;
}

/** How a message is sent ({@link LegacySession.onText}). */
export interface TextOptions {
  /** A /me. */
  readonly action: boolean;
  /**
   * To call (at most once) when the message, accepted by `onText`, could not be delivered after
   * all (the connection dropped while it waited in a queue): the person gets an error on it.
   */
  readonly undelivered?: (reason: string) => void;
}

/** One contact found by a search. */
export interface SearchResult {
  /** Its legacy id (made a contact JID by the framework). */
  readonly id: string;
  /** The name shown (checked by the modules' checkUsernameForSpam as the display name). */
  readonly name: string;
  /** The values of the settings' `searchColumns`. */
  readonly details: Readonly<Record<string, string>>;
}

/** A legacy network: its settings, registration, and sessions (slidge's legacy module). */
export interface LegacyNetwork {
  readonly settings: GatewaySettings;
  /**
   * Checks a submitted registration form by logging in. Resolves with what to store (single-step
   * form), or with the second step the person must take (a {@link CodeStep} or a {@link QrStep});
   * rejects with a {@link LegacyRefusal} that says why (wrong password, nick taken, server
   * unreachable). `displayName`: the name a module chose for the person (IRC: the real name).
   */
  validate(jid: string, form: Readonly<Record<string, string>>, signal: AbortSignal, options?: { readonly displayName?: string }): Promise<Validation>;
  /** The gateway stops: release what the network holds beyond its sessions (optional). */
  close?(): void;
  /** A (not yet logged-in) session for `user`. */
  createSession(user: GatewayUser, events: SessionEvents): LegacySession;
}

/** What a legacy network's factory gets besides its options. */
export interface LegacyNetworkContext {
  /** The gateway's `name` option (shown in service discovery). */
  readonly gatewayName: string;
}

/**
 * Makes a legacy network from a gateway's `legacy:` options (with its `protocol`), registered by
 * a module with `api.registerLegacyNetwork(protocol, factory)`; throws (a clear message) for
 * options it does not accept. IRC is built in and uses no factory.
 */
export type LegacyNetworkFactory = (options: Readonly<Record<string, unknown>>, context: LegacyNetworkContext) => LegacyNetwork;
