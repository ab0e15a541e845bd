/**
 * The end-to-end rig of the relay benchmarks: real ngIRCd and Prosody on loopback, the real
 * switchboard process bridging `#lobby` and `lobby@conference.localhost`, and independent
 * clients on both sides. A second channel pair without a bridge (`#direct`,
 * `direct@conference.localhost`) gives the servers-only baseline.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startNgircd, startProsody, type IrcServer, type XmppServer } from '../../test/support/servers.js';
import { xml, type TestXmppClient, type XmlElement } from '../../test/support/clients.js';
import type { BenchContext } from './benchmark.js';
import { connectBenchClients } from './bench-clients.js';
import type { IrcProbe } from './irc-probe.js';
import { startSwitchboardProcess, type RunningSwitchboard } from './switchboard-process.js';
import { Tracker, type Path } from './traffic.js';

const WAIT_MS = 20_000;
const BOT_NICK = 'relaybot';
const MUC_NICK = 'switchboard';

/** The IRC adapter's flood bucket for the bridge, or `default` to leave the option out. */
export type FloodSetting = { readonly burst: number; readonly intervalMs: number } | 'default';

export interface RigOptions {
  readonly context: BenchContext;
  /** Appended to ngircd.conf (e.g. a [Limits] section restoring the default penalty). */
  readonly ngircdExtraConfig?: string;
  readonly flood: FloodSetting;
  /** Serve the hub's HTTP endpoints (/health, /metrics) on this loopback port (default: off). */
  readonly httpPort?: number;
}

export interface RelayRig {
  readonly tracker: Tracker;
  readonly ircToXmpp: Path;
  readonly xmppToIrc: Path;
  /** Baselines without the bridge: client → server → client on one network. */
  readonly ircToIrc: Path;
  readonly xmppToXmpp: Path;
  readonly hub: RunningSwitchboard;
  /** The IRC client in #lobby (alice), to watch what the bot sends there. */
  readonly ircReceiver: IrcProbe;
  stop(): Promise<void>;
}

/** The channel pair a bridge links and the names its bot uses on both sides. */
export interface BridgedPair {
  /** IRC channel, e.g. `#lobby`. */
  readonly channel: string;
  /** MUC room's local part, e.g. `lobby` (`lobby@conference.<domain>`). */
  readonly room: string;
  readonly ircNick: string;
  /** The bot's XMPP account (local part; its password is `botpass`) and its nick in the room. */
  readonly xmppUser: string;
  readonly mucNick: string;
}

/** Switchboard's bridge in the relay benchmarks: `#lobby` ↔ `lobby@conference`. */
export const SWITCHBOARD_PAIR: BridgedPair = { channel: '#lobby', room: 'lobby', ircNick: BOT_NICK, xmppUser: 'bridgebot', mucNick: MUC_NICK };

/** Switchboard's config for the relay benchmarks: one bridge over `pair`, the relay module, SQLite. */
export function hubConfig(irc: IrcServer, xmpp: XmppServer, flood: FloodSetting, httpPort: number | undefined, pair: BridgedPair = SWITCHBOARD_PAIR): string {
  const floodLine = flood === 'default' ? '' : `\n    flood: { burst: ${flood.burst}, intervalMs: ${flood.intervalMs} }`;
  const http = httpPort === undefined ? 'false' : `{ listen: "127.0.0.1:${httpPort}" }`;
  return `storage:
  path: ./switchboard.db
http: ${http}
log:
  level: info
networks:
  irc:
    protocol: irc
    host: 127.0.0.1
    port: ${irc.port}
    nick: ${pair.ircNick}${floodLine}
  jabber:
    protocol: xmpp
    jid: ${pair.xmppUser}@${xmpp.domain}
    password: botpass
    service: "xmpp://127.0.0.1:${xmpp.port}"
    requireTls: false
    saslMechanism: PLAIN
    nick: ${pair.mucNick}
bridges:
  ${pair.room}: ["irc:${pair.channel}", "jabber:${pair.room}@${xmpp.mucDomain}"]
modules:
  - module: relay
`;
}

/** Groupchat bodies from `occupant` (room/nick) are reported to the tracker as `receiver`. */
export function reportGroupchat(client: TestXmppClient, tracker: Tracker, receiver: string, occupant: string): void {
  client.xmpp.on('stanza', (stanza: XmlElement) => {
    const at = performance.now();
    if (!stanza.is('message') || stanza.attrs.type !== 'groupchat' || stanza.attrs.from !== occupant) return;
    const body = stanza.getChildText('body');
    if (body !== null) tracker.arrived(receiver, body, at);
  });
}

/** Sends one groupchat message per text to `room`, without waiting. */
export function sayAll(client: TestXmppClient, room: string, texts: readonly string[]): void {
  for (const text of texts) {
    client.send(xml('message', { to: room, type: 'groupchat' }, xml('body', {}, text))).catch(() => undefined);
  }
}

/** Starts servers, the hub and the clients; on failure stops what was started. */
export async function startRelayRig(options: RigOptions): Promise<RelayRig> {
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const irc = await startNgircd(options.ngircdExtraConfig ? { extraConfig: options.ngircdExtraConfig } : {});
    stops.push(() => irc.stop());
    const xmpp = await startProsody({ users: [['bridgebot', 'botpass'], ['bob', 'pw'], ['dave', 'pw']] });
    stops.push(() => xmpp.stop());
    const dir = mkdtempSync(join(tmpdir(), 'sb-bench-relay-'));
    stops.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
    const hub = startSwitchboardProcess({
      dir,
      config: hubConfig(irc, xmpp, options.flood, options.httpPort),
      ...(options.context.profileDir ? { profileDir: options.context.profileDir } : {}),
    });
    stops.push(() => hub.stop());
    await hub.ready(WAIT_MS);

    const lobby = `lobby@${xmpp.mucDomain}`;
    const direct = `direct@${xmpp.mucDomain}`;
    const tracker = new Tracker();
    const { alice, carol, bob, dave } = await connectBenchClients({ irc, xmpp }, { channels: ['#lobby'], rooms: ['lobby'] }, stops, WAIT_MS);

    alice.onPrivmsg((m) => {
      if (m.from === BOT_NICK && m.target.toLowerCase() === '#lobby') tracker.arrived('alice@lobby', m.text, m.at);
    });
    carol.onPrivmsg((m) => {
      if (m.from === 'alice' && m.target.toLowerCase() === '#direct') tracker.arrived('carol@direct', m.text, m.at);
    });
    reportGroupchat(bob, tracker, 'bob@lobby', `${lobby}/${MUC_NICK}`);
    reportGroupchat(dave, tracker, 'dave@direct', `${direct}/bob`);

    const ircSay = (client: IrcProbe, channel: string) => (texts: readonly string[]) => client.send(...texts.map((t) => `PRIVMSG ${channel} :${t}`));
    return {
      tracker,
      hub,
      ircReceiver: alice,
      ircToXmpp: { key: 'irc_to_xmpp', label: 'IRC→XMPP through Switchboard', receiver: 'bob@lobby', send: ircSay(alice, '#lobby') },
      xmppToIrc: { key: 'xmpp_to_irc', label: 'XMPP→IRC through Switchboard', receiver: 'alice@lobby', send: (texts) => sayAll(bob, lobby, texts) },
      ircToIrc: { key: 'irc_to_irc', label: 'IRC→IRC, ngIRCd alone (no bridge)', receiver: 'carol@direct', send: ircSay(alice, '#direct') },
      xmppToXmpp: { key: 'xmpp_to_xmpp', label: 'XMPP→XMPP, Prosody alone (no bridge)', receiver: 'dave@direct', send: (texts) => sayAll(bob, direct, texts) },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
