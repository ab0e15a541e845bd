/**
 * A real bridge for relay e2e tests: an IRC server (ngIRCd or InspIRCd), Prosody, a hub running
 * the `relay` module with a bridge between `#lobby` and `lobby@conference.localhost`, and one
 * independent client on each side (a raw IRC client, an @xmpp/client user) in the channels.
 */
import { hubBase } from '../support/hub-config.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hub } from '../../src/app/hub.js';
import type { HubConfig, NetworkConfig } from '../../src/config/types.js';
import type { Logger } from '../../src/core/log.js';
import { ircConfigSchema } from '../../src/networks/irc/config.js';
import { xmppConfigSchema } from '../../src/networks/xmpp/config.js';
import { builtinProtocols } from '../../src/networks/registry.js';
import { startNgircd, startInspircd, startHybrid, startErgo, startProsody, startXmppServer, type InspircdOptions, type IrcServer, type XmppServer, type XmppServerKind } from '../support/servers.js';
import { connectRawIrc, connectXmppClient, xml, type RawIrcClient, type TestXmppClient, type XmlElement } from '../support/clients.js';
import { captureLog } from '../support/log-capture.js';

export const WAIT_MS = 15_000;
export const IRC_CHANNEL = '#lobby';
export const BOT_NICK = 'relaybot';
export const XMPP_BOT_NICK = 'switchboard';

export interface BridgeSetup {
  readonly irc: IrcServer;
  readonly xmpp: XmppServer;
  readonly room: string;
  readonly dir: string;
  readonly log: Logger;
  /** Log lines captured so far. */
  readonly logLines: readonly Record<string, unknown>[];
  hub: Hub;
  /** Builds the hub config (bridge options and relay module config as given). */
  config(bridgeOptions?: Record<string, unknown>, relayConfig?: unknown, overrides?: Partial<HubConfig>): HubConfig;
  /** Starts the hub with `config()` and waits until it is ready. */
  startHub(bridgeOptions?: Record<string, unknown>, relayConfig?: unknown, overrides?: Partial<HubConfig>): Promise<Hub>;
  /** A raw IRC client that joined #lobby. */
  ircUser(nick: string): Promise<RawIrcClient>;
  /** An XMPP user (registered on the fly) who joined the room as `nick`. */
  xmppUser(user: string, nick: string): Promise<TestXmppClient>;
  /** Stops everything this setup started (clients, hub, servers). */
  stop(): Promise<void>;
}

/** Starts the servers (not the hub). Call `stop()` in an `after` hook. */
export async function startBridge(options: {
  /** 'ergo' needs an Ergo binary (ergoSkip() in test/support/ergo-server.ts). */
  ircServer?: 'ngircd' | 'inspircd' | 'hybrid' | 'ergo';
  /** The XMPP server (default Prosody); the Prosody-only options below need Prosody. */
  xmppServer?: XmppServerKind;
  /** Rooms show occupants' real JIDs to everyone. */
  publicJids?: boolean;
  httpUpload?: boolean;
  mucArchive?: boolean;
  prosodyExtraConfig?: string;
  ngircdExtraConfig?: string;
  inspircd?: InspircdOptions;
} = {}): Promise<BridgeSetup> {
  const prosodyOnly = options.httpUpload === true || options.mucArchive === true || options.prosodyExtraConfig !== undefined;
  if (options.xmppServer === 'ejabberd' && prosodyOnly) throw new Error('httpUpload, mucArchive and prosodyExtraConfig need Prosody');
  const dir = mkdtempSync(join(tmpdir(), 'sb-relay-'));
  const irc = options.ircServer === 'inspircd' ? await startInspircd(options.inspircd)
    : options.ircServer === 'hybrid' ? await startHybrid()
    : options.ircServer === 'ergo' ? await startErgo()
    : await startNgircd(options.ngircdExtraConfig === undefined ? {} : { extraConfig: options.ngircdExtraConfig });
  let xmpp: XmppServer;
  try {
    const common = { users: [['bridgebot', 'botpass']] as const, ...(options.publicJids === undefined ? {} : { publicJids: options.publicJids }) };
    xmpp = options.xmppServer === 'ejabberd' ? await startXmppServer('ejabberd', common) : await startProsody({
      ...common,
      ...(options.httpUpload ? { httpUpload: true } : {}),
      ...(options.mucArchive ? { mucArchive: true } : {}),
      ...(options.prosodyExtraConfig ? { extraConfig: options.prosodyExtraConfig } : {}),
    });
  } catch (error) {
    await irc.stop();
    throw error;
  }
  const captured = captureLog('info');
  const room = `lobby@${xmpp.mucDomain}`;
  const clients: { close(): Promise<void> }[] = [];
  const setup: BridgeSetup = {
    irc,
    xmpp,
    room,
    dir,
    log: captured.log,
    logLines: captured.lines as readonly Record<string, unknown>[],
    hub: undefined as unknown as Hub,
    config(bridgeOptions = {}, relayConfig = undefined, overrides = {}) {
      return {
        ...hubBase(dir),
        networks: [
          { name: 'irc', protocol: 'irc', options: ircConfigSchema.parse({ host: irc.host, port: irc.port, nick: BOT_NICK, flood: { burst: 20, intervalMs: 5 }, maxLines: 10 }) },
          {
            name: 'jabber',
            protocol: 'xmpp',
            options: xmppConfigSchema.parse({
              jid: `bridgebot@${xmpp.domain}`, password: 'botpass', service: `xmpp://${xmpp.host}:${xmpp.port}`,
              requireTls: false, saslMechanism: 'PLAIN', nick: XMPP_BOT_NICK,
            }),
          },
        ],
        bridges: [{ name: 'lobby', channels: [{ network: 'irc', id: IRC_CHANNEL }, { network: 'jabber', id: room }], options: bridgeOptions }],
        modules: [{ module: 'relay', specifier: 'relay', config: relayConfig }],
        ...overrides,
      };
    },
    async startHub(bridgeOptions, relayConfig, overrides) {
      setup.hub = await Hub.start({ config: setup.config(bridgeOptions, relayConfig, overrides), log: captured.log, protocols: builtinProtocols() });
      await setup.hub.ready;
      return setup.hub;
    },
    async ircUser(nick) {
      const client = await connectRawIrc({ host: irc.host, port: irc.port, nick });
      clients.push(client);
      client.send(`JOIN ${IRC_CHANNEL}`);
      await client.waitForLine(new RegExp(`^:${nick}!\\S+ JOIN :?${IRC_CHANNEL}`, 'i'), WAIT_MS);
      return client;
    },
    async xmppUser(user, nick) {
      await xmpp.registerUser(user, 'pw');
      const client = await connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: user, password: 'pw' });
      clients.push(client);
      await client.joinRoom(room, nick, WAIT_MS);
      return client;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      await setup.hub?.stop().catch(() => undefined);
      await Promise.all([irc.stop(), xmpp.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return setup;
}

/** The text of a message stanza's body, or undefined. */
export function bodyOf(stanza: XmlElement): string | undefined {
  return stanza.getChildText('body') ?? undefined;
}

/** A predicate for a groupchat message from the bot in `room` whose body satisfies `test`. */
export function fromBot(room: string, test: (body: string) => boolean): (stanza: XmlElement) => boolean {
  return (s) => s.is('message') && s.attrs.type === 'groupchat' && s.attrs.from === `${room}/${XMPP_BOT_NICK}` && test(bodyOf(s) ?? '');
}

/** The text of a PRIVMSG/NOTICE line (after ` :`). */
export function ircText(line: string): string {
  const at = line.indexOf(' :', 1);
  return at === -1 ? '' : line.slice(at + 2);
}

/**
 * Uploads `data` as `client` with HTTP File Upload (XEP-0363, spoken directly) and returns the
 * GET URL, as a person's client would before sharing a file.
 */
export async function uploadAs(client: TestXmppClient, uploadDomain: string, name: string, data: Buffer): Promise<string> {
  const NS_UPLOAD = 'urn:xmpp:http:upload:0';
  const request = xml('iq', { type: 'get', to: uploadDomain },
    xml('request', { xmlns: NS_UPLOAD, filename: name, size: String(data.length), 'content-type': 'text/plain' }));
  const reply = await client.xmpp.iqCaller.request(request, WAIT_MS);
  const slot = reply.getChild('slot', NS_UPLOAD);
  const putElement = slot?.getChild('put');
  const put = putElement?.attrs.url;
  const get = slot?.getChild('get')?.attrs.url;
  if (!putElement || !put || !get) throw new Error(`no upload slot in ${reply.toString()}`);
  const headers: Record<string, string> = { 'content-type': 'text/plain' };
  for (const header of putElement.getChildren('header')) headers[String(header.attrs.name)] = header.text();
  const response = await fetch(String(put), { method: 'PUT', body: data, headers, signal: AbortSignal.timeout(WAIT_MS) });
  if (!response.ok) throw new Error(`upload PUT failed: HTTP ${response.status}`);
  return String(get);
}

/** A groupchat message sharing a file the way clients do: the URL as body and as OOB data. */
export function fileMessage(room: string, id: string, url: string): XmlElement {
  return xml('message', { to: room, type: 'groupchat', id }, xml('body', {}, url), xml('x', { xmlns: 'jabber:x:oob' }, xml('url', {}, url)));
}

/** The OOB URL of a message stanza, if any. */
export function oobUrl(stanza: XmlElement): string | undefined {
  return stanza.getChild('x', 'jabber:x:oob')?.getChildText('url') ?? undefined;
}

/** An XMPP network for a second (or third) bot account on `server`, over PLAIN without TLS. */
export function xmppBotNetwork(server: XmppServer, name: string, user: string, nick: string): NetworkConfig {
  return {
    name,
    protocol: 'xmpp',
    options: xmppConfigSchema.parse({
      jid: `${user}@${server.domain}`, password: 'botpass', service: `xmpp://${server.host}:${server.port}`,
      requireTls: false, saslMechanism: 'PLAIN', nick,
    }),
  };
}

/** The id others use to refer to a groupchat message: the room's stanza-id, else the message id. */
export function refId(stanza: XmlElement, room: string): string {
  const stanzaId = stanza.getChildren('stanza-id', 'urn:xmpp:sid:0').find((s) => s.attrs.by === room)?.attrs.id;
  return String(stanzaId ?? stanza.attrs.id);
}
