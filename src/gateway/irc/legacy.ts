/**
 * IRC as a gateway's legacy network: the registration form (nick, password and how to use it),
 * validation by logging in (the server's refusal is the person's answer; the connection is then
 * handed to the person's first session, handoff.ts), and a session per person (session.ts).
 */
import { LegacyRefusal, type GatewaySettings, type GatewayUser, type LegacyNetwork, type LegacySession, type Registration, type SessionEvents } from '../api.js';
import type { IrcLegacyConfig } from './config.js';
import { connectIrc, type IrcAuth, type IrcLogin } from './connect.js';
import { CheckedConnections } from './handoff.js';
import { isNick } from './lines.js';
import { IrcSession } from './session.js';

const AUTHS: readonly IrcAuth[] = ['none', 'server-password', 'sasl', 'nickserv'];

/** The gateway settings of an IRC legacy network. */
function ircSettings(config: IrcLegacyConfig, name: string): GatewaySettings {
  const network = config.displayName ?? config.host;
  return {
    name,
    identityType: 'irc',
    usernameField: 'nick',
    registrationType: 'single-step-form',
    registrationInstructions: `Your nick on ${network}, and your password if you have one.`,
    registrationFields: [
      { var: 'nick', label: 'Nick', type: 'text-single', required: true },
      { var: 'password', label: 'Password', type: 'text-private', description: 'Your NickServ/SASL account password, or the server password' },
      {
        var: 'auth', label: 'Use the password for', type: 'list-single', value: 'sasl',
        options: [{ label: 'SASL login (account = nick)', value: 'sasl' }, { label: 'NickServ IDENTIFY', value: 'nickserv' }, { label: 'Server password (PASS)', value: 'server-password' }, { label: 'Nothing (no password)', value: 'none' }],
      },
    ],
    welcomeMessage: `Welcome to ${name}. Write to nick@<this gateway> to talk with an IRC user; your IRC connection is kept up for you.`,
    preferences: [{ var: 'notices', label: 'Show IRC NOTICEs', type: 'boolean', value: 'true', description: 'NOTICEs sent to you (often from services and bots) arrive as messages' }],
    searchFields: [{ var: 'nick', label: 'Nick', type: 'text-single', required: true, description: 'The exact nick of someone connected (a WHOIS), or a pattern with * and ? (a WHO: nick, user, host or real name)' }],
    searchColumns: [{ var: 'nick', label: 'Nick' }, { var: 'user', label: 'User' }, { var: 'host', label: 'Host' }, { var: 'realname', label: 'Real name' }],
    groups: true,
  };
}

export class IrcLegacyNetwork implements LegacyNetwork {
  readonly settings: GatewaySettings;
  readonly #checked = new CheckedConnections();

  constructor(
    private readonly config: IrcLegacyConfig,
    name: string,
  ) {
    this.settings = ircSettings(config, name);
  }

  async validate(jid: string, form: Readonly<Record<string, string>>, signal: AbortSignal, options: { readonly displayName?: string } = {}): Promise<Registration> {
    const login = loginOf(form.nick ?? '', form.auth, form.password, options.displayName);
    const client = await connectIrc(this.config, login, signal);
    // The session that follows logs in on this very connection (one connection per registration).
    this.#checked.keep(jid, login, client);
    return { data: { nick: login.nick, auth: login.auth, ...(login.realname === undefined ? {} : { realname: login.realname }) }, ...(login.password === undefined ? {} : { secret: login.password }) };
  }

  close(): void {
    this.#checked.close();
  }

  createSession(user: GatewayUser, events: SessionEvents): LegacySession {
    const login = loginOf(String(user.data.nick ?? ''), typeof user.data.auth === 'string' ? user.data.auth : undefined, user.secret,
      typeof user.data.realname === 'string' ? user.data.realname : undefined);
    return new IrcSession(this.config, login, events, user.preferences, () => this.#checked.take(user.jid, login));
  }
}

/** The login from a form or stored data; a LegacyRefusal for a bad nick or method. */
function loginOf(nick: string, auth: string | undefined, password: string | undefined, realname?: string): IrcLogin {
  if (!isNick(nick) || nick.length > 32) throw new LegacyRefusal(`"${nick.slice(0, 40)}" is not a valid IRC nick`, 'not-acceptable');
  const method = (auth === undefined || auth === '' ? 'sasl' : auth) as IrcAuth;
  if (!AUTHS.includes(method)) throw new LegacyRefusal('unknown authentication method', 'not-acceptable');
  const secret = password === undefined || password === '' ? undefined : password;
  // The real name goes into USER: one line of printable text, capped.
  const name = realname?.replace(/\p{Cc}/gu, ' ').trim().slice(0, 100);
  return { nick, auth: secret === undefined ? 'none' : method, password: secret, ...(name === undefined || name === '' ? {} : { realname: name }) };
}
