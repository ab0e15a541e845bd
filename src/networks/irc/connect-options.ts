/**
 * The irc-framework connect options for the bot and for puppets, from a network's config, and the
 * part every IRC connection shares (also the gateway's users'), from the server's endpoint.
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

/** An ident made of a nick's letters and digits (at most 10), as servers accept; `fallback` when it has none. */
export function identFromNick(nick: string, fallback = 'switchbrd'): string {
  return nick.replace(/[^A-Za-z0-9]/g, '').slice(0, 10) || fallback;
}

/** Where and how an IRC connection reaches its server: the options every connection shares. */
export interface IrcServerEndpoint {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly tlsInsecure: boolean;
  readonly tlsCa?: string | undefined;
  readonly pingIntervalSec: number;
}

/**
 * The connect options of any connection to `server` (the network's own, a puppet's, a gateway
 * user's): our transport, TLS, pings, no auto-reconnect (the caller decides about new
 * connections), no CTCP VERSION answer, no echo-message, a failed SASL login ends the attempt.
 */
export function serverConnectOptions(server: IrcServerEndpoint, nick: string): ConnectOptions {
  const options: ConnectOptions = {
    host: server.host,
    port: server.port,
    nick,
    tls: server.tls,
    rejectUnauthorized: !server.tlsInsecure,
    auto_reconnect: false,
    ping_interval: server.pingIntervalSec,
    ping_timeout: server.pingIntervalSec > 0 ? server.pingIntervalSec * 2 : 0,
    version: null,
    enable_echomessage: false,
    sasl_disconnect_on_fail: true,
    transport: IrcTransport,
  };
  if (server.tlsCa) options.ca = readFileSync(server.tlsCa, 'utf8');
  return options;
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
    ...serverConnectOptions(config, nick),
    username: identity ? identity.username ?? identFromNick(nick) : config.username ?? identFromNick(nick),
    gecos: identity?.realname ?? config.realname,
    enable_chghost: true,
    // An empty account keeps irc-framework from reusing the server password for SASL.
    account: !identity && config.sasl?.mechanism === 'PLAIN' ? { account: config.sasl.account, password: config.sasl.password } : {},
  };
  if (config.serverPassword) options.password = config.serverPassword;
  if (identity) return options;
  if (config.sasl?.mechanism === 'EXTERNAL') options.sasl_mechanism = 'EXTERNAL';
  if (config.clientCert && config.clientKey) {
    options.client_certificate = { certificate: readPem(config.clientCert), private_key: readPem(config.clientKey) };
  }
  return options;
}
