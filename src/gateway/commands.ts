/**
 * The ad-hoc commands (XEP-0050) of the gateway: register (a form), unregister and re-login, each
 * offered to whom may run it (slidge's access levels: NON_USER/ANY for register, USER for the
 * others). Command sessions are bounded in number and time.
 */
import { randomUUID } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import { LegacyRefusal, type GatewaySettings } from './api.js';
import { commandCancelled, commandDone, commandForm, readCommand, type CommandInfo } from './xmpp/adhoc.js';
import { buildForm, readSubmission } from './xmpp/forms.js';

/** Who may run a command (slidge's access levels, as far as this slice needs them). */
type Access = 'any' | 'user';

interface CommandSpec extends CommandInfo {
  readonly access: Access;
}

const COMMANDS: readonly CommandSpec[] = [
  { node: 'register', name: 'Register', access: 'any' },
  { node: 'unregister', name: 'Unregister', access: 'user' },
  { node: 're-login', name: 'Log in again', access: 'user' },
];

/** The operations behind the commands. */
export interface CommandHost {
  readonly settings: GatewaySettings;
  isUser(jid: string): Promise<boolean>;
  register(jid: string, values: Readonly<Record<string, string>>): Promise<void>;
  unregister(jid: string): Promise<void>;
  relogin(jid: string): Promise<void>;
}

/** Most command sessions open at once, and how long one may wait for its form. */
const MAX_SESSIONS = 1000;
const SESSION_TTL_MS = 10 * 60_000;

export class Commands {
  readonly #sessions = new Map<string, { readonly jid: string; readonly node: string; readonly expires: number }>();

  constructor(private readonly host: CommandHost) {}

  /** The commands `jid` may run. */
  async list(jid: string): Promise<CommandInfo[]> {
    const user = await this.host.isUser(jid);
    return COMMANDS.filter((c) => c.access === 'any' || user);
  }

  /** The reply payload to a `<command>` from `jid`; throws a LegacyRefusal for a refused one. */
  async run(jid: string, command: Element): Promise<Element> {
    const request = readCommand(command);
    if (request === undefined) throw new LegacyRefusal('malformed command', 'bad-request');
    const spec = COMMANDS.find((c) => c.node === request.node);
    if (spec === undefined) throw new LegacyRefusal(`no command ${request.node}`, 'item-not-found');
    if (spec.access === 'user' && !(await this.host.isUser(jid))) throw new LegacyRefusal('you are not registered', 'not-authorized');
    this.#expire();
    if (request.sessionId !== undefined && request.action === 'cancel') {
      this.#sessions.delete(request.sessionId);
      return commandCancelled(spec.node, request.sessionId);
    }
    switch (spec.node) {
      case 'register':
        return this.#register(jid, request.sessionId, request.form);
      case 'unregister':
        await this.host.unregister(jid);
        return commandDone(spec.node, randomUUID(), `You are no longer registered with ${this.host.settings.name}; your credentials were removed.`);
      default:
        await this.host.relogin(jid);
        return commandDone(spec.node, randomUUID(), 'Logging in again…');
    }
  }

  async #register(jid: string, sessionId: string | undefined, form: Element | undefined): Promise<Element> {
    const { settings } = this.host;
    const session = sessionId === undefined ? undefined : this.#sessions.get(sessionId);
    if (sessionId === undefined || session === undefined || session.jid !== jid || session.node !== 'register' || form === undefined) {
      if (this.#sessions.size >= MAX_SESSIONS) throw new LegacyRefusal('too many commands under way; try again later', 'remote-server-timeout');
      const id = randomUUID();
      this.#sessions.set(id, { jid, node: 'register', expires: Date.now() + SESSION_TTL_MS });
      return commandForm('register', id, buildForm(settings.registrationFields, { title: `Register with ${settings.name}`, instructions: settings.registrationInstructions }));
    }
    this.#sessions.delete(sessionId);
    const submitted = readSubmission(form, settings.registrationFields);
    if (!submitted.ok) {
      if (submitted.cancelled === true) return commandCancelled('register', sessionId);
      throw new LegacyRefusal(submitted.reason, 'bad-request');
    }
    await this.host.register(jid, submitted.values);
    return commandDone('register', sessionId, settings.welcomeMessage);
  }

  /**
   * A command sent as a chat message to the gateway JID (the same commands as ad-hoc; register
   * needs a form, so it points to the form). Resolves with the reply text.
   */
  async chat(jid: string, text: string, status: string): Promise<string> {
    const word = text.trim().toLowerCase().split(/\s+/)[0] ?? '';
    const user = await this.host.isUser(jid);
    const help = `${this.host.settings.name}. ${status} Commands (also as ad-hoc commands): ${user ? 'status, re-login, unregister' : 'register'}, help.`;
    switch (word) {
      case 'register':
        return 'Register with your client\'s "Register" ad-hoc command or its registration dialog (service discovery of this gateway): it asks for your nick and password.';
      case 'status':
        return status;
      case 're-login':
      case 'relogin':
        if (!user) return 'You are not registered.';
        await this.host.relogin(jid);
        return 'Logging in again…';
      case 'unregister':
        if (!user) return 'You are not registered.';
        await this.host.unregister(jid);
        return `You are no longer registered with ${this.host.settings.name}; your credentials were removed.`;
      default:
        return help;
    }
  }

  #expire(): void {
    const now = Date.now();
    for (const [id, session] of this.#sessions) if (session.expires < now) this.#sessions.delete(id);
  }
}
