/**
 * The irc-framework connect options for the bot and for puppets, from a network's config.
 */
import { readFileSync } from 'node:fs';
import type { ConnectOptions } from 'irc-framework';
import type { IrcConfig } from './config.js';
import { IrcTransport } from './transport.js';

/** Who a connection registers as; the bot's own identity when omitted. */
export interface Identity {
  readonly nick: string;
  readonly username?: string;
  readonly realname?: string;
}

/** An ident made of a nick's letters and digits (at most 10), as servers accept. */
function identFromNick(nick: string): string {
  return nick.replace(/[^A-Za-z0-9]/g, '').slice(0, 10) || 'switchbrd';
}

/**
 * Connect options for a connection of this network. The bot (no `identity`) logs in with the
 * configured SASL and client certificate; a puppet (with `identity`) uses neither, so it is
 * never mistaken for the bot's account. Auto-reconnect is off: the hub (or the puppet pool)
 * decides about new connections.
 */
export function ircConnectOptions(config: IrcConfig, identity?: Identity): ConnectOptions {
  const readPem = (path: string): string => readFileSync(path, 'utf8');
  const nick = identity?.nick ?? config.nick;
  const options: ConnectOptions = {
    host: config.host,
    port: config.port,
    nick,
    username: identity ? identity.username ?? identFromNick(nick) : config.username ?? identFromNick(nick),
    gecos: identity?.realname ?? config.realname,
    tls: config.tls,
    rejectUnauthorized: !config.tlsInsecure,
    auto_reconnect: false,
    ping_interval: config.pingIntervalSec,
    ping_timeout: config.pingIntervalSec > 0 ? config.pingIntervalSec * 2 : 0,
    version: null,
    enable_chghost: true,
    enable_echomessage: false,
    sasl_disconnect_on_fail: true,
    // An empty account keeps irc-framework from reusing the server password for SASL.
    account: !identity && config.sasl?.mechanism === 'PLAIN' ? { account: config.sasl.account, password: config.sasl.password } : {},
    transport: IrcTransport,
  };
  if (config.serverPassword) options.password = config.serverPassword;
  if (config.tlsCa) options.ca = readPem(config.tlsCa);
  if (identity) return options;
  if (config.sasl?.mechanism === 'EXTERNAL') options.sasl_mechanism = 'EXTERNAL';
  if (config.clientCert && config.clientKey) {
    options.client_certificate = { certificate: readPem(config.clientCert), private_key: readPem(config.clientKey) };
  }
  return options;
}
