/**
 * Authority over relayed messages on real servers (ngIRCd, Prosody with two MUC rooms on two
 * XMPP networks): an occupant's correction or retraction naming someone else's message is not
 * applied to that message's copies (the correction goes across as the sender's own new
 * message; the retraction is dropped), also when it names a copy the relay put in the room.
 * The author's own correction still is, and so is a retraction by a room moderator. One
 * person withdrawing a reaction does not take away the bot's reaction for everyone else.
 */
import { hubBase } from '../support/hub-config.js';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hub } from '../../src/app/hub.js';
import { ircConfigSchema } from '../../src/networks/irc/config.js';
import { builtinProtocols } from '../../src/networks/registry.js';
import { startNgircd, startProsody, type IrcServer, type XmppServer } from '../support/servers.js';
import { connectRawIrc, connectXmppClient, xml, type RawIrcClient, type TestXmppClient, type XmlElement } from '../support/clients.js';
import { captureLog } from '../support/log-capture.js';
import { bodyOf, WAIT_MS } from './relay-setup.js';
import { refId, xmppBotNetwork as xmppNetwork } from './relay-setup.js';

const NS_CORRECT = 'urn:xmpp:message-correct:0';
const NS_RETRACT = 'urn:xmpp:message-retract:1';
const NS_REACTIONS = 'urn:xmpp:reactions:0';

describe('authority over corrections and retractions of relayed messages', { timeout: 180_000 }, () => {
  let irc: IrcServer;
  let server: XmppServer;
  let hub: Hub | undefined;
  const clients: Array<{ close(): Promise<void> }> = [];
  const dir = mkdtempSync(join(tmpdir(), 'sb-relay-authority-'));
  const captured = captureLog('info');
  let lobby: string;
  let other: string;
  let alice: TestXmppClient;
  let bob: TestXmppClient;
  let mod: TestXmppClient;
  let dave: TestXmppClient;
  let watch: RawIrcClient;
  /** alice's first message as bob received it, and its copy in the other room. */
  let aliceAtBob: XmlElement;
  let aliceCopy: XmlElement;

  const inRoom = (room: string, nick: string, test: (s: XmlElement) => boolean) =>
    (s: XmlElement) => s.is('message') && s.attrs.type === 'groupchat' && s.attrs.from === `${room}/${nick}` && test(s);
  const copyInOther = (test: (s: XmlElement) => boolean) => inRoom(other, 'switchboard2', test);
  const correctsCopy = (s: XmlElement) => s.getChild('replace', NS_CORRECT)?.attrs.id === aliceCopy.attrs.id;
  const retractsCopy = (s: XmlElement) => [aliceCopy.attrs.id, refId(aliceCopy, other)].includes(s.getChild('retract', NS_RETRACT)?.attrs.id);

  async function user(name: string, nick: string, room: string): Promise<TestXmppClient> {
    await server.registerUser(name, 'pw');
    const client = await connectXmppClient({ service: `xmpp://${server.host}:${server.port}`, domain: server.domain, username: name, password: 'pw' });
    clients.push(client);
    await client.joinRoom(room, nick, WAIT_MS);
    return client;
  }

  /** `sender` says `text` in the lobby; resolves once the IRC side and the other room have it. */
  async function sayAcross(sender: TestXmppClient, id: string, text: string): Promise<XmlElement> {
    await sender.send(xml('message', { to: lobby, type: 'groupchat', id }, xml('body', {}, text)));
    await watch.waitForLine(new RegExp(`PRIVMSG #lobby :.*${text}`), WAIT_MS);
    return dave.waitForStanza(copyInOther((s) => (bodyOf(s) ?? '').includes(text)), WAIT_MS);
  }

  before(async () => {
    irc = await startNgircd();
    server = await startProsody({ users: [['bridgebot', 'botpass'], ['bridgebot2', 'botpass']] });
    lobby = `lobby@${server.mucDomain}`;
    other = `other@${server.mucDomain}`;
    // mod creates the lobby before the hub: its owner, so a moderator there (the bot is not).
    mod = await user('mod', 'mod', lobby);
    hub = await Hub.start({
      config: {
        ...hubBase(dir),
        networks: [
          { name: 'irc', protocol: 'irc', options: ircConfigSchema.parse({ host: irc.host, port: irc.port, nick: 'relaybot', flood: { burst: 20, intervalMs: 5 } }) },
          xmppNetwork(server, 'jabber', 'bridgebot', 'switchboard'),
          xmppNetwork(server, 'jabber2', 'bridgebot2', 'switchboard2'),
        ],
        bridges: [{
          name: 'lobby',
          channels: [{ network: 'irc', id: '#lobby' }, { network: 'jabber', id: lobby }, { network: 'jabber2', id: other }],
          options: { deletes: 'fallback' },
        }],
        modules: [{ module: 'relay', specifier: 'relay', config: undefined }],
      },
      log: captured.log,
      protocols: builtinProtocols(),
    });
    await hub.ready;
    alice = await user('alice', 'alice', lobby);
    bob = await user('bob', 'bob', lobby);
    dave = await user('dave', 'dave', other);
    watch = await connectRawIrc({ host: irc.host, port: irc.port, nick: 'watch' });
    clients.push(watch);
    watch.send('JOIN #lobby');
    await watch.waitForLine(/^:watch!\S+ JOIN :?#lobby/i, WAIT_MS);

    aliceCopy = await sayAcross(alice, 'auth-1', 'alice original');
    aliceAtBob = await bob.waitForStanza(inRoom(lobby, 'alice', (s) => bodyOf(s) === 'alice original'), WAIT_MS);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await hub?.stop().catch(() => undefined);
    await Promise.all([irc?.stop(), server?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("another occupant's correction and retraction of alice's message change no copy of it", async () => {
    await bob.send(xml('message', { to: lobby, type: 'groupchat', id: 'auth-1b' },
      xml('body', {}, 'bob forged text'), xml('replace', { xmlns: NS_CORRECT, id: 'auth-1' })));
    await bob.send(xml('message', { to: lobby, type: 'groupchat', id: 'auth-1d' }, xml('retract', { xmlns: NS_RETRACT, id: refId(aliceAtBob, lobby) })));
    // The lobby's events are relayed in order: once bob's next message arrived, the others had too.
    await sayAcross(bob, 'auth-2', 'bob sync one');

    const forged = dave.stanzas.find(copyInOther((s) => (bodyOf(s) ?? '').includes('bob forged text')));
    assert.ok(forged, "bob's text still goes across");
    assert.equal(forged.getChild('replace', NS_CORRECT), undefined, 'as a new message, not a correction');
    assert.equal(dave.stanzas.some(copyInOther(correctsCopy)), false, "alice's copy was corrected");
    assert.equal(dave.stanzas.some(copyInOther(retractsCopy)), false, "alice's copy was retracted");
    const forgedLine = watch.lines.find((l) => l.includes('bob forged text'));
    assert.ok(forgedLine, 'on IRC too');
    assert.doesNotMatch(forgedLine, /edited/, 'not shown as an edit on IRC');
    assert.equal(watch.lines.some((l) => /deleted/.test(l)), false, 'no deletion shown on IRC');
    const refusals = captured.lines.filter((l) => String(l.msg).startsWith('relay: a correction of a message that is not'));
    assert.equal(refusals.length, 1, 'logged');
  });

  it('a retraction naming a copy the relay put in the room does not retract the original elsewhere', async () => {
    watch.send('PRIVMSG #lobby :watch original');
    const copyAtBob = await bob.waitForStanza(inRoom(lobby, 'switchboard', (s) => (bodyOf(s) ?? '').includes('watch original')), WAIT_MS);
    const copyAtDave = await dave.waitForStanza(copyInOther((s) => (bodyOf(s) ?? '').includes('watch original')), WAIT_MS);
    await bob.send(xml('message', { to: lobby, type: 'groupchat', id: 'auth-3d' }, xml('retract', { xmlns: NS_RETRACT, id: refId(copyAtBob, lobby) })));
    await sayAcross(bob, 'auth-4', 'bob sync two');
    const retracted = (s: XmlElement) => [copyAtDave.attrs.id, refId(copyAtDave, other)].includes(s.getChild('retract', NS_RETRACT)?.attrs.id);
    assert.equal(dave.stanzas.some(copyInOther(retracted)), false, "watch's copy in the other room was retracted");
    assert.equal(watch.lines.some((l) => /deleted/.test(l)), false, 'no deletion shown on IRC');
  });

  it("one person withdrawing a reaction does not take away another's on the other room's copy", async () => {
    watch.send('PRIVMSG #lobby :react to me');
    const copyAtAlice = await alice.waitForStanza(inRoom(lobby, 'switchboard', (s) => (bodyOf(s) ?? '').includes('react to me')), WAIT_MS);
    const copyAtDave = await dave.waitForStanza(copyInOther((s) => (bodyOf(s) ?? '').includes('react to me')), WAIT_MS);
    const react = (client: TestXmppClient, id: string, ...emojis: string[]) => client.send(xml('message', { to: lobby, type: 'groupchat', id },
      xml('reactions', { xmlns: NS_REACTIONS, id: refId(copyAtAlice, lobby) }, ...emojis.map((e) => xml('reaction', {}, e)))));
    const reactionsOnCopy = (test: (emojis: string[]) => boolean) => copyInOther((s) => {
      const reactions = s.getChild('reactions', NS_REACTIONS);
      return reactions !== undefined && [copyAtDave.attrs.id, refId(copyAtDave, other)].includes(reactions.attrs.id)
        && test(reactions.getChildren('reaction').map((r) => r.text()));
    });
    await react(alice, 'auth-r1', '👍');
    await dave.waitForStanza(reactionsOnCopy((emojis) => emojis.includes('👍')), WAIT_MS);
    await react(bob, 'auth-r2', '👍');
    // bob's reaction reached the hub (its fallback line on IRC) before alice withdraws hers.
    await watch.waitForLine(/PRIVMSG #lobby :.*bob.*reacted/, WAIT_MS);
    await react(alice, 'auth-r3');
    await sayAcross(alice, 'auth-r4', 'alice sync three');
    assert.equal(dave.stanzas.some(reactionsOnCopy((emojis) => emojis.length === 0)), false, "alice's withdrawal took bob's reaction away");
    await react(bob, 'auth-r5');
    await dave.waitForStanza(reactionsOnCopy((emojis) => emojis.length === 0), WAIT_MS);
  });

  it("alice's own correction is applied to her message's copies", async () => {
    await alice.send(xml('message', { to: lobby, type: 'groupchat', id: 'auth-1c' },
      xml('body', {}, 'alice corrected'), xml('replace', { xmlns: NS_CORRECT, id: 'auth-1' })));
    const fix = await dave.waitForStanza(copyInOther(correctsCopy), WAIT_MS);
    assert.match(bodyOf(fix) ?? '', /alice corrected/);
    await watch.waitForLine(/PRIVMSG #lobby :.*edited.*alice corrected/, WAIT_MS);
  });

  it("a room moderator's retraction of alice's message is applied", async () => {
    await mod.send(xml('message', { to: lobby, type: 'groupchat', id: 'auth-1m' }, xml('retract', { xmlns: NS_RETRACT, id: refId(aliceAtBob, lobby) })));
    await dave.waitForStanza(copyInOther(retractsCopy), WAIT_MS);
    await watch.waitForLine(/PRIVMSG #lobby :.*deleted/, WAIT_MS);
  });
});
