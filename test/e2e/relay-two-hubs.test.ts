/**
 * Two Switchboard hubs bridging the same pair of channels (an IRC #lobby and a Prosody room),
 * each with its own bot accounts: every message reaches the other side once per hub, and nothing
 * comes back or goes round. Two ways to tell a hub about the other:
 *
 * - `ignoreUsers` (any server): each ignores the other's bots (ngIRCd, no message-tags).
 * - `peerBridges` on each network: each believes the other's hop marker, so the other's copies
 *   are not relayed again (InspIRCd with message-tags; a room that shows real JIDs).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Hub } from '../../src/app/hub.js';
import { ircConfigSchema } from '../../src/networks/irc/config.js';
import { xmppConfigSchema } from '../../src/networks/xmpp/config.js';
import { builtinProtocols } from '../../src/networks/registry.js';
import type { RawIrcClient, TestXmppClient } from '../support/clients.js';
import { bodyOf, ircText, startBridge, WAIT_MS, IRC_CHANNEL, BOT_NICK, XMPP_BOT_NICK, type BridgeSetup } from './relay-setup.js';

const BOT2_NICK = 'relaybot2';
const XMPP_BOT2_NICK = 'switchboard2';

/** How one hub is told about the other. */
interface Variant {
  readonly title: string;
  readonly ircServer: 'ngircd' | 'inspircd';
  readonly prosodyExtraConfig?: string;
  /** Bridge options of a hub whose peer's bots are `peerBots`. */
  readonly bridgeOptions: (peerBots: readonly string[]) => Record<string, unknown>;
  /** Extra network options (irc, xmpp) of a hub whose peer's bots are IRC `peerIrc` and XMPP account `peerJid`. */
  readonly networkOptions: (peerIrc: string, peerJid: string) => { readonly irc: Record<string, unknown>; readonly xmpp: Record<string, unknown> };
}

const VARIANTS: readonly Variant[] = [
  {
    title: 'told to ignore each other\'s bots (ngIRCd)',
    ircServer: 'ngircd',
    bridgeOptions: (peerBots) => ({ ignoreUsers: peerBots }),
    networkOptions: () => ({ irc: {}, xmpp: {} }),
  },
  {
    title: 'configured as each other\'s peer bridges (InspIRCd with message-tags, a room with public JIDs)',
    ircServer: 'inspircd',
    prosodyExtraConfig: 'muc_room_default_public_jids = true',
    bridgeOptions: () => ({}),
    networkOptions: (peerIrc, peerJid) => ({ irc: { peerBridges: [`${peerIrc}!*@*`] }, xmpp: { peerBridges: [peerJid] } }),
  },
];

for (const variant of VARIANTS) describe(`two hubs bridging the same channels do not loop: ${variant.title}`, { timeout: 120_000 }, () => {
  let setup: BridgeSetup;
  let second: Hub | undefined;
  let alice: RawIrcClient;
  let bob: TestXmppClient;
  let room: string;

  const botsOnIrc = [BOT_NICK, BOT2_NICK];
  const botsInRoom = [XMPP_BOT_NICK, XMPP_BOT2_NICK];
  const relayedOnIrc = (text: string) => alice.lines.filter((l) => botsOnIrc.some((nick) => l.startsWith(`:${nick}!`)) && ircText(l).includes(text));
  const relayedInRoom = (text: string) => bob.stanzas.filter((s) => s.is('message') && botsInRoom.some((nick) => s.attrs.from === `${room}/${nick}`) && (bodyOf(s) ?? '').includes(text));

  /** Waits until each hub relayed `text` to IRC. */
  async function bothOnIrc(text: string): Promise<void> {
    for (const nick of botsOnIrc) await alice.waitForLine(new RegExp(`^:${nick}!\\S+ PRIVMSG ${IRC_CHANNEL} :<bob@jabber> ${text}$`, 'i'), WAIT_MS);
  }
  /** Waits until each hub relayed `text` to the room. */
  async function bothInRoom(text: string): Promise<void> {
    for (const nick of botsInRoom) {
      await bob.waitForStanza((s) => s.is('message') && s.attrs.from === `${room}/${nick}` && bodyOf(s) === `<alice@irc> ${text}`, WAIT_MS);
    }
  }

  before(async () => {
    setup = await startBridge({ ircServer: variant.ircServer, ...(variant.prosodyExtraConfig ? { prosodyExtraConfig: variant.prosodyExtraConfig } : {}) });
    room = setup.room;
    await setup.xmpp.registerUser('bridgebot2', 'botpass2');
    const first = setup.config(variant.bridgeOptions([BOT2_NICK, XMPP_BOT2_NICK]));
    const firstPeers = variant.networkOptions(BOT2_NICK, `bridgebot2@${setup.xmpp.domain}`);
    await setup.startHub(variant.bridgeOptions([BOT2_NICK, XMPP_BOT2_NICK]), undefined, {
      networks: first.networks.map((n) => ({ ...n, options: { ...(n.options as object), ...(n.protocol === 'irc' ? firstPeers.irc : firstPeers.xmpp) } })),
    });
    const base = setup.config(variant.bridgeOptions([BOT_NICK, XMPP_BOT_NICK]));
    const peers = variant.networkOptions(BOT_NICK, `bridgebot@${setup.xmpp.domain}`);
    second = await Hub.start({
      config: {
        ...base,
        storage: { kind: 'sqlite', path: join(setup.dir, 'second.db') },
        networks: [
          { name: 'irc', protocol: 'irc', options: ircConfigSchema.parse({ host: setup.irc.host, port: setup.irc.port, nick: BOT2_NICK, flood: { burst: 20, intervalMs: 5 }, ...peers.irc }) },
          {
            name: 'jabber',
            protocol: 'xmpp',
            options: xmppConfigSchema.parse({
              jid: `bridgebot2@${setup.xmpp.domain}`, password: 'botpass2', service: `xmpp://${setup.xmpp.host}:${setup.xmpp.port}`,
              requireTls: false, saslMechanism: 'PLAIN', nick: XMPP_BOT2_NICK, ...peers.xmpp,
            }),
          },
        ],
      },
      log: setup.log,
      protocols: builtinProtocols(),
    });
    await second.ready;
    alice = await setup.ircUser('alice');
    bob = await setup.xmppUser('bob', 'bob');
  });
  after(async () => {
    await second?.stop().catch(() => undefined);
    await setup?.stop();
  });

  it('each message arrives once per hub, in both directions, and nothing goes round', async () => {
    alice.send(`PRIVMSG ${IRC_CHANNEL} :ping one`);
    await bothInRoom('ping one');
    await bob.sayInRoom(room, 'pong two');
    await bothOnIrc('pong two');
    // A loop would put its copies in each hub's per-target queue ahead of these (order per
    // channel is kept), so once the sentinels are through, any loop would have shown.
    alice.send(`PRIVMSG ${IRC_CHANNEL} :sentinel irc`);
    await bothInRoom('sentinel irc');
    await bob.sayInRoom(room, 'sentinel xmpp');
    await bothOnIrc('sentinel xmpp');

    assert.equal(relayedInRoom('ping one').length, 2, 'once per hub in the room');
    assert.equal(relayedOnIrc('ping one').length, 0, 'never back to IRC');
    assert.equal(relayedOnIrc('pong two').length, 2, 'once per hub on IRC');
    assert.equal(relayedInRoom('pong two').length, 0, 'never back to the room');
  });
});
