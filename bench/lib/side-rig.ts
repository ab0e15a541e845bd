/**
 * The rig of the side-by-side benchmark: one ngIRCd and one Prosody on loopback for the whole
 * run, and the bench clients (alice, carol on IRC; bob, dave on XMPP) in this process. Every
 * bridge under test gets its own channel pair (so a bridge that just stopped cannot answer for
 * the next one); `#direct` / `direct@conference`, which no bridge joins, give the floor.
 * The bridges themselves are started and stopped per slot by the benchmark.
 */
import { startNgircd, startProsody, type IrcServer, type XmppServer } from '../../test/support/servers.js';
import { connectBenchClients } from './bench-clients.js';
import type { IrcProbe } from './irc-probe.js';
import { reportGroupchat, sayAll, type BridgedPair } from './relay-rig.js';
import { Tracker, type Path } from './traffic.js';

const WAIT_MS = 20_000;

export interface BridgedPaths {
  readonly ircToXmpp: Path;
  readonly xmppToIrc: Path;
}

export interface SideRig {
  readonly irc: IrcServer;
  readonly xmpp: XmppServer;
  readonly tracker: Tracker;
  /** The floor: client → server → client on one network, no bridge. */
  readonly ircToIrc: Path;
  readonly xmppToXmpp: Path;
  /** alice ↔ bob through whichever bridge links `pair` (one of the pairs the rig was started with). */
  bridged(pair: BridgedPair, bridgeLabel: string): BridgedPaths;
  stop(): Promise<void>;
}

function ircSay(client: IrcProbe, channel: string): (texts: readonly string[]) => void {
  return (texts) => client.send(...texts.map((t) => `PRIVMSG ${channel} :${t}`));
}

/** Starts the servers and the clients, joined to `#direct` and to every pair's channel and room. */
export async function startSideRig(pairs: readonly BridgedPair[]): Promise<SideRig> {
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const irc = await startNgircd();
    stops.push(() => irc.stop());
    const users: Array<[string, string]> = [['bob', 'pw'], ['dave', 'pw'], ...pairs.map((p): [string, string] => [p.xmppUser, 'botpass'])];
    const xmpp = await startProsody({ users });
    stops.push(() => xmpp.stop());
    const tracker = new Tracker();
    const room = (local: string) => `${local}@${xmpp.mucDomain}`;

    const { alice, carol, bob, dave } = await connectBenchClients({ irc, xmpp }, { channels: pairs.map((p) => p.channel), rooms: pairs.map((p) => p.room) }, stops, WAIT_MS);

    alice.onPrivmsg((m) => {
      const pair = pairs.find((p) => m.from === p.ircNick && m.target.toLowerCase() === p.channel);
      if (pair) tracker.arrived(`alice@${pair.room}`, m.text, m.at);
    });
    carol.onPrivmsg((m) => {
      if (m.from === 'alice' && m.target.toLowerCase() === '#direct') tracker.arrived('carol@direct', m.text, m.at);
    });
    for (const p of pairs) reportGroupchat(bob, tracker, `bob@${p.room}`, `${room(p.room)}/${p.mucNick}`);
    reportGroupchat(dave, tracker, 'dave@direct', `${room('direct')}/bob`);

    return {
      irc,
      xmpp,
      tracker,
      ircToIrc: { key: 'irc_to_irc', label: 'IRC→IRC, ngIRCd alone (floor)', receiver: 'carol@direct', send: ircSay(alice, '#direct') },
      xmppToXmpp: { key: 'xmpp_to_xmpp', label: 'XMPP→XMPP, Prosody alone (floor)', receiver: 'dave@direct', send: (texts) => sayAll(bob, room('direct'), texts) },
      bridged: (pair, bridgeLabel) => ({
        ircToXmpp: { key: 'irc_to_xmpp', label: `IRC→XMPP through ${bridgeLabel}`, receiver: `bob@${pair.room}`, send: ircSay(alice, pair.channel) },
        xmppToIrc: { key: 'xmpp_to_irc', label: `XMPP→IRC through ${bridgeLabel}`, receiver: `alice@${pair.room}`, send: (texts) => sayAll(bob, room(pair.room), texts) },
      }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
