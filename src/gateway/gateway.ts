/**
 * The gateway (slidge's BaseGateway + its dispatchers), one per component domain: routes every
 * stanza the component receives (registration, ad-hoc commands, disco, pings, presences and
 * one-to-one messages to contacts) to the person's session and the legacy network's handlers,
 * and turns what sessions report into stanzas. Protocol-neutral: it knows XMPP and the
 * {@link LegacyNetwork} API, nothing of IRC.
 *
 * Isolation: a handler that throws a {@link LegacyRefusal} becomes an XMPP error with its text;
 * anything else is logged and becomes `internal-server-error`. A stanza from someone who is not
 * registered, for a contact, gets `registration-required`. Error stanzas are never answered.
 */
import xml, { type Element } from '@xmpp/xml';
import type { AccountHooks } from '../core/account-hooks.js';
import { ALLOW_ALL_ROOM_HOOKS, type RoomHooks } from '../core/room-hooks.js';
import type { Logger } from '../core/log.js';
import type { ReconnectConfig } from '../core/reconnect.js';
import { bareJid } from '../networks/xmpp/jid.js';
import { LegacyRefusal, NotSupported, type ChatState, type ContactProfile, type GatewaySettings, type LegacyNetwork, type SessionEvents } from './api.js';
import type { Accounts } from './accounts.js';
import { Administration, DISABLED_STATUS } from './administration.js';
import { AccessGate } from './access-password.js';
import { ChatCommands } from './chat-commands.js';
import { Commands, type CommandHost, type FoundContact } from './commands.js';
import type { DisabledUsers } from './disabled-users.js';
import type { WatchedContacts } from './watched-contacts.js';
import type { KeptRooms } from './kept-rooms.js';
import { keepsRooms, withRoomPreferences } from './room-persistence.js';
import { contactKeyOf, contactLocalpart } from './contacts.js';
import { listContacts, recentContacts, SyncPacer } from './contact-list.js';
import { GroupChats } from './group-chats.js';
import type { RoomHistory } from './room-history.js';
import type { AnyEvent } from '../core/event.js';
import type { ComponentLink } from './link.js';
import type { LoginPacer } from './login-pacer.js';
import { Registrations, type RegistrationOutcome } from './registrations.js';
import { UserSession } from './session.js';
import { commandList } from './xmpp/adhoc.js';
import { contactInfo, domainInfo } from './xmpp/disco.js';
import { NS } from './xmpp/namespaces.js';
import { contactPresence, gatewayPresence, type SessionStatus } from './xmpp/presence.js';
import { readRegistrationSet, registrationQuery } from './xmpp/register.js';
import { chatMessage, errorReply, firstChild, iqResult, type ErrorCondition } from './xmpp/stanzas.js';
import { vcardOf } from './xmpp/vcard.js';
import { pingErrorShowsOnline } from './xmpp/ping-answer.js';
import { announcedPhoto, avatarOfVcard } from './xmpp/avatar.js';
import { fileAsText, offeredFile } from './xmpp/oob.js';

/** What a gateway is made of. */
export interface GatewayOptions {
  readonly domain: string;
  /** The gateway network's name. */
  readonly network: string;
  readonly log: Logger;
  /** The module callbacks at each step of an account's life. */
  readonly hooks: AccountHooks;
  /** The module callbacks of group chats (absent: everything allowed). */
  readonly roomHooks?: RoomHooks;
  readonly legacy: LegacyNetwork;
  readonly accounts: Accounts;
  readonly pacer: LoginPacer;
  readonly retry: ReconnectConfig;
  readonly loginTimeoutMs: number;
  readonly maxContacts: number;
  /** The longest body taken from a person's message (characters); longer ones are refused. */
  readonly maxBodyChars: number;
  /** Most registrations checked at once. */
  readonly maxConcurrentRegistrations: number;
  /** The domains whose people may register (empty: anyone's). */
  readonly allowedDomains: readonly string[];
  /** The administrators' bare JIDs (lower case). */
  readonly admins: readonly string[];
  /** Who an administrator disabled. */
  readonly disabled: DisabledUsers;
  /** The contacts each person watches, watched again at their next login. */
  readonly watched: WatchedContacts;
  /** The rooms each person is in, joined again at their next login. */
  readonly rooms: KeptRooms;
  /** How long the second step of a registration (a code, a QR code) may wait. */
  readonly stepTimeoutMs: number;
  /** The gateway's own password, asked for at registration (absent: only if a module checks it). Never logged. */
  readonly accessPassword?: string;
  /** The rooms' archive (history on join, MAM); absent: no room history. */
  readonly history?: RoomHistory;
  /** The modules' extra fields for what the archive serves (addFieldToUnsigned). */
  readonly unsignedFields?: (event: AnyEvent) => Promise<Record<string, unknown>>;
}

/** How long the network may take to confirm a new name. */
const SET_NAME_TIMEOUT_MS = 15_000;

/** Most contacts one search shows. */
const MAX_SEARCH_RESULTS = 50;

const CHAT_STATES: readonly ChatState[] = ['composing', 'paused', 'active', 'inactive'];

/** Most reactions taken from one message, and the longest one (characters: an emoji sequence). */
const MAX_REACTIONS = 20;
const MAX_REACTION_CHARS = 32;

/** How long the person's server may take to hand over their vCard (their avatar). */
const VCARD_TIMEOUT_MS = 10_000;

/** How long a resource kept in a room may take to answer the ping that tells it is still online. */
const PRESENT_TIMEOUT_MS = 5_000;

export class Gateway {
  readonly #sessions = new Map<string, UserSession>();
  readonly #registrations: Registrations;
  readonly #commands: Commands;
  readonly #chat: ChatCommands;
  readonly #admin: Administration;
  readonly #syncPacer = new SyncPacer();
  readonly #gate: AccessGate;
  readonly #groups: GroupChats;
  /** The legacy network's settings, with the gateway password's field when asked for. */
  readonly #settings: GatewaySettings;
  #link: ComponentLink | undefined;

  constructor(private readonly options: GatewayOptions) {
    const { log, legacy, accounts } = options;
    this.#gate = new AccessGate(options.hooks, options.accessPassword, log);
    this.#settings = this.#gate.settings(withRoomPreferences(legacy.settings));
    this.#groups = new GroupChats({
      domain: options.domain, network: options.network, log, enabled: legacy.settings.groups, hooks: options.roomHooks ?? ALLOW_ALL_ROOM_HOOKS, maxBodyChars: options.maxBodyChars, send: (stanza) => this.#send(stanza),
      kept: options.rooms, present: (resource) => this.#present(resource), keepsRooms: async (jid) => keepsRooms(await accounts.preferences(jid)),
      privateMessage: (message, session, nick) => {
        const canonical = session.legacy.contactKey(nick);
        if (canonical === undefined) return Promise.resolve(this.#send(errorReply(message, 'item-not-found', 'no such person on this network')));
        return this.#toContact(message, session, nick, canonical, String(message.attrs.to));
      },
      rename: (jid, nick) => this.#setName(jid, nick),
      ...(options.history === undefined ? {} : { history: options.history }), ...(options.unsignedFields === undefined ? {} : { unsignedFields: options.unsignedFields }),
    });
    options.history?.start();
    this.#registrations = new Registrations({
      log,
      legacy,
      accounts,
      hooks: options.hooks,
      validateTimeoutMs: options.loginTimeoutMs,
      maxConcurrent: options.maxConcurrentRegistrations,
      allowedDomains: options.allowedDomains,
      suspend: (jid) => this.#suspend(jid),
      registered: (jid, welcome) => this.#registered(jid, welcome),
      unregistered: (jid) => this.#unregistered(jid),
      stepTimeoutMs: options.stepTimeoutMs,
      tell: (jid, text) => this.#send(chatMessage(this.domain, jid, text)),
    });
    this.#admin = new Administration({
      accounts, disabled: options.disabled, hooks: options.hooks, log,
      state: (jid) => {
        const session = this.#sessions.get(jid);
        return session === undefined ? 'Logged out.' : describeStatus(session.status);
      },
      logOut: async (jid) => {
        const session = this.#sessions.get(jid);
        this.#sessions.delete(jid);
        await session?.close('disabled by an administrator');
        this.#send(gatewayPresence(this.domain, jid, { state: 'error', text: DISABLED_STATUS }));
      },
      logIn: async (jid) => {
        if (!this.#sessions.has(jid)) await this.#startSession(jid);
      },
    });
    const commandHost: CommandHost = {
      settings: this.#settings,
      isUser: (jid) => accounts.has(jid),
      register: (jid, values) => this.#register(jid, values, true),
      submitCode: (jid, code) => this.#registrations.submitCode(jid, code),
      cancelRegistration: (jid) => this.#registrations.cancel(jid),
      waitingStep: (jid) => this.#registrations.waitingStep(jid),
      unregister: async (jid) => {
        await this.#registrations.unregister(jid);
      },
      relogin: async (jid) => {
        const session = this.#sessions.get(jid);
        if (session === undefined) await this.#startSession(jid);
        else await session.relogin();
      },
      search: (jid, query) => this.#search(jid, query),
      isLoggedIn: (jid) => this.#sessions.get(jid)?.ready === true,
      contacts: (jid) => {
        const session = this.#sessions.get(jid);
        return session === undefined ? [] : listContacts(recentContacts(session.roster));
      },
      syncContacts: (jid) => this.#syncContacts(jid),
      rooms: (jid) => this.#groups.kept(jid),
      leaveRoom: async (jid, name) => {
        const session = this.#sessions.get(jid);
        return session?.ready === true ? this.#groups.leave(session, name) : 'You are not logged in right now; try again in a moment.';
      },
      setName: (jid, name) => this.#setName(jid, name),
      preferences: (jid) => accounts.preferences(jid),
      setPreferences: (jid, values) => this.#setPreferences(jid, values),
      isAdmin: (jid) => options.admins.includes(jid.toLowerCase()),
      listUsers: () => this.#admin.listUsers(),
      disableUser: (jid, by) => this.#admin.disable(jid, by),
      enableUser: (jid, by) => this.#admin.enable(jid, by),
    };
    this.#commands = new Commands(commandHost);
    this.#chat = new ChatCommands(commandHost);
  }

  get domain(): string {
    return this.options.domain;
  }

  /** The sessions (for health and tests). */
  sessions(): ReadonlyMap<string, UserSession> {
    return this.#sessions;
  }

  /** The component is (again) connected through `link`: every registered person is logged in (paced). */
  async attach(link: ComponentLink): Promise<void> {
    this.#link = link;
    for (const jid of await this.options.accounts.jids()) {
      const session = this.#sessions.get(jid);
      if (session === undefined) await this.#startSession(jid);
      else {
        this.#send(gatewayPresence(this.domain, jid, session.status));
        // Rooms a login could not rejoin while the link was down.
        if (session.ready) void this.#groups.rejoin(session).catch((error: unknown) => this.options.log.warn({ user: jid, err: error }, 'gateway: rejoining the rooms failed'));
      }
    }
  }

  /** The component link is gone: stanzas wait for the next one (sessions stay logged in). */
  detach(): void {
    this.#link = undefined;
  }

  /** Logs every session out. */
  async close(reason: string): Promise<void> {
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(sessions.map((s) => s.close(reason)));
    this.options.legacy.close?.();
    await Promise.all([this.options.watched.settled(), this.options.rooms.settled()]);
    await this.options.history?.stop();
  }

  /** Handles one stanza received by the component. Never throws. */
  handle(stanza: Element): void {
    if (stanza.attrs.type === 'error') return;
    this.#route(stanza).catch((error: unknown) => this.#fail(stanza, error));
  }

  // --- routing --------------------------------------------------------------------------

  async #route(stanza: Element): Promise<void> {
    const from = typeof stanza.attrs.from === 'string' ? bareJid(stanza.attrs.from) : '';
    const to = typeof stanza.attrs.to === 'string' ? bareJid(stanza.attrs.to) : '';
    if (from === '' || to === '') return;
    if (from.endsWith(`@${this.domain}`) || from === this.domain) return; // our own echoes
    const at = to.lastIndexOf('@');
    const local = at < 0 ? undefined : to.slice(0, at);
    // A room JID (the legacy session says which localparts name rooms): group-chats.ts.
    const session = local === undefined ? undefined : this.#sessions.get(from);
    const room = session === undefined || local === undefined ? undefined : this.#groups.roomKey(session, local);
    if (session !== undefined && room !== undefined) return this.#groups.route(stanza, session, room);
    if (local !== undefined && stanza.is('presence') && stanza.attrs.type === undefined && stanza.getChild('x', NS.muc) !== undefined) return this.#groups.notARoom(stanza, session !== undefined);
    if (stanza.is('iq')) return local === undefined ? this.#domainIq(stanza, from) : this.#contactIq(stanza, from, local);
    if (stanza.is('presence')) return local === undefined ? this.#domainPresence(stanza, from) : this.#contactPresence(stanza, from, local);
    if (stanza.is('message')) return local === undefined ? this.#domainMessage(stanza, from) : this.#contactMessage(stanza, from, local);
  }

  async #domainIq(iq: Element, from: string): Promise<void> {
    const type = iq.attrs.type;
    if (type !== 'get' && type !== 'set') return;
    const child = firstChild(iq);
    const xmlns = child?.attrs.xmlns;
    const settings = this.#settings;
    if (child === undefined) return this.#send(errorReply(iq, 'bad-request'));
    if (xmlns === NS.register && type === 'get') {
      const user = await this.options.accounts.user(from).catch(() => undefined);
      const current = user === undefined ? undefined : Object.fromEntries(Object.entries(user.data).filter((e): e is [string, string] => typeof e[1] === 'string'));
      return this.#send(iqResult(iq, registrationQuery(settings, current)));
    }
    if (xmlns === NS.register) {
      const request = readRegistrationSet(child, settings.registrationFields);
      if (request.kind === 'invalid') return this.#send(errorReply(iq, 'not-acceptable', request.reason));
      if (request.kind === 'remove') {
        const removed = await this.#registrations.unregister(from);
        return this.#send(removed ? iqResult(iq) : errorReply(iq, 'registration-required', 'you are not registered'));
      }
      await this.#register(from, request.values, false);
      return this.#send(iqResult(iq));
    }
    if (xmlns === NS.discoInfo && type === 'get') {
      if (child.attrs.node === NS.commands) return this.#send(iqResult(iq, xml('query', { xmlns: NS.discoInfo, node: NS.commands }, xml('identity', { category: 'automation', type: 'command-list' }))));
      if (child.attrs.node !== undefined) return this.#send(errorReply(iq, 'item-not-found'));
      return this.#send(iqResult(iq, domainInfo(settings)));
    }
    if (xmlns === NS.discoItems && type === 'get') {
      if (child.attrs.node === NS.commands) return this.#send(iqResult(iq, commandList(this.domain, await this.#commands.list(from))));
      return this.#send(iqResult(iq, await this.#groups.items(this.#sessions.get(from))));
    }
    if (xmlns === NS.commands && type === 'set') return this.#send(iqResult(iq, await this.#commands.run(from, child)));
    if (xmlns === NS.ping && type === 'get') return this.#send(iqResult(iq));
    return this.#send(errorReply(iq, 'service-unavailable'));
  }

  async #contactIq(iq: Element, from: string, local: string): Promise<void> {
    const type = iq.attrs.type;
    if (type !== 'get' && type !== 'set') return;
    const key = contactKeyOf(local);
    if (key === undefined) return this.#send(errorReply(iq, 'item-not-found'));
    const child = firstChild(iq);
    if (type === 'get' && child?.is('query', NS.discoInfo) === true && child.attrs.node === undefined) return this.#send(iqResult(iq, contactInfo(key, this.#settings.receipts === true)));
    if (type === 'get' && child?.is('ping', NS.ping) === true) return this.#send(iqResult(iq));
    if (type === 'get' && child?.is('vCard', NS.vcard) === true) {
      if (!this.#sessions.has(from)) return this.#send(errorReply(iq, 'registration-required', `register with ${this.domain} first`));
      return this.#send(iqResult(iq, vcardOf(await this.#profile(from, key))));
    }
    return this.#send(errorReply(iq, 'service-unavailable'));
  }

  async #domainPresence(presence: Element, from: string): Promise<void> {
    const type = presence.attrs.type;
    const session = this.#sessions.get(from);
    if (type === 'subscribe') {
      const user = await this.options.accounts.has(from);
      this.#send(xml('presence', { from: this.domain, to: from, type: user ? 'subscribed' : 'unsubscribed' }));
      if (user) this.#send(gatewayPresence(this.domain, from, session?.status ?? { state: 'logged-out' }));
      return;
    }
    if (type === 'probe') return this.#send(gatewayPresence(this.domain, from, session?.status ?? { state: 'logged-out' }));
    if (type === undefined && session !== undefined) {
      // The person's own availability, for the legacy network (away, busy, back).
      const show = presence.getChildText('show');
      const status = presence.getChildText('status')?.slice(0, 300) ?? undefined;
      const legacyShow = show === 'away' || show === 'xa' ? 'away' : show === 'dnd' ? 'busy' : 'online';
      this.#send(gatewayPresence(this.domain, from, session.status));
      if (session.ready) await session.legacy.onPresence?.(legacyShow, status);
      await this.#avatar(session, presence);
    }
  }

  async #contactPresence(presence: Element, from: string, local: string): Promise<void> {
    const type = presence.attrs.type;
    const session = this.#sessions.get(from);
    const key = contactKeyOf(local);
    if (session === undefined || key === undefined) {
      if (type === 'subscribe' || type === 'probe') this.#send(xml('presence', { from: presence.attrs.to, to: from, type: 'unsubscribed' }));
      return;
    }
    const canonical = session.legacy.contactKey(key);
    const contact = canonical === undefined ? undefined : session.roster.byKey(canonical, key);
    if (contact === undefined) return;
    if (type === 'subscribe') {
      this.#send(xml('presence', { from: contact.jid, to: from, type: 'subscribed' }));
      this.#watch(session, contact.key);
    }
    if (type === 'subscribe' || type === 'probe') this.#send(contactPresence(contact.jid, from, contact.show, contact.status));
    if (type === 'unsubscribe') {
      this.#send(xml('presence', { from: contact.jid, to: from, type: 'unsubscribed' }));
      this.#unwatch(session, contact.key);
    }
    if (type === 'subscribed' && session.ready) await session.legacy.onFriendAccept?.(contact.key);
  }

  async #domainMessage(message: Element, from: string): Promise<void> {
    const body = message.getChildText('body');
    if (body === null || message.attrs.type === 'groupchat') return;
    const session = this.#sessions.get(from);
    const state = session === undefined ? 'You are not registered.' : describeStatus(session.status);
    this.#send(chatMessage(this.domain, from, await this.#chat.run(from, body.slice(0, 500), state)));
  }

  async #contactMessage(message: Element, from: string, local: string): Promise<void> {
    if (message.attrs.type === 'groupchat') return;
    const session = this.#sessions.get(from);
    if (session === undefined) return this.#send(errorReply(message, 'registration-required', `register with ${this.domain} first`));
    const key = contactKeyOf(local);
    const canonical = key === undefined ? undefined : session.legacy.contactKey(key);
    if (key === undefined || canonical === undefined) return this.#send(errorReply(message, 'item-not-found', 'no such contact on this network'));
    return this.#toContact(message, session, key, canonical);
  }

  /**
   * A person's one-to-one message to the contact `canonical` (`key` as the person named it):
   * written to a contact JID, or privately to an occupant through a room (XEP-0045 §7.5,
   * group-chats.ts; `occupant` is then the occupant JID). Errors answer `message`, so they come
   * from the JID it was sent to; so does a receipt.
   */
  async #toContact(message: Element, session: UserSession, key: string, canonical: string, occupant?: string): Promise<void> {
    const text = message.getChildText('body');
    const file = offeredFile(message, text);
    // A file offered by link with no body is still a message.
    const body = text ?? (file === undefined ? null : file.url);
    const state = CHAT_STATES.find((s) => message.getChild(s, NS.chatStates) !== undefined);
    const retract = message.getChild('retract', NS.retract)?.attrs.id;
    const reactions = message.getChild('reactions', NS.reactions);
    if (typeof retract === 'string' || reactions !== undefined) return this.#retractOrReact(session, canonical, message, typeof retract === 'string' ? retract : undefined, reactions);
    if (body === null) {
      if (state !== undefined && session.ready) await session.legacy.onChatState?.(canonical, state);
      const displayed = message.getChild('displayed', NS.markers)?.attrs.id;
      const legacyId = typeof displayed === 'string' ? session.ids.toLegacy(displayed) : undefined;
      if (legacyId !== undefined && session.ready) await session.legacy.onDisplayed?.(canonical, legacyId);
      return;
    }
    if (!session.ready) return this.#send(errorReply(message, 'remote-server-timeout', `not connected yet (${describeStatus(session.status)}); try again in a moment`));
    if (body.length > this.options.maxBodyChars) return this.#send(errorReply(message, 'not-acceptable', `the message is too long (at most ${this.options.maxBodyChars} characters)`));
    session.roster.byKey(canonical, key);
    this.#watch(session, canonical);
    // A message accepted but lost on the way (the legacy connection dropped): an error on it, once.
    let reported = false;
    const undelivered = (reason: string): void => {
      if (reported) return;
      reported = true;
      this.#send(errorReply(message, 'recipient-unavailable', `not delivered: ${reason.slice(0, 300)}`));
    };
    const replace = message.getChild('replace', NS.correct)?.attrs.id;
    const legacyReplaced = typeof replace === 'string' ? session.ids.toLegacy(replace) : undefined;
    if (typeof replace === 'string') {
      if (session.legacy.onCorrect !== undefined && legacyReplaced !== undefined) return session.legacy.onCorrect(canonical, legacyReplaced, body);
      // Readable fallback: the corrected text as a new message, marked.
      await session.legacy.onText(canonical, `${body} (correction)`, { action: false, undelivered });
      return;
    }
    if (file !== undefined) {
      if (session.legacy.onFile !== undefined) await session.legacy.onFile(canonical, file);
      else await session.legacy.onText(canonical, fileAsText(file), { action: false, undelivered });
      return;
    }
    const action = body.startsWith('/me ');
    const legacyId = await session.legacy.onText(canonical, action ? body.slice(4) : body, { action, undelivered });
    session.ids.remember(typeof message.attrs.id === 'string' ? message.attrs.id : undefined, legacyId);
    this.#receipt(message, canonical, session, occupant);
  }

  /** The receipt (XEP-0184) of an accepted message that asked for one, when the settings say the gateway gives them. */
  #receipt(message: Element, key: string, session: UserSession, occupant?: string): void {
    const id = message.attrs.id;
    const from = message.attrs.from; // the sending client (full JID)
    if (this.#settings.receipts !== true || typeof id !== 'string' || message.getChild('request', NS.receipts) === undefined) return;
    const contact = session.roster.known(key);
    if (contact !== undefined) this.#send(xml('message', { from: occupant ?? contact.jid, to: from, id: `receipt-${id}`.slice(0, 200) }, xml('received', { xmlns: NS.receipts, id })));
  }

  /**
   * A retraction (XEP-0424) or reactions (XEP-0444) to one of the person's or the contact's
   * messages, by its XMPP id. Without `onRetract` the person is told the message stays (it was
   * delivered); without `onReact` the emojis go as text marked "(reaction)" (a withdrawal: nothing).
   */
  async #retractOrReact(session: UserSession, contact: string, message: Element, retract: string | undefined, reactions: Element | undefined): Promise<void> {
    if (!session.ready) return this.#send(errorReply(message, 'remote-server-timeout', `not connected yet (${describeStatus(session.status)}); try again in a moment`));
    const target = retract ?? reactions?.attrs.id;
    const legacyId = typeof target === 'string' ? session.ids.toLegacy(target) : undefined;
    if (retract !== undefined) {
      if (session.legacy.onRetract === undefined) throw new LegacyRefusal('retracting a message is not supported on this network: it was already delivered', 'feature-not-implemented');
      if (legacyId === undefined) throw new LegacyRefusal('that message is not known on this network', 'item-not-found');
      return session.legacy.onRetract(contact, legacyId);
    }
    const emojis = (reactions?.getChildren('reaction') ?? []).map((r) => r.text().trim()).filter((e) => e !== '' && e.length <= MAX_REACTION_CHARS).slice(0, MAX_REACTIONS);
    if (session.legacy.onReact !== undefined) {
      if (legacyId === undefined) throw new LegacyRefusal('that message is not known on this network', 'item-not-found');
      return session.legacy.onReact(contact, legacyId, emojis);
    }
    if (emojis.length > 0) await session.legacy.onText(contact, `${emojis.join(' ')} (reaction)`, { action: false });
  }

  /**
   * A contact search in `jid`'s session: the legacy network's results, at most
   * MAX_SEARCH_RESULTS, each shown only when the modules' checkUsernameForSpam lets it through.
   */
  async #search(jid: string, query: Readonly<Record<string, string>>): Promise<readonly FoundContact[]> {
    const session = this.#sessions.get(jid);
    if (session === undefined || !session.ready) throw new LegacyRefusal('not connected to the network right now; try again in a moment', 'remote-server-timeout');
    if (session.legacy.onSearch === undefined) throw new NotSupported('search');
    const results = (await session.legacy.onSearch(query)).slice(0, MAX_SEARCH_RESULTS);
    const found: FoundContact[] = [];
    for (const result of results) {
      const key = session.legacy.contactKey(result.id);
      const local = key === undefined ? undefined : contactLocalpart(key);
      if (local === undefined) continue;
      const contactJid = `${local}@${this.domain}`;
      if (await this.options.hooks.mayShowInSearch(contactJid, result.name)) found.push({ jid: contactJid, name: result.name, details: result.details });
    }
    return found;
  }

  /** The vCard of the contact `key` as `jid`'s session sees it (the legacy network's profile). */
  async #profile(jid: string, key: string): Promise<ContactProfile> {
    const session = this.#sessions.get(jid);
    if (session === undefined || !session.ready) throw new LegacyRefusal('not connected to the network right now; try again in a moment', 'remote-server-timeout');
    if (session.legacy.onProfile === undefined) throw new NotSupported('vCards');
    const canonical = session.legacy.contactKey(key);
    const profile = canonical === undefined ? undefined : await session.legacy.onProfile(canonical);
    if (profile === undefined) throw new LegacyRefusal('no such contact on this network', 'item-not-found');
    return profile;
  }

  /**
   * Announces `jid`'s contacts again (the sync-contacts command): a subscription request from
   * each (with its name, XEP-0172) and its presence, so a client that lost them adds them back.
   * At most one sync per person per SYNC_INTERVAL_MS, and MAX_LISTED_CONTACTS contacts.
   */
  async #syncContacts(jid: string): Promise<number> {
    const session = this.#sessions.get(jid);
    if (session === undefined || !session.ready) throw new LegacyRefusal('you are not logged in to the network right now; try again in a moment', 'remote-server-timeout');
    const wait = this.#syncPacer.wait(jid);
    if (wait > 0) throw new LegacyRefusal(`your contacts were synced a moment ago; try again in ${Math.ceil(wait / 1000)} s`, 'remote-server-timeout');
    const contacts = recentContacts(session.roster);
    for (const contact of contacts) {
      this.#send(xml('presence', { from: contact.jid, to: jid, type: 'subscribe' }, xml('nick', { xmlns: NS.nick }, contact.name)));
      this.#send(contactPresence(contact.jid, jid, contact.show, contact.status));
      this.#watch(session, contact.key);
    }
    this.options.log.info({ user: jid, contacts: contacts.length }, 'gateway: contacts synced');
    return contacts.length;
  }

  /** The `nick` command: the legacy network renames the person (bounded by SET_NAME_TIMEOUT_MS). */
  async #setName(jid: string, name: string): Promise<void> {
    const session = this.#sessions.get(jid);
    if (session === undefined || !session.ready) throw new LegacyRefusal('you are not logged in to the network right now; try again in a moment', 'remote-server-timeout');
    if (session.legacy.setName === undefined) throw new NotSupported('changing your name');
    const signal = AbortSignal.timeout(SET_NAME_TIMEOUT_MS);
    try {
      await session.legacy.setName(name, signal);
    } catch (error) {
      if (signal.aborted && !(error instanceof LegacyRefusal)) throw new LegacyRefusal('the network did not answer in time', 'remote-server-timeout');
      throw error;
    }
  }

  /**
   * The person's presence announced an avatar hash (XEP-0153) other than the last one handed
   * over: their vCard is fetched from their server and its photo (checked against the hash,
   * bounded) goes to the legacy network's `onAvatar`; '' (no avatar) hands undefined. Nothing
   * is fetched for a network without `onAvatar` (IRC), nor before the session is connected.
   */
  async #avatar(session: UserSession, presence: Element): Promise<void> {
    const hash = announcedPhoto(presence);
    const onAvatar = session.legacy.onAvatar?.bind(session.legacy);
    if (hash === undefined || onAvatar === undefined || !session.ready || hash === session.avatarHash) return;
    session.avatarHash = hash;
    if (hash === '') return onAvatar(undefined);
    const link = this.#link;
    if (link === undefined) return;
    const result = await link.request(xml('iq', { type: 'get', from: this.domain, to: session.jid }, xml('vCard', { xmlns: NS.vcard })), VCARD_TIMEOUT_MS).catch((error: unknown) => {
      this.options.log.info({ user: session.jid, reason: (error as Error).message }, 'gateway: the person\'s vCard could not be fetched (avatar)');
      return undefined;
    });
    const avatar = avatarOfVcard(result?.getChild('vCard', NS.vcard), hash);
    if (avatar === undefined) {
      if (result !== undefined) this.options.log.info({ user: session.jid }, 'gateway: the person\'s vCard photo is missing, too large or not the announced one');
      session.avatarHash = undefined; // a later presence may try again
      return;
    }
    await onAvatar(avatar);
  }

  /** Stores `jid`'s preferences, hands them to their session and tells the modules (onAccountDataUpdated). */
  async #setPreferences(jid: string, values: Readonly<Record<string, string>>): Promise<void> {
    if (!(await this.options.accounts.setPreferences(jid, values))) throw new LegacyRefusal('you are not registered', 'not-authorized');
    this.#sessions.get(jid)?.legacy.onPreferences?.(values);
    await this.options.hooks.preferencesUpdated(jid, values);
  }

  // --- administration ------------------------------------------------------------------------

  /**
   * A registration, refused while `jid` is disabled. `twoStep`: the way it came can take a second
   * step (the ad-hoc command, not XEP-0077, which is refused up front for a two-step network).
   */
  async #register(jid: string, values: Readonly<Record<string, string>>, twoStep: boolean): Promise<RegistrationOutcome> {
    if (await this.options.disabled.isDisabled(jid)) throw new LegacyRefusal('your account is disabled by an administrator', 'forbidden');
    const { settings } = this.options.legacy;
    if (!twoStep && settings.registrationType !== 'single-step-form') {
      throw new LegacyRefusal(`${settings.name} needs a second step (${settings.registrationType === 'qr-code' ? 'a QR code' : 'a code'}): register with the ad-hoc command "Register" instead`, 'not-acceptable');
    }
    return this.#registrations.register(jid, await this.#gate.check(jid, values), { twoStep });
  }

  // --- sessions ---------------------------------------------------------------------------

  async #startSession(jid: string): Promise<void> {
    if (await this.options.disabled.isDisabled(jid)) {
      this.#send(gatewayPresence(this.domain, jid, { state: 'error', text: DISABLED_STATUS }));
      return;
    }
    let user;
    try {
      user = await this.options.accounts.user(jid);
    } catch (error) {
      this.options.log.warn({ user: jid, reason: (error as Error).message }, 'gateway: the stored credentials do not open; the person must register again');
      this.#send(gatewayPresence(this.domain, jid, { state: 'error', text: 'Your stored credentials cannot be read: register again' }));
      return;
    }
    if (user === undefined) return;
    const watched = await this.options.watched.load(jid).catch((error: unknown) => {
      this.options.log.warn({ user: jid, err: error }, 'gateway: the stored contacts cannot be read');
      return [];
    });
    if (this.#sessions.has(jid)) return; // started meanwhile
    const { legacy, log } = this.options;
    const session = new UserSession(user, {
      log,
      pacer: this.options.pacer,
      retry: this.options.retry,
      domain: this.domain,
      network: this.options.network,
      hooks: this.options.hooks,
      maxContacts: this.options.maxContacts,
      loginTimeoutMs: this.options.loginTimeoutMs,
      status: (who, status, changed) => {
        // Logged out (closed, unregistered, disabled): out of every room, told so.
        if (status.state === 'logged-out') this.#groups.drop(session, 'logged out of the network');
        // (Again) connected: the rooms the person was in are joined again.
        if (status.state === 'connected' && changed) void this.#groups.rejoin(session).catch((error: unknown) => log.warn({ user: who, err: error }, 'gateway: rejoining the rooms failed'));
        this.#statusChanged(who, status, changed);
      },
    }, (events) => legacy.createSession(user, events), (s) => this.#events(s));
    this.#sessions.set(jid, session);
    // The contacts watched before (a restart): watched again from the first login.
    for (const key of watched) {
      const contact = session.roster.byKey(key);
      if (contact === undefined || contact.watched) continue;
      contact.watched = true;
      session.legacy.watch?.(key);
    }
    session.start();
  }

  async #suspend(jid: string): Promise<() => Promise<void>> {
    const session = this.#sessions.get(jid);
    if (session === undefined) return async () => undefined;
    this.#sessions.delete(jid);
    await session.close('changing the registration');
    return async () => {
      if (!this.#sessions.has(jid)) await this.#startSession(jid);
    };
  }

  async #registered(jid: string, welcome: boolean): Promise<void> {
    await this.#sessions.get(jid)?.close('registration changed');
    this.#sessions.delete(jid);
    this.#send(xml('presence', { from: this.domain, to: jid, type: 'subscribe' }));
    if (welcome) this.#send(chatMessage(this.domain, jid, this.options.legacy.settings.welcomeMessage));
    await this.#startSession(jid);
  }

  async #unregistered(jid: string): Promise<void> {
    const session = this.#sessions.get(jid);
    this.#sessions.delete(jid);
    await Promise.all([this.options.watched.remove(jid), this.options.rooms.remove(jid)]);
    await this.options.history?.removeOwner(jid);
    if (session !== undefined) {
      await session.close('unregistered');
      for (const contact of session.roster.all()) this.#send(xml('presence', { from: contact.jid, to: jid, type: 'unavailable' }));
    }
    this.#send(xml('presence', { from: this.domain, to: jid, type: 'unavailable' }));
    this.#send(xml('presence', { from: this.domain, to: jid, type: 'unsubscribed' }));
  }

  /** Whether the person's resource `resource` is online: it answers a ping (XEP-0199) in time, or refuses it itself (ping-answer.ts); undefined without a link. Never rejects. */
  async #present(resource: string): Promise<boolean | undefined> {
    const link = this.#link;
    if (link === undefined) return undefined;
    return link.request(xml('iq', { type: 'get', from: this.domain, to: resource }, xml('ping', { xmlns: NS.ping })), PRESENT_TIMEOUT_MS).then(() => true, pingErrorShowsOnline);
  }

  #statusChanged(jid: string, status: SessionStatus, changed: boolean): void {
    if (!changed) return;
    this.#send(gatewayPresence(this.domain, jid, status));
    if (status.state === 'error') this.#send(chatMessage(this.domain, jid, status.text));
  }

  /** What `session`'s legacy side reports, as stanzas to its person. */
  #events(session: UserSession): SessionEvents {
    const contactOf = (id: string, name?: string) => {
      const key = session.legacy.contactKey(id);
      return key === undefined ? undefined : session.roster.byKey(key, name ?? id);
    };
    return {
      text: (id, text, options = {}) => {
        const contact = contactOf(id, options.name);
        if (contact === undefined) return;
        if (options.name !== undefined) contact.name = options.name;
        const body = options.action === true ? `/me ${text}` : text;
        const messageId = session.ids.toXmpp(options.legacyId);
        this.#send(chatMessage(contact.jid, session.jid, body, { nick: contact.name, ...(messageId === undefined ? {} : { id: messageId }) }));
      },
      friendRequest: (id, options = {}) => {
        const contact = contactOf(id, options.name);
        if (contact === undefined) return;
        if (options.name !== undefined) contact.name = options.name.slice(0, 200);
        const text = options.text?.replace(/\p{Cc}/gu, ' ').slice(0, 300);
        this.#send(xml('presence', { from: contact.jid, to: session.jid, type: 'subscribe' }, xml('nick', { xmlns: NS.nick }, contact.name), text === undefined ? null : xml('status', {}, text)));
      },
      chatState: (id, state) => {
        const contact = contactOf(id);
        if (contact !== undefined) this.#send(xml('message', { type: 'chat', from: contact.jid, to: session.jid }, xml(state, { xmlns: NS.chatStates })));
      },
      presence: (id, show, options = {}) => {
        const contact = contactOf(id, options.name);
        if (contact === undefined || (contact.show === show && contact.status === options.status)) return;
        contact.show = show;
        contact.status = options.status;
        if (options.name !== undefined) contact.name = options.name;
        this.#send(contactPresence(contact.jid, session.jid, show, options.status));
      },
      profile: (profile, status) => {
        if (status !== undefined) session.renamed(status.replace(/\p{Cc}/gu, ' ').slice(0, 200));
        const update = {
          ...(profile.displayName === undefined ? {} : { displayName: profile.displayName.slice(0, 200) }),
          ...(profile.avatarUrl === undefined ? {} : { avatarUrl: profile.avatarUrl.slice(0, 2000) }),
        };
        this.options.log.info({ user: session.jid }, 'gateway: the person\'s profile on the network changed');
        this.options.hooks.profileUpdated(session.jid, update).catch((error: unknown) => this.options.log.warn({ user: session.jid, err: error }, 'gateway: onProfileUpdate failed'));
      },
      room: (key, event) => this.#groups.event(session, key, event),
      lost: (reason, fatal) => {
        this.#groups.drop(session, reason);
        for (const contact of session.roster.all()) {
          if (contact.show !== 'offline') this.#send(contactPresence(contact.jid, session.jid, 'offline'));
          contact.show = 'offline';
        }
        session.lost(reason, fatal);
      },
    };
  }

  #watch(session: UserSession, key: string): void {
    const contact = session.roster.known(key);
    if (contact === undefined || contact.watched) return;
    contact.watched = true;
    session.legacy.watch?.(key);
    void this.options.watched.add(session.jid, key);
  }

  #unwatch(session: UserSession, key: string): void {
    const contact = session.roster.known(key);
    if (contact !== undefined) contact.watched = false;
    session.legacy.unwatch?.(key);
    void this.options.watched.drop(session.jid, key);
  }

  // --- output -----------------------------------------------------------------------------

  #send(stanza: Element): void {
    if (stanza.attrs.from === undefined) stanza.attrs.from = this.domain;
    this.#link?.send(stanza);
  }

  #fail(stanza: Element, error: unknown): void {
    let condition: ErrorCondition = 'internal-server-error';
    let text = 'internal error';
    if (error instanceof LegacyRefusal) {
      condition = error.condition;
      text = error.message;
    } else {
      this.options.log.warn({ err: error, stanza: stanza.name }, 'gateway: a handler failed');
    }
    if (error instanceof NotSupported) condition = 'feature-not-implemented';
    if (stanza.is('presence')) return;
    this.#send(errorReply(stanza, condition, text));
  }
}

/** A session's state in words. */
function describeStatus(status: SessionStatus): string {
  switch (status.state) {
    case 'logging-in':
      return 'Logging in…';
    case 'connected':
    case 'error':
      return status.text;
    case 'logged-out':
      return 'Logged out.';
  }
}
