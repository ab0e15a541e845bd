/**
 * The rig of the gateway benchmark: one ngIRCd and one Prosody on loopback for the whole run
 * (Prosody with a second component, `biboumi.localhost`, for Biboumi), and independent clients
 * in the benchmark process: `alice` and `carol` on IRC (bare sockets), `sam`, `bob` and `dave`
 * on XMPP (@xmpp/client). Every path ends at carol or dave in a one-to-one message:
 * - the floor: alice → carol (PRIVMSG, ngIRCd alone) and bob → dave (chat, Prosody alone);
 * - Switchboard: sam → `carol@gateway.localhost` (the gateway; sam is registered as `samgw`);
 * - Biboumi: sam → `carol%127.0.0.1@biboumi.localhost` (Biboumi connects sam as `sam`).
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startNgircd, startProsody, type IrcServer, type XmppServer } from '../../test/support/servers.js';
import { connectXmppClient, xml, type TestXmppClient, type XmlElement } from '../../test/support/clients.js';
import { BIBOUMI_DOMAIN, biboumiComponent } from './biboumi.js';
import { connectIrcProbe, type IrcProbe } from './irc-probe.js';
import { Tracker, type Path } from './traffic.js';

const WAIT_MS = 20_000;
/** The IRC nick sam is registered with at the Switchboard gateway (Biboumi uses `sam`). */
export const SAM_GATEWAY_NICK = 'samgw';
const BIBOUMI_NICK = 'sam';
/** ngIRCd's server password: every IRC client of the run logs in with it (`PASS`). */
export const IRC_PASSWORD = 'bench-server-pw';

export interface GatewayRig {
  readonly irc: IrcServer;
  readonly xmpp: XmppServer;
  readonly tracker: Tracker;
  /** sam, the XMPP user who writes through both gateways. */
  readonly sam: TestXmppClient;
  /** alice, on IRC: asks the server for its user count. */
  readonly alice: IrcProbe;
  /** `crowd` XMPP users (bib0…) for Biboumi's memory per user: each makes it open an IRC connection. */
  readonly crowd: readonly TestXmppClient[];
  /** Biboumi's component secret (Prosody has its Component section whether or not it runs). */
  readonly biboumiSecret: string;
  readonly ircToIrc: Path;
  readonly xmppToXmpp: Path;
  readonly throughSwitchboard: Path;
  readonly throughBiboumi: Path;
  stop(): Promise<void>;
}

/** Whether a client with `password` gets in (001) within 2 s. */
async function admitted(irc: IrcServer, password: string): Promise<boolean> {
  try {
    await (await connectIrcProbe(irc.host, irc.port, `pw${randomBytes(2).toString('hex')}`, 2000, password)).close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Turns on ngIRCd's server password (the harness's start-up probe registers without one): the
 * config gets a second [Global] section and the server rehashes; resolves once a wrong password
 * is refused and the right one admitted (ngIRCd reopens its listener on SIGHUP: both fail meanwhile).
 */
async function requireIrcPassword(irc: IrcServer): Promise<void> {
  appendFileSync(join(irc.dir, 'ngircd.conf'), `[Global]\n\tPassword = ${IRC_PASSWORD}\n`);
  process.kill(irc.pid, 'SIGHUP');
  const deadline = Date.now() + WAIT_MS;
  while (!(await admitted(irc, IRC_PASSWORD)) || (await admitted(irc, 'wrong'))) {
    if (Date.now() >= deadline) throw new Error(`ngIRCd did not start requiring its password within ${WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One-to-one chat messages from `client` to `to`, without waiting. */
function chatAll(client: TestXmppClient, to: string, texts: readonly string[]): void {
  for (const text of texts) client.send(xml('message', { to, type: 'chat' }, xml('body', {}, text))).catch(() => undefined);
}

/** Options of {@link startGatewayRig}. */
export interface GatewayRigOptions {
  /**
   * Prosody's Nagle algorithm on its sockets (its default: on). Off (`network_settings = { nagle
   * = false }`), a small stanza written after another is not held until the client's ACK.
   */
  readonly prosodyNagle?: boolean;
}

/** Starts the servers and the clients (`crowd` more XMPP users, see {@link GatewayRig.crowd}); on failure stops what was started. */
export async function startGatewayRig(crowd: number, options: GatewayRigOptions = {}): Promise<GatewayRig> {
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const irc = await startNgircd();
    stops.push(() => irc.stop());
    await requireIrcPassword(irc);
    const biboumi = biboumiComponent();
    const xmpp = await startProsody({ users: [['sam', 'pw'], ['bob', 'pw'], ['dave', 'pw']], noDebugLog: true, extraConfig: `${options.prosodyNagle === false ? 'network_settings = { nagle = false }\n' : ''}${biboumi.prosodyConfig}` });
    stops.push(() => xmpp.stop());
    const tracker = new Tracker();
    const alice = await connectIrcProbe(irc.host, irc.port, 'alice', WAIT_MS, IRC_PASSWORD);
    stops.push(() => alice.close());
    const carol = await connectIrcProbe(irc.host, irc.port, 'carol', WAIT_MS, IRC_PASSWORD);
    stops.push(() => carol.close());
    carol.onPrivmsg((m) => {
      if (m.target.toLowerCase() !== 'carol') return;
      const receiver = { alice: 'carol@direct', [SAM_GATEWAY_NICK]: 'carol@switchboard', [BIBOUMI_NICK]: 'carol@biboumi' }[m.from.toLowerCase()];
      if (receiver !== undefined) tracker.arrived(receiver, m.text, m.at);
    });
    const service = `xmpp://${xmpp.host}:${xmpp.port}`;
    const connect = async (username: string) => {
      const client = await connectXmppClient({ service, domain: xmpp.domain, username, password: 'pw' });
      stops.push(() => client.close());
      return client;
    };
    const sam = await connect('sam');
    const bob = await connect('bob');
    const dave = await connect('dave');
    const crowdClients: TestXmppClient[] = [];
    for (let i = 0; i < crowd; i += 10) {
      const names = Array.from({ length: Math.min(10, crowd - i) }, (_, j) => `bib${i + j}`);
      await Promise.all(names.map((name) => xmpp.registerUser(name, 'pw')));
      crowdClients.push(...(await Promise.all(names.map(connect))));
    }
    dave.xmpp.on('stanza', (stanza: XmlElement) => {
      const at = performance.now();
      if (!stanza.is('message') || stanza.attrs.type !== 'chat' || !stanza.attrs.from?.startsWith(`bob@${xmpp.domain}/`)) return;
      const body = stanza.getChildText('body');
      if (body !== null) tracker.arrived('dave@direct', body, at);
    });
    return {
      irc,
      xmpp,
      tracker,
      sam,
      alice,
      crowd: crowdClients,
      biboumiSecret: biboumi.secret,
      ircToIrc: { key: 'irc_to_irc', label: 'IRC→IRC private message, ngIRCd alone (floor)', receiver: 'carol@direct', send: (texts) => alice.send(...texts.map((t) => `PRIVMSG carol :${t}`)) },
      xmppToXmpp: { key: 'xmpp_to_xmpp', label: 'XMPP→XMPP chat, Prosody alone (floor)', receiver: 'dave@direct', send: (texts) => chatAll(bob, `dave@${xmpp.domain}`, texts) },
      throughSwitchboard: { key: 'switchboard', label: 'XMPP→IRC one-to-one through the Switchboard gateway', receiver: 'carol@switchboard', send: (texts) => chatAll(sam, `carol@${xmpp.componentDomain}`, texts) },
      throughBiboumi: { key: 'biboumi', label: 'XMPP→IRC one-to-one through Biboumi', receiver: 'carol@biboumi', send: (texts) => chatAll(sam, `carol%${irc.host}@${BIBOUMI_DOMAIN}`, texts) },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The number of users ngIRCd counts (LUSERS, 251 "There are N users…"), or undefined. */
export async function ircUserCount(probe: IrcProbe, timeoutMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), timeoutMs);
    let done = false;
    probe.onLine((line) => {
      const match = /^:\S+ 251 \S+ :There are (\d+) users and (\d+) services/.exec(line);
      if (done || !match) return;
      done = true;
      clearTimeout(timer);
      resolve(Number(match[1]) + Number(match[2]));
    });
    probe.send('LUSERS');
  });
}
