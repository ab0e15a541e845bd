/**
 * The relay end to end (ngIRCd, Prosody with HTTP upload, a real hub): files both ways, a file
 * refused by a spam checker's checkMediaFileForSpam, quits and kicks relayed as configured, and
 * quotes of messages from before a restart.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { xml, type RawIrcClient, type TestXmppClient } from '../support/clients.js';
import {
  bodyOf, fileMessage, fromBot, ircText, startBridge, uploadAs, WAIT_MS, IRC_CHANNEL, BOT_NICK, type BridgeSetup,
} from './relay-setup.js';
import { egressConfig } from '../support/egress.js';

const SPAM_MODULE = fileURLToPath(new URL('./relay-spam-fixture.js', import.meta.url));

describe('relay files, quits and kicks between ngIRCd and Prosody', { timeout: 180_000 }, () => {
  let setup: BridgeSetup;
  let alice: RawIrcClient;
  let bob: TestXmppClient;
  let room: string;
  const botLine = (text: RegExp) => new RegExp(`^:${BOT_NICK}!\\S+ (PRIVMSG|NOTICE) ${IRC_CHANNEL} :${text.source}`, 'i');

  const startHub = () => setup.startHub(
    { events: { quits: true }, networks: { irc: { events: { kicks: false } } } },
    undefined,
    {
      modules: [{ module: SPAM_MODULE, specifier: SPAM_MODULE, config: undefined }, ...setup.config().modules],
      // Prosody's upload service listens on loopback: the spam checker reads files from it.
      egress: egressConfig([`127.0.0.1:${setup.xmpp.httpPort}`]),
    },
  );

  before(async () => {
    setup = await startBridge({ httpUpload: true });
    room = setup.room;
    // alice joins first, so she is the channel operator (she kicks below).
    alice = await setup.ircUser('alice');
    await startHub();
    await alice.waitForLine(new RegExp(`^:${BOT_NICK}!\\S+ JOIN :?${IRC_CHANNEL}`, 'i'), WAIT_MS);
    bob = await setup.xmppUser('bob', 'bob');
  });
  after(() => setup?.stop());

  it('relays a file uploaded on XMPP to IRC as its link', async () => {
    const url = await uploadAs(bob, setup.xmpp.uploadDomain!, 'notes.txt', Buffer.from('meeting notes\n'));
    await bob.send(fileMessage(room, 'file-1', url));
    const line = await alice.waitForLine(botLine(/.*notes\.txt/), WAIT_MS);
    assert.equal(ircText(line), `<bob@jabber> notes.txt: ${url}`);
  });

  it('relays a link posted on IRC to XMPP as it is', async () => {
    const url = await uploadAs(bob, setup.xmpp.uploadDomain!, 'plan.txt', Buffer.from('the plan\n'));
    alice.send(`PRIVMSG ${IRC_CHANNEL} :the plan: ${url}`);
    const stanza = await bob.waitForStanza(fromBot(room, (b) => b.includes('the plan')), WAIT_MS);
    assert.equal(bodyOf(stanza), `<alice@irc> the plan: ${url}`);
  });

  it('leaves out a file that checkMediaFileForSpam refuses, relays the rest, and logs why', async () => {
    const url = await uploadAs(bob, setup.xmpp.uploadDomain!, 'offer.txt', Buffer.from('BUY NOW SPAM SPAM\n'));
    await bob.send(fileMessage(room, 'file-2', url));
    await bob.sayInRoom(room, 'after the spam');
    const next = await alice.waitForLine(botLine(/.*/), WAIT_MS);
    assert.equal(ircText(next), '<bob@jabber> after the spam', 'the refused file produced no line');
    assert.equal(alice.lines.some((l) => l.includes('offer.txt')), false);
    const refusals = setup.logLines.filter((l) => String(l.msg).includes('refused by a spam checker'));
    assert.equal(refusals.length, 1);
    assert.equal(refusals[0]!.file, 'offer.txt');
    assert.equal(refusals[0]!.module, 'no-spam-files');
  });

  it('relays a quit from IRC to XMPP (events.quits: true)', async () => {
    const dave = await setup.ircUser('dave');
    dave.send('QUIT :gone home');
    const quit = await bob.waitForStanza(fromBot(room, (b) => b.includes('quit')), WAIT_MS);
    // ngIRCd quotes the reason of a QUIT.
    assert.equal(bodyOf(quit), '* dave@irc quit ("gone home")');
  });

  it('relays a kick on IRC to XMPP; kicks are off for deliveries to IRC', async () => {
    const carol = await setup.ircUser('carol');
    alice.send(`KICK ${IRC_CHANNEL} carol :behave`);
    await carol.waitForLine(new RegExp(`KICK ${IRC_CHANNEL} carol`, 'i'), WAIT_MS);
    const kick = await bob.waitForStanza(fromBot(room, (b) => b.includes('kicked')), WAIT_MS);
    assert.equal(bodyOf(kick), '* carol@irc was kicked by alice (behave)');
  });

  it('still quotes a message from before a restart in a reply fallback', async () => {
    alice.send(`PRIVMSG ${IRC_CHANNEL} :what about the release notes for the next version?`);
    const copy = await bob.waitForStanza(fromBot(room, (b) => b.includes('release notes')), WAIT_MS);
    await setup.hub.stop();
    await startHub();
    await alice.waitForLine(new RegExp(`^:${BOT_NICK}!\\S+ JOIN :?${IRC_CHANNEL}`, 'i'), WAIT_MS);
    await bob.send(xml('message', { to: room, type: 'groupchat', id: 'reply-after-restart' },
      xml('body', {}, 'tomorrow'), xml('reply', { xmlns: 'urn:xmpp:reply:0', id: String(copy.attrs.id), to: String(copy.attrs.from) })));
    const reply = await alice.waitForLine(botLine(/.*tomorrow/), WAIT_MS);
    assert.equal(ircText(reply), '<bob@jabber> alice: «what about the release notes for the nex…» tomorrow');
  });
});
