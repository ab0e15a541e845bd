/**
 * The gateway's commands as chat messages to the gateway JID: the same operations as the ad-hoc
 * commands (commands.ts) with the same access levels (anyone, registered, logged-in, admin),
 * answered as text. Register needs a form, so `register` points to it; the second step of a
 * registration is answered here (`code`, `cancel`). A refusal of an operation (a
 * {@link LegacyRefusal}) propagates: the gateway answers with an error carrying its words.
 */
import { isBareJid } from '../networks/xmpp/jid.js';
import { LegacyRefusal } from './api.js';
import { syncNote, type CommandHost, type FoundContact, type RoomListing } from './commands.js';
import { buildSubmission, readSubmission } from './xmpp/forms.js';

/** Most lines of a chat answer listing users or contacts (the ad-hoc commands show more). */
const MAX_CHAT_LINES = 200;

const NOT_REGISTERED = 'You are not registered.';
const ADMINS_ONLY = 'Only the gateway\'s administrators may do this.';

/** The boolean words `set` accepts. */
const BOOLEAN_WORDS: Readonly<Record<string, string>> = { true: 'true', on: 'true', yes: 'true', 1: 'true', false: 'false', off: 'false', no: 'false', 0: 'false' };

export class ChatCommands {
  constructor(private readonly host: CommandHost) {}

  /** The reply to `text` from `jid`; `status` is their session's state in words. */
  async run(jid: string, text: string, status: string): Promise<string> {
    const [first = '', ...rest] = text.trim().split(/\s+/);
    const word = first.toLowerCase();
    const argument = rest.join(' ');
    const user = await this.host.isUser(jid);
    const admin = this.host.isAdmin(jid);
    switch (word) {
      case 'code': {
        if (this.host.waitingStep(jid) !== 'code') return 'No registration is waiting for a code. Register first (the ad-hoc command "Register").';
        const outcome = await this.host.submitCode(jid, argument);
        if (outcome.kind === 'done') return this.host.settings.welcomeMessage;
        return `${outcome.reason}: send "code <the code>" again (${outcome.remaining} ${outcome.remaining === 1 ? 'try' : 'tries'} left).`;
      }
      case 'cancel':
        return (await this.host.cancelRegistration(jid)) ? 'Your registration was cancelled.' : 'No registration is under way.';
      case 'register':
        return 'Register with your client\'s "Register" ad-hoc command or its registration dialog (service discovery of this gateway): it asks for your nick and password.';
      case 'status':
        return status;
      case 're-login':
      case 'relogin':
        if (!user) return NOT_REGISTERED;
        await this.host.relogin(jid);
        return 'Logging in again…';
      case 'search':
        if (!user) return NOT_REGISTERED;
        return this.#search(jid, argument);
      case 'contacts':
      case 'sync':
        if (!user) return NOT_REGISTERED;
        if (!this.host.isLoggedIn(jid)) return `You are not logged in right now (${status}).`;
        if (word === 'sync' || rest[0]?.toLowerCase() === 'sync') return syncNote(await this.host.syncContacts(jid));
        return this.#contacts(jid);
      case 'leave':
        if (!user) return NOT_REGISTERED;
        if (argument === '') return 'Usage: leave <channel> (its name, #lobby, or its room JID)';
        return this.host.leaveRoom(jid, argument);
      case 'rooms':
        if (!user) return NOT_REGISTERED;
        return roomList(await this.host.rooms(jid));
      case 'nick':
        if (!user) return NOT_REGISTERED;
        if (!this.host.isLoggedIn(jid)) return `You are not logged in right now (${status}).`;
        if (argument === '' || argument.length > 100) return 'Usage: nick <new name>';
        await this.host.setName(jid, argument);
        return `You are now known as ${argument} (until you log in again: your registration keeps its name).`;
      case 'prefs':
      case 'preferences':
        if (!user) return NOT_REGISTERED;
        return this.#preferences(jid);
      case 'set':
        if (!user) return NOT_REGISTERED;
        return this.#set(jid, rest[0] ?? '', rest.slice(1).join(' '));
      case 'unregister':
        if (!user) return NOT_REGISTERED;
        await this.host.unregister(jid);
        return `You are no longer registered with ${this.host.settings.name}; your credentials were removed.`;
      case 'users':
        if (!admin) return ADMINS_ONLY;
        return this.#users();
      case 'disable':
      case 'enable': {
        if (!admin) return ADMINS_ONLY;
        const target = argument.toLowerCase();
        if (!isBareJid(target)) return `Usage: ${word} <bare JID> (user@domain)`;
        if (word === 'disable') await this.host.disableUser(target, jid);
        else await this.host.enableUser(target, jid);
        return `${target} is ${word}d.`;
      }
      default:
        return this.#help(status, user, admin);
    }
  }

  #help(status: string, user: boolean, admin: boolean): string {
    const commands = user
      ? 'status, contacts, contacts sync, rooms, leave <channel>, search <nick>, nick <new name>, prefs, set <preference> <value>, re-login, unregister'
      : 'register, code <code>, cancel, status';
    const adminCommands = admin ? ' Admin: users, disable <jid>, enable <jid>.' : '';
    return `${this.host.settings.name}. ${status} Commands (also as ad-hoc commands): ${commands}, help.${adminCommands}`;
  }

  /** `search <text>`: the text is the value of the first search field. */
  async #search(jid: string, text: string): Promise<string> {
    const { settings } = this.host;
    const field = settings.searchFields[0];
    if (field === undefined) return 'Search is not supported on this network.';
    if (text === '') return `Usage: search <${field.label.toLowerCase()}>`;
    let found: readonly FoundContact[];
    try {
      found = await this.host.search(jid, { [field.var]: text });
    } catch (error) {
      if (error instanceof LegacyRefusal) return `Search failed: ${error.message}`;
      throw error;
    }
    if (found.length === 0) return `Nobody found for "${text}".`;
    return found.map((c) => `${c.jid} — ${settings.searchColumns.map((col) => `${col.label}: ${c.details[col.var] ?? ''}`).join(', ')}`).join('\n');
  }

  #contacts(jid: string): string {
    const contacts = this.host.contacts(jid);
    if (contacts.length === 0) return 'You have no contacts yet: write to someone, or search.';
    return capped(contacts.map((c) => `${c.jid} — ${c.name}: ${c.presence}`), 'List contacts');
  }

  /** `prefs`: each preference with its current value and how to change it. */
  async #preferences(jid: string): Promise<string> {
    const fields = this.host.settings.preferences;
    if (fields.length === 0) return 'This network has no preferences.';
    const current = await this.host.preferences(jid);
    const lines = fields.map((f) => {
      const choices = f.type === 'boolean' ? 'true or false' : f.options?.map((o) => o.value).join(', ');
      const value = current[f.var] ?? f.value ?? '';
      return `${f.var} = ${value === '' ? '(empty)' : value} — ${f.label}${f.description === undefined ? '' : `: ${f.description}`}${choices === undefined ? '' : ` (${choices})`}`;
    });
    return `${lines.join('\n')}\nChange one with: set <preference> <value>`;
  }

  /** `set <name> <value>`: checked as the Preferences form would check it, then stored. */
  async #set(jid: string, name: string, raw: string): Promise<string> {
    const fields = this.host.settings.preferences;
    const field = fields.find((f) => f.var.toLowerCase() === name.toLowerCase() && f.type !== 'fixed');
    if (field === undefined) return `Usage: set <preference> <value>; the preferences are ${fields.map((f) => f.var).join(', ') || 'none'} (see "prefs").`;
    const value = field.type === 'boolean' ? BOOLEAN_WORDS[raw.toLowerCase()] : raw;
    if (value === undefined) return `${field.var} must be true or false.`;
    const current = await this.host.preferences(jid);
    const checked = readSubmission(buildSubmission({ ...current, [field.var]: value }), fields);
    if (!checked.ok) return `Not changed: ${checked.reason}.`;
    await this.host.setPreferences(jid, checked.values);
    return `${field.var} = ${checked.values[field.var] ?? ''}. Saved; it applies at once.`;
  }

  /** `users`: every registered person with their login and state (capped). */
  async #users(): Promise<string> {
    const users = await this.host.listUsers();
    if (users.length === 0) return '0 registered.';
    return `${users.length} registered:\n${capped(users.map((u) => `${u.jid} — ${u.login}: ${u.state}`), 'List registered users')}`;
  }
}

/**
 * `rooms`: each room with its JID and a joinable XMPP URI (RFC 5122, XEP-0147 `?join`: clients
 * make it a link that joins), the fallback for bookmarks where the XMPP server grants no
 * privileges (docs/gateway.md "Group chats").
 */
export function roomList(rooms: readonly RoomListing[]): string {
  if (rooms.length === 0) return 'You are in no rooms: join one as #channel@ this gateway (your client\'s "join group chat").';
  const uri = (jid: string): string => {
    const at = jid.lastIndexOf('@');
    return `xmpp:${encodeURIComponent(jid.slice(0, at))}@${jid.slice(at + 1)}?join`;
  };
  return `Your rooms (joined again after a restart):\n${capped(rooms.map((r) => `${r.name} — ${r.jid} — ${uri(r.jid)}`), 'List rooms')}`;
}

/** At most MAX_CHAT_LINES of `lines`, then how many more the ad-hoc command `command` shows. */
function capped(lines: readonly string[], command: string): string {
  const more = lines.length - MAX_CHAT_LINES;
  return lines.slice(0, MAX_CHAT_LINES).join('\n') + (more > 0 ? `\n… and ${more} more (the ad-hoc command "${command}" shows them).` : '');
}
