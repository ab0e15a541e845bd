/**
 * Real servers and a real hub for the access e2e tests: ngIRCd, Prosody, and a hub with the
 * `access-knobs` fixture module and the `access` module (and optionally `relay`), plus independent clients.
 */
import { hubBase } from '../support/hub-config.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hub } from '../../src/app/hub.js';
import type { HubConfig } from '../../src/config/types.js';
import { ircConfigSchema } from '../../src/networks/irc/config.js';
import { xmppConfigSchema } from '../../src/networks/xmpp/config.js';
import { builtinProtocols } from '../../src/networks/registry.js';
import { startNgircd, startProsody, type IrcServer, type XmppServer } from '../support/servers.js';
import { connectRawIrc, connectXmppClient, type RawIrcClient, type TestXmppClient } from '../support/clients.js';
import { captureLog, type CapturedLog } from '../support/log-capture.js';
import { freePorts, LOOPBACK } from '../support/ports.js';
import type { Knobs } from './access-fixtures.js';
import { escapeRegExp as escape } from '../support/regexp.js';

export const WAIT_MS = 10_000;
export const BOT_PASSWORD = 'botpass';
const FIXTURE = fileURLToPath(new URL('./access-fixtures.js', import.meta.url));

/** A running hub with its captured log and HTTP base URL. */
export interface RunningHub {
  readonly hub: Hub;
  readonly captured: CapturedLog;
  readonly base: string;
}

export interface AccessServers {
  readonly irc: IrcServer;
  readonly xmpp: XmppServer;
  /** `name@conference…` */
  room(name: string): string;
  /** Starts a hub: networks `irc` (bot nick `ircNick`) and `jabber` (bridgebot), the knobs module, then access with `accessConfig`. */
  startHub(options: { ircNick: string; knobs: Knobs; accessConfig: unknown; bridges?: HubConfig['bridges']; relay?: boolean }): Promise<RunningHub>;
  /** A raw IRC client (closed by stop()). */
  ircUser(nick: string): Promise<RawIrcClient>;
  /** An XMPP user registered on the fly (closed by stop()). */
  xmppUser(user: string): Promise<TestXmppClient>;
  stop(): Promise<void>;
}

export async function startAccessServers(): Promise<AccessServers> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-access-'));
  const irc = await startNgircd();
  let xmpp: XmppServer;
  try {
    xmpp = await startProsody({ users: [['bridgebot', BOT_PASSWORD]] });
  } catch (error) {
    await irc.stop();
    throw error;
  }
  const stoppables: Array<{ close?(): Promise<void>; stop?(): Promise<void> }> = [];
  let hubs = 0;
  return {
    irc,
    xmpp,
    room: (name) => `${name}@${xmpp.mucDomain}`,
    async startHub({ ircNick, knobs, accessConfig, bridges = [], relay = false }) {
      hubs += 1;
      const [port] = await freePorts(1);
      const captured = captureLog('debug');
      const config: HubConfig = {
        ...hubBase(dir, { db: `hub${hubs}.db`, logLevel: 'debug', shutdownMs: 3000 }),
        http: { host: LOOPBACK, port: port! },
        networks: [
          { name: 'irc', protocol: 'irc', options: ircConfigSchema.parse({ host: irc.host, port: irc.port, nick: ircNick, flood: { burst: 20, intervalMs: 5 }, rejoinAfterKick: false }) },
          {
            name: 'jabber',
            protocol: 'xmpp',
            options: xmppConfigSchema.parse({
              jid: `bridgebot@${xmpp.domain}`, password: BOT_PASSWORD, service: `xmpp://${xmpp.host}:${xmpp.port}`,
              requireTls: false, saslMechanism: 'PLAIN', nick: `guard${hubs}`,
            }),
          },
        ],
        bridges,
        modules: [
          { module: './access-fixtures.js', specifier: FIXTURE, config: knobs },
          { module: 'access', specifier: 'access', config: accessConfig },
          ...(relay ? [{ module: 'relay', specifier: 'relay', config: undefined }] : []),
        ],
      };
      const hub = await Hub.start({ config, log: captured.log, protocols: builtinProtocols() });
      stoppables.push({ stop: () => hub.stop() });
      await hub.ready;
      return { hub, captured, base: `http://${LOOPBACK}:${port}` };
    },
    async ircUser(nick) {
      const client = await connectRawIrc({ host: irc.host, port: irc.port, nick });
      stoppables.push(client);
      return client;
    },
    async xmppUser(user) {
      await xmpp.registerUser(user, 'pw');
      const client = await connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: user, password: 'pw' });
      stoppables.push(client);
      return client;
    },
    async stop() {
      for (const s of stoppables.reverse()) await (s.close ?? s.stop)?.call(s).catch(() => undefined);
      await Promise.all([irc.stop(), xmpp.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Joins `channel` and waits for the server's echo of the JOIN. */
export async function joinIrc(client: RawIrcClient, channel: string): Promise<void> {
  client.send(`JOIN ${channel}`);
  await client.waitForLine(new RegExp(`^:${client.nick}!\\S+ JOIN :?${escape(channel)}\\b`, 'i'), WAIT_MS);
}


/** The log lines with message `msg`. */
export function logged(captured: CapturedLog, msg: string): Array<Record<string, unknown>> {
  return captured.lines.filter((l) => l.msg === msg);
}

/** A regular expression for `text` taken literally (the tests that use this setup import it from here). */
export { escape };
