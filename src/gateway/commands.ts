/**
 * The ad-hoc commands (XEP-0050) of the gateway: register (with the code stage of a two-factor
 * registration), search and preferences (forms), contacts, unregister, re-login and the admin
 * commands, each offered to whom may run it (slidge's access levels: ANY for register, USER,
 * logged-in USER for the contacts, ADMIN). Command sessions are bounded in number and time. The
 * same operations as chat messages: chat-commands.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import { LegacyRefusal, type FormField, type GatewaySettings } from './api.js';
import { commandCancelled, commandDone, commandForm, commandResult, readCommand, type CommandInfo } from './xmpp/adhoc.js';
import { buildForm, buildResult, readSubmission } from './xmpp/forms.js';
import type { CodeOutcome, RegistrationOutcome } from './registrations.js';
import type { ContactListing } from './contact-list.js';

/**
 * Who may run a command (slidge's access levels): anyone, registered people, registered people
 * whose session is logged in, the configured admins.
 */
type Access = 'any' | 'user' | 'logged-in' | 'admin';

interface CommandSpec extends CommandInfo {
  readonly access: Access;
}

const COMMANDS: readonly CommandSpec[] = [
  { node: 'register', name: 'Register', access: 'any' },
  { node: 'unregister', name: 'Unregister', access: 'user' },
  { node: 're-login', name: 'Log in again', access: 'user' },
  { node: 'search', name: 'Search for contacts', access: 'user' },
  { node: 'preferences', name: 'Preferences', access: 'user' },
  { node: 'contacts', name: 'List contacts', access: 'logged-in' },
  { node: 'sync-contacts', name: 'Sync contacts', access: 'logged-in' },
  { node: 'rooms', name: 'List rooms', access: 'user' },
  { node: 'leave-room', name: 'Leave a room', access: 'user' },
  { node: 'list-users', name: 'List registered users', access: 'admin' },
  { node: 'disable-user', name: 'Disable a user', access: 'admin' },
  { node: 'enable-user', name: 'Enable a disabled user', access: 'admin' },
];

/** The columns of the contact list. */
const CONTACT_COLUMNS = [{ var: 'jid', label: 'JID' }, { var: 'name', label: 'Name' }, { var: 'presence', label: 'Presence' }];
const ROOM_COLUMNS = [{ var: 'jid', label: 'JID' }, { var: 'name', label: 'Name' }];

/** What a sync says (the ad-hoc and the chat command). */
export function syncNote(count: number): string {
  return count === 0 ? 'You have no contacts yet.' : `${count} ${count === 1 ? 'contact was' : 'contacts were'} announced again: your client may ask you to accept them.`;
}

/** The second stage of a two-factor registration. */
const CODE_FIELDS: readonly FormField[] = [{ var: 'code', label: 'Code', type: 'text-single', required: true }];

/** The form of disable-user and enable-user. */
const USER_FIELDS: readonly FormField[] = [{ var: 'jid', label: 'The user\'s bare JID', type: 'text-single', required: true }];

/** One registered person, as an admin sees them. */
/** A room a person is in, as the `rooms` command lists it. */
export interface RoomListing {
  /** The legacy room key (`#lobby`). */
  readonly name: string;
  /** The room's bare JID. */
  readonly jid: string;
}

export interface UserListing {
  readonly jid: string;
  /** The legacy nick or login (the registration data's first text value). */
  readonly login: string;
  /** Their session's state in words, or "Disabled". */
  readonly state: string;
}

/** A contact found by a search, as the person sees it. */
export interface FoundContact {
  /** Its JID on the gateway. */
  readonly jid: string;
  readonly name: string;
  readonly details: Readonly<Record<string, string>>;
}

/** The operations behind the commands. */
export interface CommandHost {
  readonly settings: GatewaySettings;
  isUser(jid: string): Promise<boolean>;
  /** Registers `jid` (the ad-hoc command): done, or the second step the legacy network asks for. */
  register(jid: string, values: Readonly<Record<string, string>>): Promise<RegistrationOutcome>;
  /** `jid`'s code for a registration waiting for one (Registrations.submitCode). */
  submitCode(jid: string, code: string): Promise<CodeOutcome>;
  /** Abandons `jid`'s registration under way; false when there is none. */
  cancelRegistration(jid: string): Promise<boolean>;
  /** The second step `jid`'s registration waits for, if any. */
  waitingStep(jid: string): 'code' | 'qr' | undefined;
  unregister(jid: string): Promise<void>;
  relogin(jid: string): Promise<void>;
  preferences(jid: string): Promise<Readonly<Record<string, string>>>;
  setPreferences(jid: string, values: Readonly<Record<string, string>>): Promise<void>;
  isAdmin(jid: string): boolean;
  listUsers(): Promise<readonly UserListing[]>;
  /** Disables `jid` (by the admin `by`): a LegacyRefusal when not registered or a module refuses. */
  disableUser(jid: string, by: string): Promise<void>;
  enableUser(jid: string, by: string): Promise<void>;
  /** Whether `jid`'s session is logged in (the `logged-in` access level). */
  isLoggedIn(jid: string): boolean;
  /** `jid`'s contacts with their presence (most recently used first, bounded). */
  contacts(jid: string): readonly ContactListing[];
  /** The rooms `jid` is in (kept across restarts), with their JIDs: the bookmarks fallback. */
  rooms(jid: string): Promise<readonly RoomListing[]>;
  /** `jid` leaves the room `name` for good (the `leave` chat command); answers what was done, in words. */
  leaveRoom(jid: string, name: string): Promise<string>;
  /** `jid` asks to be known as `name` on the network; a LegacyRefusal says why not. */
  setName(jid: string, name: string): Promise<void>;
  /** Announces `jid`'s contacts again (subscription requests and presences); resolves with how many. */
  syncContacts(jid: string): Promise<number>;
  /** The contacts matching `query` that the modules let the person see. */
  search(jid: string, query: Readonly<Record<string, string>>): Promise<readonly FoundContact[]>;
}

/** An ad-hoc command waiting for its next form; `stage` 'code': a registration's code. */
interface CommandSession {
  readonly jid: string;
  readonly node: string;
  readonly expires: number;
  readonly stage?: 'code';
}

/** Most command sessions open at once, and how long one may wait for its form. */
const MAX_SESSIONS = 1000;
const SESSION_TTL_MS = 10 * 60_000;

export class Commands {
  readonly #sessions = new Map<string, CommandSession>();

  constructor(private readonly host: CommandHost) {}

  /** The commands `jid` may run. */
  async list(jid: string): Promise<CommandInfo[]> {
    const user = await this.host.isUser(jid);
    const admin = this.host.isAdmin(jid);
    const loggedIn = user && this.host.isLoggedIn(jid);
    return COMMANDS.filter((c) => c.access === 'any' || (c.access === 'user' && user) || (c.access === 'logged-in' && loggedIn) || (c.access === 'admin' && admin));
  }

  /** The reply payload to a `<command>` from `jid`; throws a LegacyRefusal for a refused one. */
  async run(jid: string, command: Element): Promise<Element> {
    const request = readCommand(command);
    if (request === undefined) throw new LegacyRefusal('malformed command', 'bad-request');
    const spec = COMMANDS.find((c) => c.node === request.node);
    if (spec === undefined) throw new LegacyRefusal(`no command ${request.node}`, 'item-not-found');
    if (spec.access === 'user' && !(await this.host.isUser(jid))) throw new LegacyRefusal('you are not registered', 'not-authorized');
    if (spec.access === 'admin' && !this.host.isAdmin(jid)) throw new LegacyRefusal('only the gateway\'s administrators may do this', 'forbidden');
    if (spec.access === 'logged-in' && !(await this.host.isUser(jid))) throw new LegacyRefusal('you are not registered', 'not-authorized');
    if (spec.access === 'logged-in' && !this.host.isLoggedIn(jid)) throw new LegacyRefusal('you are not logged in to the network right now; try again in a moment', 'remote-server-timeout');
    this.#expire();
    if (request.sessionId !== undefined && request.action === 'cancel') {
      const session = this.#sessions.get(request.sessionId);
      this.#sessions.delete(request.sessionId);
      if (session?.jid === jid && session.stage === 'code') await this.host.cancelRegistration(jid);
      return commandCancelled(spec.node, request.sessionId);
    }
    switch (spec.node) {
      case 'register':
        return this.#register(jid, request.sessionId, request.form);
      case 'search':
        return this.#search(jid, request.sessionId, request.form);
      case 'preferences': {
        const { settings } = this.host;
        if (settings.preferences.length === 0) throw new LegacyRefusal('this network has no preferences', 'feature-not-implemented');
        const current = await this.host.preferences(jid);
        const step = this.#formStep(jid, spec.node, request.sessionId, request.form, settings.preferences, `Preferences for ${settings.name}`, 'Change any of these; they apply at once.', current);
        if (step.kind === 'reply') return step.reply;
        await this.host.setPreferences(jid, step.values);
        return commandDone(spec.node, step.sessionId, 'Your preferences are saved.');
      }
      case 'contacts': {
        const contacts = this.host.contacts(jid);
        return commandResult(spec.node, randomUUID(), buildResult(CONTACT_COLUMNS, contacts.map((c) => ({ ...c })), `${contacts.length} contacts`));
      }
      case 'rooms': {
        const rooms = await this.host.rooms(jid);
        return commandResult(spec.node, randomUUID(), buildResult(ROOM_COLUMNS, rooms.map((r) => ({ ...r })), `${rooms.length} rooms (joined again after a restart)`));
      }
      case 'leave-room': {
        // Leaves for good, whatever the keepRooms preference (room-persistence.ts).
        const rooms = await this.host.rooms(jid);
        if (rooms.length === 0 && request.form === undefined) return commandDone(spec.node, randomUUID(), 'You are in no rooms.');
        const fields: FormField[] = [{ var: 'room', label: 'Room', type: 'list-single', required: true, options: rooms.map((r) => ({ label: `${r.name} (${r.jid})`, value: r.name })) }];
        const step = this.#formStep(jid, spec.node, request.sessionId, request.form, fields, spec.name, 'The gateway parts the channel and forgets it, from all your devices.');
        if (step.kind === 'reply') return step.reply;
        return commandDone(spec.node, step.sessionId, await this.host.leaveRoom(jid, step.values.room ?? ''));
      }
      case 'sync-contacts': {
        const count = await this.host.syncContacts(jid);
        return commandDone(spec.node, randomUUID(), syncNote(count));
      }
      case 'list-users': {
        const users = await this.host.listUsers();
        const columns = [{ var: 'jid', label: 'JID' }, { var: 'login', label: 'Login' }, { var: 'state', label: 'State' }];
        return commandResult(spec.node, randomUUID(), buildResult(columns, users.map((u) => ({ ...u })), `${users.length} registered`));
      }
      case 'disable-user':
      case 'enable-user': {
        const disable = spec.node === 'disable-user';
        const step = this.#formStep(jid, spec.node, request.sessionId, request.form, USER_FIELDS, spec.name, disable ? 'They are logged out and cannot log in until enabled.' : 'They are logged in again.');
        if (step.kind === 'reply') return step.reply;
        const target = (step.values.jid ?? '').toLowerCase();
        if (disable) await this.host.disableUser(target, jid);
        else await this.host.enableUser(target, jid);
        return commandDone(spec.node, step.sessionId, `${target} is ${disable ? 'disabled' : 'enabled'}.`);
      }
      case 'unregister':
        await this.host.unregister(jid);
        return commandDone(spec.node, randomUUID(), `You are no longer registered with ${this.host.settings.name}; your credentials were removed.`);
      default:
        await this.host.relogin(jid);
        return commandDone(spec.node, randomUUID(), 'Logging in again…');
    }
  }

  /**
   * Register: the form, then (two-step networks) the code form until the code is right, or a note
   * that the QR code was sent in a message and the gateway waits for its confirmation.
   */
  async #register(jid: string, sessionId: string | undefined, form: Element | undefined): Promise<Element> {
    const { settings } = this.host;
    const current = sessionId === undefined ? undefined : this.#sessions.get(sessionId);
    if (sessionId !== undefined && current?.jid === jid && current.node === 'register' && current.stage === 'code' && form !== undefined) {
      return this.#registerCode(jid, sessionId, form);
    }
    const twoStep = settings.registrationType !== 'single-step-form';
    const step = this.#formStep(jid, 'register', sessionId, form, settings.registrationFields, `Register with ${settings.name}`, settings.registrationInstructions, undefined, twoStep ? 'next' : 'complete');
    if (step.kind === 'reply') return step.reply;
    const outcome = await this.host.register(jid, step.values);
    if (outcome.kind === 'done') return commandDone('register', step.sessionId, settings.welcomeMessage);
    if (outcome.kind === 'qr') return commandDone('register', step.sessionId, `${outcome.instructions} The QR code's text was sent to you in a message; you will get a message once it is confirmed.`);
    return this.#codeForm(jid, step.sessionId, outcome.instructions);
  }

  /** The code stage of Register: done, the form again after a wrong code, or the refusal. */
  async #registerCode(jid: string, sessionId: string, form: Element): Promise<Element> {
    this.#sessions.delete(sessionId);
    const submitted = readSubmission(form, CODE_FIELDS);
    if (!submitted.ok) {
      await this.host.cancelRegistration(jid);
      if (submitted.cancelled === true) return commandCancelled('register', sessionId);
      throw new LegacyRefusal(submitted.reason, 'bad-request');
    }
    const outcome = await this.host.submitCode(jid, submitted.values.code ?? '');
    if (outcome.kind === 'done') return commandDone('register', sessionId, this.host.settings.welcomeMessage);
    return this.#codeForm(jid, sessionId, 'Type the code again.', `${outcome.reason} (${outcome.remaining} ${outcome.remaining === 1 ? 'try' : 'tries'} left)`);
  }

  /** The code form (the last stage of a two-factor registration). */
  #codeForm(jid: string, sessionId: string, instructions: string, note?: string): Element {
    this.#sessions.set(sessionId, { jid, node: 'register', expires: Date.now() + SESSION_TTL_MS, stage: 'code' });
    const form = buildForm(CODE_FIELDS, { title: `Register with ${this.host.settings.name}`, instructions });
    return commandForm('register', sessionId, form, note === undefined ? {} : { note });
  }

  async #search(jid: string, sessionId: string | undefined, form: Element | undefined): Promise<Element> {
    const { settings } = this.host;
    if (settings.searchFields.length === 0) throw new LegacyRefusal('search is not supported on this network', 'feature-not-implemented');
    const step = this.#formStep(jid, 'search', sessionId, form, settings.searchFields, `Search ${settings.name}`, 'Who are you looking for?');
    if (step.kind === 'reply') return step.reply;
    const found = await this.host.search(jid, step.values);
    const columns = [{ var: 'jid', label: 'JID' }, ...settings.searchColumns];
    return commandResult('search', step.sessionId, buildResult(columns, found.map((c) => ({ ...c.details, jid: c.jid })), `${found.length} found`));
  }

  /**
   * A command that asks for a form: the first request (or one that does not continue a session
   * of `jid`'s for `node`) gets the form; the submission gets its checked values.
   */
  #formStep(
    jid: string, node: string, sessionId: string | undefined, form: Element | undefined, fields: readonly FormField[], title: string, instructions: string,
    values?: Readonly<Record<string, string>>, action: 'complete' | 'next' = 'complete',
  ): { readonly kind: 'reply'; readonly reply: Element } | { readonly kind: 'values'; readonly sessionId: string; readonly values: Readonly<Record<string, string>> } {
    const session = sessionId === undefined ? undefined : this.#sessions.get(sessionId);
    if (sessionId === undefined || session === undefined || session.jid !== jid || session.node !== node || form === undefined) {
      if (this.#sessions.size >= MAX_SESSIONS) throw new LegacyRefusal('too many commands under way; try again later', 'remote-server-timeout');
      const id = randomUUID();
      this.#sessions.set(id, { jid, node, expires: Date.now() + SESSION_TTL_MS });
      return { kind: 'reply', reply: commandForm(node, id, buildForm(fields, { title, instructions, ...(values === undefined ? {} : { values }) }), { action }) };
    }
    this.#sessions.delete(sessionId);
    const submitted = readSubmission(form, fields);
    if (!submitted.ok) {
      if (submitted.cancelled === true) return { kind: 'reply', reply: commandCancelled(node, sessionId) };
      throw new LegacyRefusal(submitted.reason, 'bad-request');
    }
    return { kind: 'values', sessionId, values: submitted.values };
  }

  #expire(): void {
    const now = Date.now();
    for (const [id, session] of this.#sessions) if (session.expires < now) this.#sessions.delete(id);
  }
}
