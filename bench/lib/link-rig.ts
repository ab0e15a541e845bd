/**
 * The rig of the server-link benchmark: two real ircds on loopback ("west" and "east"), the real
 * switchboard process linked to both as a server (`protocol: irc-link`) with `#lobby` bridged
 * between them, and independent clients: alice (west) and bob (east) in `#lobby`, and in
 * `#direct` with carol (west) and dave (east), a channel the hub does not bridge, for the
 * ircd-only floor. East is always ngIRCd, so a bare pseudo-server (load-server.ts) can link to
 * it and bring many users at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startInspircd, startNgircd, type IrcServer } from '../../test/support/servers.js';
import { secret } from '../../test/support/irc-servers.js';
import { linkOptions } from '../../test/support/link-network.js';
import type { BenchContext } from './benchmark.js';
import { connectIrcProbe, type IrcProbe } from './irc-probe.js';
import { ngircdServerSection, type LoadServerBlock } from './load-server.js';
import { startSwitchboardProcess, type RunningSwitchboard } from './switchboard-process.js';
import { Tracker, type Path } from './traffic.js';

const WAIT_MS = 20_000;

/** The ircd on the west side (east is ngIRCd). */
export type WestIrcd = 'ngircd' | 'inspircd';

export interface LinkRigOptions {
  readonly context: BenchContext;
  readonly west: WestIrcd;
  /** The hub's cap on virtual clients per link. */
  readonly maxVirtualClients: number;
  /** The relay's bound per target queue (its default when absent). */
  readonly maxQueuePerTarget?: number;
}

export interface LinkRig {
  readonly tracker: Tracker;
  readonly west: IrcServer;
  readonly east: IrcServer;
  readonly westIrcd: WestIrcd;
  readonly hub: RunningSwitchboard;
  /** The [Server] block east accepts for a load server. */
  readonly loadBlock: LoadServerBlock;
  readonly westToEast: Path;
  readonly eastToWest: Path;
  /** Floors: client → ircd → client on one ircd, no hub. */
  readonly westAlone: Path;
  readonly eastAlone: Path;
  /** alice, in west's #lobby: reports every PRIVMSG to the tracker as `alice@lobby`. */
  readonly alice: IrcProbe;
  /** Connects a fresh client to east's #lobby that reports to the tracker as `bob@lobby` (after east restarted). */
  reconnectBob(): Promise<IrcProbe>;
  stop(): Promise<void>;
}

/** One `irc-link` network for `server` (the harness's link block), as a YAML flow mapping (JSON). */
function linkNetwork(ircd: WestIrcd | 'ngircd', server: IrcServer, maxVirtualClients: number): string {
  return JSON.stringify({ protocol: 'irc-link', ...linkOptions(ircd, server), maxVirtualClients });
}

/**
 * The hub's config: both links, `#lobby` bridged with joins, parts and quits relayed (so each
 * side's people are shown on the other as they join, PyLink's way), the relay module, SQLite. A link that lasted
 * half a second counts as stable, so that each restart of the relink figure starts from the
 * first reconnect delay (the default 60 s would make restarts in quick succession back off,
 * as they should in production).
 */
function hubConfig(west: IrcServer, westIrcd: WestIrcd, east: IrcServer, maxVirtualClients: number, maxQueuePerTarget?: number): string {
  return `storage:
  path: ./switchboard.db
http: false
log:
  level: info
reconnect:
  stableAfterMs: 500
networks:
  west: ${linkNetwork(westIrcd, west, maxVirtualClients)}
  east: ${linkNetwork('ngircd', east, maxVirtualClients)}
bridges:
  lobby:
    channels: ["west:#lobby", "east:#lobby"]
    events: { joins: true, parts: true, quits: true }
modules:
  - module: relay
${maxQueuePerTarget === undefined ? '' : `    config: { maxQueuePerTarget: ${maxQueuePerTarget} }\n`}`;
}

/** Starts both ircds, the hub and the clients; on failure stops what was started. */
export async function startLinkRig(options: LinkRigOptions): Promise<LinkRig> {
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const loadBlock: LoadServerBlock = { name: 'load.ngircd.test', peerSends: secret(), serverSends: secret() };
    const west = options.west === 'inspircd' ? await startInspircd() : await startNgircd();
    stops.push(() => west.stop());
    const east = await startNgircd({ extraConfig: ngircdServerSection(loadBlock) });
    stops.push(() => east.stop());
    const dir = mkdtempSync(join(tmpdir(), 'sb-bench-link-'));
    stops.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
    const hub = startSwitchboardProcess({
      dir,
      config: hubConfig(west, options.west, east, options.maxVirtualClients, options.maxQueuePerTarget),
      ...(options.context.profileDir ? { profileDir: options.context.profileDir } : {}),
    });
    stops.push(() => hub.stop());
    await hub.ready(WAIT_MS);

    const tracker = new Tracker();
    const probe = async (server: IrcServer, nick: string, channels: readonly string[]) => {
      const client = await connectIrcProbe(server.host, server.port, nick, WAIT_MS);
      stops.push(() => client.close());
      for (const channel of channels) await client.join(channel, WAIT_MS);
      return client;
    };
    const alice = await probe(west, 'alice', ['#lobby', '#direct']);
    const carol = await probe(west, 'carol', ['#direct']);
    const dave = await probe(east, 'dave', ['#direct']);
    const lobbyReporter = (receiver: string, own: string) => (m: { from: string; target: string; text: string; at: number }) => {
      if (m.from !== own && m.target.toLowerCase() === '#lobby') tracker.arrived(receiver, m.text, m.at);
    };
    alice.onPrivmsg(lobbyReporter('alice@lobby', 'alice'));
    carol.onPrivmsg((m) => {
      if (m.from === 'alice' && m.target.toLowerCase() === '#direct') tracker.arrived('carol@direct', m.text, m.at);
    });
    dave.onPrivmsg((m) => {
      if (m.from === 'bob' && m.target.toLowerCase() === '#direct') tracker.arrived('dave@direct', m.text, m.at);
    });
    let bob = await probe(east, 'bob', ['#lobby', '#direct']);
    bob.onPrivmsg(lobbyReporter('bob@lobby', 'bob'));
    const say = (client: () => IrcProbe, channel: string) => (texts: readonly string[]) => client().send(...texts.map((t) => `PRIVMSG ${channel} :${t}`));
    return {
      tracker, west, east, westIrcd: options.west, hub, loadBlock, alice,
      westToEast: { key: 'west_to_east', label: `${options.west}→ngIRCd through Switchboard`, receiver: 'bob@lobby', send: say(() => alice, '#lobby') },
      eastToWest: { key: 'east_to_west', label: `ngIRCd→${options.west} through Switchboard`, receiver: 'alice@lobby', send: say(() => bob, '#lobby') },
      westAlone: { key: 'west_alone', label: `${options.west} alone (no bridge)`, receiver: 'carol@direct', send: say(() => alice, '#direct') },
      eastAlone: { key: 'east_alone', label: 'ngIRCd alone (no bridge)', receiver: 'dave@direct', send: say(() => bob, '#direct') },
      async reconnectBob() {
        bob = await probe(east, 'bob', ['#lobby', '#direct']);
        bob.onPrivmsg(lobbyReporter('bob@lobby', 'bob'));
        return bob;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
