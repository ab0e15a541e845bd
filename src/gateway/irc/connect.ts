/**
 * One person's IRC connection up to registration, with the server's reason when it refuses:
 * a taken or invalid nick, a wrong server password (464), a refused SASL login or NickServ
 * IDENTIFY (nickserv.ts: the login waits for NickServ's answer), a ban, an unreachable or
 * TLS-broken server. Built on the IRC adapter's transport (UTF-8 with a latin-1
 * fallback, TLS options) and irc-framework; no automatic nick change, no auto-reconnect.
 */
import { Client, type ConnectOptions, type ParsedLine } from 'irc-framework';
import { identFromNick, serverConnectOptions } from '../../networks/irc/connect-options.js';
import { LegacyRefusal } from '../api.js';
import { withholdHistory } from '../../networks/irc/history-withheld.js';
import { EVENT_PLAYBACK_CAP, HISTORY_CAPS } from './channel-history.js';
import type { IrcLegacyConfig } from './config.js';
import { connectionFailure, loginTimeout } from './failure.js';
import { identifyLine, identifyOutcome } from './nickserv.js';
import { shareCommandTable } from './shared-handlers.js';

/** How a person authenticates to the IRC server. */
export type IrcAuth = 'none' | 'server-password' | 'sasl' | 'nickserv';

/** Who connects. */
export interface IrcLogin {
  readonly nick: string;
  readonly auth: IrcAuth;
  readonly password: string | undefined;
  /** The real name (USER's last parameter); the nick when absent. */
  readonly realname?: string;
}

function connectOptions(config: IrcLegacyConfig, login: IrcLogin): ConnectOptions {
  const options: ConnectOptions = {
    ...serverConnectOptions(config, login.nick),
    username: identFromNick(login.nick, 'gateway'),
    gecos: login.realname ?? login.nick,
    account: login.auth === 'sasl' && login.password !== undefined ? { account: login.nick, password: login.password } : {},
  };
  if (login.auth === 'server-password' && login.password !== undefined) options.password = login.password;
  return options;
}

/** The refusal a line means before registration, if any. */
function refusalOf(line: ParsedLine, nick: string): LegacyRefusal | undefined {
  // The server's words, shown to the person: bounded.
  const text = (line.params[line.params.length - 1] ?? '').slice(0, 300);
  switch (line.command) {
    case '433':
    case '436':
      return new LegacyRefusal(`the nick ${nick} is already taken on this network (${text})`, 'conflict');
    case '432':
      return new LegacyRefusal(`the server does not accept the nick ${nick} (${text})`, 'not-acceptable');
    case '464':
      return new LegacyRefusal(`wrong password: the server said "${text}"`, 'not-authorized');
    case '465':
      return new LegacyRefusal(`the server refuses you: "${text}"`, 'not-authorized');
    case '904':
    case '905':
      return new LegacyRefusal(`SASL login refused: the server said "${text}"`, 'not-authorized');
    default:
      return undefined;
  }
}

/**
 * Connects and registers `login`; resolves with the registered client. Rejects with a
 * {@link LegacyRefusal} that says why (and closes the connection) otherwise.
 */
export function connectIrc(config: IrcLegacyConfig, login: IrcLogin, signal: AbortSignal): Promise<Client> {
  const client = new Client();
  shareCommandTable(client);
  // Room backfill reads the channel's history where the server keeps one (channel-history.ts).
  client.requestCap([...HISTORY_CAPS, EVENT_PLAYBACK_CAP]);
  withholdHistory(client);
  let refusal: LegacyRefusal | undefined;
  let serverError: string | undefined;
  return new Promise<Client>((resolve, reject) => {
    let settled = false;
    const fail = (error: LegacyRefusal): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      client.connection.end(undefined, true);
      reject(error);
    };
    const onAbort = (): void => fail(signal.reason instanceof LegacyRefusal ? signal.reason : new LegacyRefusal('the login was cancelled', 'service-unavailable'));
    // Connected (after the TLS handshake, over TLS): a plain-text port answering TLS just waits.
    let connected = false;
    client.on('socket connected', () => {
      connected = true;
    });
    /** Registered with auth 'nickserv': waiting for NickServ's answer to IDENTIFY. */
    let identifying = false;
    const timer = setTimeout(() => fail(identifying
      ? new LegacyRefusal(`NickServ did not answer the login within ${config.connectTimeoutMs} ms`, 'remote-server-timeout')
      : loginTimeout(config.host, config.port, config.connectTimeoutMs, config.tls, connected)), config.connectTimeoutMs);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    const done = (): void => {
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(client);
    };
    client.connection.on('message', (line: ParsedLine) => {
      if (settled) return;
      if (identifying) {
        const outcome = identifyOutcome(line);
        if (outcome === 'accepted') return done();
        if (outcome !== undefined) {
          client.quit('login refused');
          return fail(outcome);
        }
      }
      if (line.command === 'ERROR') serverError = line.params[0]?.slice(0, 300);
      refusal ??= refusalOf(line, login.nick);
      if (refusal !== undefined && ['433', '436', '432'].includes(line.command)) fail(refusal); // the server waits for another nick
    });
    client.on('sasl failed', (event: { message?: string; reason?: string }) => {
      fail(refusal ?? new LegacyRefusal(`SASL login refused: ${event.message ?? event.reason ?? 'no reason given'}`, 'not-authorized'));
    });
    client.on('registered', () => {
      if (settled) return;
      if (login.auth !== 'nickserv' || login.password === undefined) return done();
      identifying = true;
      client.raw(identifyLine(login.password));
    });
    client.on('socket close', (error?: Error | false) => {
      if (refusal !== undefined) return fail(refusal);
      if (serverError !== undefined) return fail(new LegacyRefusal(`the server closed the connection: "${serverError}"`, /pass|auth|denied|bad/i.test(serverError) ? 'not-authorized' : 'service-unavailable'));
      const code = error ? (error as NodeJS.ErrnoException).code ?? error.message : 'connection closed';
      fail(connectionFailure(String(code), config.host, config.port, config.tls));
    });
    try {
      client.connect(connectOptions(config, login));
    } catch (error) {
      fail(new LegacyRefusal(`cannot connect: ${(error as Error).message}`, 'internal-server-error'));
    }
  });
}
