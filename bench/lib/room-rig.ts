/**
 * The group-chat side of the gateway rig: the IRC channel `#lobby` with a few IRC users (alice,
 * who writes and sets the topic; olive, the observer; ivy and joe, idle), and the paths of room
 * messages through a gateway: sam (XMPP) → `#lobby` → olive, and alice → `#lobby` → sam. Olive
 * also records every JOIN she sees, with its arrival time, for the cold join.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { NS_MUC, xml, type TestXmppClient, type XmlElement } from '../../test/support/clients.js';
import { IRC_PASSWORD, type GatewayRig } from './gateway-rig.js';
import { connectIrcProbe, type IrcProbe } from './irc-probe.js';
import type { Path } from './traffic.js';

/** The channel every room measure uses. */
export const CHANNEL = '#lobby';
const WAIT_MS = 20_000;
/** Silence on the joining client's stream before a cold join starts. */
const QUIET_MS = 500;

/** A gateway as the room benchmark sees it: its name, the room's JID and sam's nick there. */
export interface RoomGateway {
  /** `switchboard` or `biboumi`: the tracker's receiver names end with it. */
  readonly name: string;
  /** The bare room JID of {@link CHANNEL}. */
  readonly room: string;
  /** Sam's nick in the room, which is also his IRC nick. */
  readonly nick: string;
}

export interface RoomRig {
  /** sam → room → olive (PRIVMSG #lobby from sam's IRC nick). */
  xmppToIrc(gateway: RoomGateway): Path;
  /** alice (PRIVMSG #lobby) → room → sam (groupchat from `room/alice`, not delayed). */
  ircToXmpp(gateway: RoomGateway): Path;
  /**
   * Once `client`'s stream has been quiet for half a second, sends its join presence to `room/nick` (no history asked) and resolves with the time
   * from sending it to the room's subject (the join's end; from the room or from who set it), and to olive seeing `ircNick` JOIN;
   * `stanzasBefore`: how many stanzas the client received from sending it to the subject.
   */
  coldJoin(client: TestXmppClient, gateway: RoomGateway, ircNick: string): Promise<{ readonly subjectMs: number; readonly ircJoinMs: number; readonly stanzasBefore: number }>;
  /** Every line olive received after joining, with its arrival time (feature checks read it). */
  readonly oliveLines: ReadonlyArray<{ readonly line: string; readonly at: number }>;
  stop(): Promise<void>;
}

/**
 * Resolves once `client` has received nothing for `quietMs` (rejects after `timeoutMs`): what an
 * earlier step set off (a login's presences, an IRC server's welcome relayed as messages, an
 * earlier join's tail) then does not land inside the next measure.
 */
async function quiet(client: TestXmppClient, quietMs: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let count = client.stanzas.length;
  let since = performance.now();
  while (performance.now() - since < quietMs) {
    if (performance.now() >= deadline) throw new Error(`${client.jid} kept receiving stanzas for ${timeoutMs} ms`);
    await sleep(20);
    if (client.stanzas.length !== count) {
      count = client.stanzas.length;
      since = performance.now();
    }
  }
}

function isRoomMessageFrom(stanza: XmlElement, occupant: string): boolean {
  return stanza.is('message') && stanza.attrs.type === 'groupchat' && stanza.attrs.from === occupant && stanza.getChild('delay', 'urn:xmpp:delay') === undefined;
}

/** Joins the IRC users to {@link CHANNEL}, sets its topic and wires the receivers; on failure closes what it opened. */
export async function startRoomRig(rig: GatewayRig, gateways: readonly RoomGateway[]): Promise<RoomRig> {
  const probes: IrcProbe[] = [];
  const stop = async () => {
    for (const p of probes) await p.close().catch(() => undefined);
  };
  try {
    await rig.alice.join(CHANNEL, WAIT_MS);
    rig.alice.send(`TOPIC ${CHANNEL} :bench room`);
    for (const nick of ['olive', 'ivy', 'joe']) {
      const probe = await connectIrcProbe(rig.irc.host, rig.irc.port, nick, WAIT_MS, IRC_PASSWORD);
      probes.push(probe);
      await probe.join(CHANNEL, WAIT_MS);
    }
    const olive = probes[0]!;
    const joins: Array<{ nick: string; at: number }> = [];
    const oliveLines: Array<{ line: string; at: number }> = [];
    olive.onLine((line, at) => {
      if (line.includes(' PRIVMSG ') && oliveLines.length < 100_000) oliveLines.push({ line, at });
      const match = /^(?:@\S+ )?:([^!\s]+)\S* JOIN :?(\S+)/.exec(line);
      if (match && match[2]!.toLowerCase() === CHANNEL) joins.push({ nick: match[1]!.toLowerCase(), at });
    });
    const byNick = new Map(gateways.map((g) => [g.nick.toLowerCase(), g.name]));
    olive.onPrivmsg((m) => {
      const name = byNick.get(m.from.toLowerCase());
      if (m.target.toLowerCase() === CHANNEL && name !== undefined) rig.tracker.arrived(`olive@${name}`, m.text, m.at);
    });
    rig.sam.xmpp.on('stanza', (stanza: XmlElement) => {
      const at = performance.now();
      for (const g of gateways) {
        if (!isRoomMessageFrom(stanza, `${g.room}/alice`)) continue;
        const body = stanza.getChildText('body');
        if (body !== null) rig.tracker.arrived(`sam-room@${g.name}`, body, at);
      }
    });
    return {
      xmppToIrc: (g) => ({ key: `xmpp_to_irc.${g.name}`, label: `XMPP→IRC room message through ${g.name}`, receiver: `olive@${g.name}`, send: (texts) => {
        for (const text of texts) rig.sam.send(xml('message', { to: g.room, type: 'groupchat' }, xml('body', {}, text))).catch(() => undefined);
      } }),
      ircToXmpp: (g) => ({ key: `irc_to_xmpp.${g.name}`, label: `IRC→XMPP room message through ${g.name}`, receiver: `sam-room@${g.name}`, send: (texts) => rig.alice.send(...texts.map((t) => `PRIVMSG ${CHANNEL} :${t}`)) }),
      async coldJoin(client, g, ircNick) {
        const occupant = `${g.room}/${g.nick}`;
        const ended = client.waitForStanza((s) => (s.is('message') && (s.attrs.from === g.room || String(s.attrs.from).startsWith(`${g.room}/`)) && s.getChild('subject') !== undefined) || (s.is('presence') && s.attrs.from === occupant && s.attrs.type === 'error'), WAIT_MS);
        await quiet(client, QUIET_MS, WAIT_MS);
        const mark = client.stanzas.length;
        const start = performance.now();
        await client.send(xml('presence', { to: occupant }, xml('x', { xmlns: NS_MUC }, xml('history', { maxstanzas: 0 }))));
        const end = await ended;
        const subjectMs = performance.now() - start;
        const stanzasBefore = client.stanzas.length - mark;
        if (end.is('presence')) throw new Error(`joining ${occupant} failed: ${end.toString()}`);
        const deadline = start + WAIT_MS;
        for (;;) {
          const seen = joins.find((j) => j.nick === ircNick.toLowerCase() && j.at >= start);
          if (seen !== undefined) return { subjectMs, ircJoinMs: seen.at - start, stanzasBefore };
          if (performance.now() >= deadline) throw new Error(`olive saw no JOIN of ${ircNick} within ${WAIT_MS} ms`);
          await sleep(5);
        }
      },
      oliveLines,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
