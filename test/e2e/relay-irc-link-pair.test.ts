/**
 * IRC ↔ IRC through two server links (PyLink's main use): two real ircds — ngIRCd, InspIRCd or
 * ircd-hybrid on side one, ngIRCd on side two — each linked by the hub, `#lobby` bridged, an
 * independent client on each. Each side sees the other's people as virtual users: messages,
 * NAMES and WHOIS, nick changes, topics, joins, parts, quits, kicks (also a kick of a virtual
 * user, relayed to the person's own server), and a restart of side one's ircd (its people quit
 * on the other side, then come back).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hub } from '../../src/app/hub.js';
import { ircLinkConfigSchema } from '../../src/networks/irc-link/config.js';
import { builtinProtocols } from '../../src/networks/registry.js';
import { connectRawIrc, type RawIrcClient } from '../support/clients.js';
import { linkOptions } from '../support/link-network.js';
import { hubBase } from '../support/hub-config.js';
import { captureLog } from '../support/log-capture.js';
import { startInspircd, startNgircd, type IrcServer } from '../support/servers.js';
import { startHybrid } from '../support/hybrid-server.js';
import { waitFor } from '../support/wait.js';

const WAIT_MS = 15_000;
const CHANNEL = '#lobby';

type Ircd = 'ngircd' | 'inspircd' | 'hybrid';

function linkTo(ircd: Ircd, server: IrcServer) {
  return ircLinkConfigSchema.parse(linkOptions(ircd, server));
}

/** Side one's ircd; InspIRCd without the U-line, so that its users may kick virtual users. */
function startIrcd(ircd: Ircd): Promise<IrcServer> {
  return ircd === 'inspircd' ? startInspircd({ ulinedLink: false }) : ircd === 'hybrid' ? startHybrid() : startNgircd();
}

for (const ircdOne of ['ngircd', 'inspircd', 'hybrid'] as const) describe(`IRC ↔ IRC through two server links (${ircdOne} ↔ ngircd)`, { timeout: 180_000 }, () => {
  // How side two's people are named on side one: `bob|two`, or `bob/two` where the ircd takes '/'.
  const onOne = (nick: string): string => `${nick}${ircdOne === 'inspircd' ? '/' : '\\|'}two`;
  const sentOnOne = (nick: string): string => `${nick}${ircdOne === 'inspircd' ? '/' : '|'}two`;
  const dir = mkdtempSync(join(tmpdir(), 'sb-link-pair-'));
  const clients: RawIrcClient[] = [];
  let one: IrcServer;
  let two: IrcServer;
  let hub: Hub;
  let alice: RawIrcClient;
  let bob: RawIrcClient;
  const captured = captureLog('info');

  async function user(server: IrcServer, nick: string): Promise<RawIrcClient> {
    const client = await connectRawIrc({ host: server.host, port: server.port, nick });
    clients.push(client);
    client.send(`JOIN ${CHANNEL}`);
    await client.waitForLine(new RegExp(`^:${nick}!\\S+ JOIN :?${CHANNEL}`, 'i'), WAIT_MS);
    return client;
  }

  before(async () => {
    [one, two] = await Promise.all([startIrcd(ircdOne), startNgircd()]);
    // alice and bob join first: each is their channel's operator.
    alice = await user(one, 'alice');
    bob = await user(two, 'bob');
    hub = await Hub.start({
      config: {
        ...hubBase(dir),
        networks: [{ name: 'one', protocol: 'irc-link', options: linkTo(ircdOne, one) }, { name: 'two', protocol: 'irc-link', options: linkTo('ngircd', two) }],
        bridges: [{ name: 'lobby', channels: [{ network: 'one', id: CHANNEL }, { network: 'two', id: CHANNEL }], options: { events: { joins: true, parts: true, quits: true } } }],
        modules: [{ module: 'relay', specifier: 'relay', config: undefined }],
      },
      log: captured.log,
      protocols: builtinProtocols(),
    });
    await hub.ready;
    // The link is in the channel once each ircd has handled its burst (a line written before
    // that, on another socket, may be handled first and not reach the link).
    await Promise.all([alice, bob].map((c) => c.waitForLine(/^:Switchboard!\S+ JOIN :?#lobby/i, WAIT_MS)));
  });
  after(async () => {
    if (process.env.SB_DUMP_LOG) console.log(JSON.stringify(captured.lines, null, 1));
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await hub?.stop().catch(() => undefined);
    await Promise.all([one?.stop(), two?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('messages come from virtual users, which NAMES and WHOIS show', async () => {
    alice.send(`PRIVMSG ${CHANNEL} :hello from one`);
    assert.match(await bob.waitForLine(/PRIVMSG #lobby :hello from one$/, WAIT_MS), /^:alice\|one!alice@one\.bridge\.ngircd\.test PRIVMSG/);
    bob.send(`PRIVMSG ${CHANNEL} :hello from two`);
    assert.match(await alice.waitForLine(/PRIVMSG #lobby :hello from two$/, WAIT_MS), new RegExp(`^:${onOne('bob')}!`));
    bob.send(`NAMES ${CHANNEL}`);
    // (The NAMES reply of bob's own join is older and lacks her: the first reply naming her.)
    assert.match(await bob.waitForLine(/ 353 bob = #lobby :.*alice\|one/, WAIT_MS), /[ :@]alice\|one( |$)/);
    // A private message to a virtual user reaches the person, from the writer's virtual user.
    bob.send('PRIVMSG alice|one :just for you');
    assert.match(await alice.waitForLine(/ PRIVMSG alice :just for you$/, WAIT_MS), new RegExp(`^:${onOne('bob')}!`));
    alice.send(`PRIVMSG ${sentOnOne('bob')} :thanks`);
    assert.match(await bob.waitForLine(/ PRIVMSG bob :thanks$/, WAIT_MS), /^:alice\|one!/);
    bob.send('WHOIS alice|one');
    assert.match(await bob.waitForLine(/ 311 bob alice\|one /, WAIT_MS), / 311 bob alice\|one alice one\.bridge\.ngircd\.test \* :alice \(test client\) \(one\)$/);
  });

  it('joins, nick changes and topics are native on the other side', async () => {
    const carol = await user(one, 'carol');
    await bob.waitForLine(/^:carol\|one!\S+ JOIN :?#lobby/i, WAIT_MS);
    alice.send('NICK alicia');
    assert.match(await bob.waitForLine(/^:alice\|one!\S+ NICK /, WAIT_MS), /NICK :?alicia\|one$/);
    alice.send(`TOPIC ${CHANNEL} :one's topic`);
    assert.match(await bob.waitForLine(/ TOPIC #lobby :one's topic$/, WAIT_MS), /^:alicia\|one!/);
    carol.send(`PART ${CHANNEL} :bye`);
    // ircd-hybrid drops the part and quit reasons of users connected for less than five minutes
    // (its anti_spam_exit_message_time): there the reason never reaches the link.
    const reason = (text: string): string => (ircdOne === 'hybrid' ? '.*' : text);
    assert.match(await bob.waitForLine(/^:carol\|one!\S+ (PART|QUIT)/, WAIT_MS), new RegExp(`(PART #lobby|QUIT) :${reason('bye')}$`));
    const quinn = await user(one, 'quinn');
    await bob.waitForLine(/^:quinn\|one!\S+ JOIN/i, WAIT_MS);
    quinn.send('QUIT :off to bed');
    assert.match(await bob.waitForLine(/^:quinn\|one!\S+ QUIT /, WAIT_MS), new RegExp(`QUIT :"?(Quit: )?${reason('off to bed')}"?$`));
  });

  it("a kick is the kicker's virtual user kicking; a kick of a virtual user kicks the person at home", async () => {
    const dave = await user(one, 'dave');
    await bob.waitForLine(/^:dave\|one!\S+ JOIN/i, WAIT_MS);
    alice.send(`KICK ${CHANNEL} dave :out`);
    assert.match(await bob.waitForLine(/ KICK #lobby dave\|one /, WAIT_MS), /^:alicia\|one!\S+ KICK #lobby dave\|one :out$/);
    await dave.close();
    const erin = await user(two, 'erin');
    await alice.waitForLine(new RegExp(`^:${onOne('erin')}!\\S+ JOIN`, 'i'), WAIT_MS);
    // alicia (operator on one) kicks erin's virtual user: erin herself is kicked on two.
    alice.send(`KICK ${CHANNEL} ${sentOnOne('erin')} :go home`);
    assert.match(await erin.waitForLine(/ KICK #lobby erin /, WAIT_MS), /^:alicia\|one!\S+ KICK #lobby erin :go home$/);
  });

  it('a restart of side one\'s ircd: its people quit on the other side, and come back', async () => {
    await one.restart();
    await bob.waitForLine(/^:alicia\|one!\S+ QUIT /, WAIT_MS);
    await waitFor(() => hub.health().networks.one?.state === 'connected' ? true : undefined, { timeoutMs: WAIT_MS, what: 'the link to one to come back' });
    const frank = await user(one, 'frank');
    // Back on one, the people of two's room are there again before they say anything (the relay
    // shows the rooms' people after a reconnect, as PyLink bursts its clones).
    await waitFor(async () => {
      frank.send(`NAMES ${CHANNEL}`);
      return new RegExp(`[ :@]${onOne('bob')}( |$)`).test(await frank.waitForLine(/ 353 frank = #lobby :/, WAIT_MS)) || undefined;
    }, { timeoutMs: WAIT_MS, intervalMs: 200, what: `${sentOnOne('bob')} in the NAMES of one` });
    assert.equal(frank.lines.filter((l) => / PRIVMSG #lobby :/.test(l)).length, 0, 'before bob said anything');
    frank.send(`PRIVMSG ${CHANNEL} :back after the restart`);
    assert.match(await bob.waitForLine(/PRIVMSG #lobby :back after the restart$/, WAIT_MS), /^:frank\|one!/);
    bob.send(`PRIVMSG ${CHANNEL} :welcome back`);
    assert.match(await frank.waitForLine(/PRIVMSG #lobby :welcome back$/, WAIT_MS), new RegExp(`^:${onOne('bob')}!`));
  });
});
