/**
 * Access control and the relay on real ngIRCd and Prosody: a user the predicates deny is not
 * relayed to the other side of a bridge, also when they speak right after joining (before the
 * kick lands), and also where the bot cannot remove them (not a channel operator or room
 * moderator).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NS_MUC, NS_MUC_USER, xml, type RawIrcClient, type TestXmppClient, type XmlElement } from '../support/clients.js';
import { waitFor } from '../support/wait.js';
import { newKnobs } from './access-fixtures.js';
import { escape, joinIrc, logged, startAccessServers, WAIT_MS, type AccessServers, type RunningHub } from './access-setup.js';

const BOT = 'guard';
const NOT_RELAYED = 'relay: not relaying what this user does here (userMayRelay refused)';
const CANNOT_REMOVE = 'the bot cannot remove denied users from this channel; verification goes on (see /health)';

/** A groupchat message in `room` whose body contains `text`. */
function saying(room: string, text: string): (s: XmlElement) => boolean {
  return (s) => s.is('message') && s.attrs.type === 'groupchat' && String(s.attrs.from).startsWith(`${room}/`) && (s.getChildText('body') ?? '').includes(text);
}

function isRemoval(room: string, nick: string): (s: XmlElement) => boolean {
  return (s) => s.is('presence') && s.attrs.from === `${room}/${nick}` && s.attrs.type === 'unavailable'
    && (s.getChild('x', NS_MUC_USER)?.getChildren('status') ?? []).some((st) => st.attrs.code === '307');
}

describe('access control holds back what denied users say from the relay', { timeout: 120_000 }, () => {
  let servers: AccessServers;
  let running: RunningHub;
  const knobs = newKnobs();
  let gateRoom: string;
  let noopsRoom: string;
  let ircWatch: RawIrcClient;
  let xmppWatch: TestXmppClient;

  before(async () => {
    servers = await startAccessServers();
    gateRoom = servers.room('gate');
    noopsRoom = servers.room('noops');
    // #noops and the noops room belong to "op" before the hub comes: the bot will not be a
    // channel operator or room moderator there.
    const op = await servers.ircUser('op');
    await joinIrc(op, '#noops');
    const xop = await servers.xmppUser('xop');
    await xop.joinRoom(noopsRoom, 'xop', WAIT_MS);
    // mx-2 … mx-5: the nicks of the later attempts of the "speaks right after joining" test.
    for (const nick of ['mallory', 'mallory2', 'mx', 'mx2', 'mx-2', 'mx-3', 'mx-4', 'mx-5']) knobs.deny.add(nick);
    running = await servers.startHub({
      ircNick: BOT,
      knobs,
      relay: true,
      bridges: [
        { name: 'gate', channels: [{ network: 'irc', id: '#gate' }, { network: 'jabber', id: gateRoom }], options: {} },
        { name: 'noops', channels: [{ network: 'irc', id: '#noops' }, { network: 'jabber', id: noopsRoom }], options: {} },
      ],
      accessConfig: { channels: ['irc:#gate', 'irc:#noops', `jabber:${gateRoom}`, `jabber:${noopsRoom}`], predicates: [{ module: 'access-knobs' }], confirmMs: 500 },
    });
    ircWatch = await servers.ircUser('watch');
    await joinIrc(ircWatch, '#gate');
    await joinIrc(ircWatch, '#noops');
    xmppWatch = await servers.xmppUser('xwatch');
    await xmppWatch.joinRoom(gateRoom, 'xwatch', WAIT_MS);
    await xmppWatch.joinRoom(noopsRoom, 'xwatch', WAIT_MS);
  });

  after(() => servers?.stop());

  it('a denied IRC user who speaks right after joining is kicked and not relayed', async () => {
    const mallory = await servers.ircUser('mallory');
    mallory.send('JOIN #gate');
    mallory.send('PRIVMSG #gate :mallory was here');
    await mallory.waitForLine(new RegExp(`^:${BOT}!\\S+ KICK #gate mallory :`, 'i'), WAIT_MS);
    // The server delivered mallory's line (so the hub had it) before it took this later one;
    // relaying keeps a channel's order: once the later one arrived, mallory's would have too.
    await ircWatch.waitForLine(/PRIVMSG #gate :mallory was here/, WAIT_MS);
    ircWatch.send('PRIVMSG #gate :watch after mallory');
    await xmppWatch.waitForStanza(saying(gateRoom, 'watch after mallory'), WAIT_MS);
    assert.equal(xmppWatch.stanzas.some(saying(gateRoom, 'mallory was here')), false, 'mallory was relayed');
    assert.ok(logged(running.captured, NOT_RELAYED).some((l) => l.user === 'mallory'));
  });

  it('a denied IRC user the bot cannot remove (not a channel operator) is not relayed either', async () => {
    const mallory2 = await servers.ircUser('mallory2');
    await joinIrc(mallory2, '#noops');
    await waitFor(() => (logged(running.captured, CANNOT_REMOVE).some((l) => l.channel === '#noops' && l.user === 'mallory2') ? true : undefined),
      { timeoutMs: WAIT_MS, what: 'the failed removal from #noops to be logged' });
    mallory2.send('PRIVMSG #noops :mallory2 is still here');
    await ircWatch.waitForLine(/PRIVMSG #noops :mallory2 is still here/, WAIT_MS);
    ircWatch.send('PRIVMSG #noops :watch after mallory2');
    await xmppWatch.waitForStanza(saying(noopsRoom, 'watch after mallory2'), WAIT_MS);
    assert.equal(xmppWatch.stanzas.some(saying(noopsRoom, 'mallory2 is still here')), false, 'mallory2 was relayed');
    assert.equal(mallory2.lines.some((l) => /KICK #noops mallory2/i.test(l)), false, 'the removal failed, as this test needs');
  });

  it('a denied XMPP user who speaks right after joining is removed and not relayed', async () => {
    // The join and the message go out together, as a client that speaks at once would send
    // them: the room has the message before the hub can react to the join. Prosody may still
    // be completing the join when the message arrives (it then refuses the message): only an
    // attempt whose message the room broadcast counts, up to five users.
    const said: string[] = [];
    for (let attempt = 1; attempt <= 5 && said.length === 0; attempt += 1) {
      const nick = `mx${attempt === 1 ? '' : `-${attempt}`}`;
      const user = await servers.xmppUser(nick.replace('-', ''));
      const text = `${nick} was here`;
      await Promise.all([
        user.send(xml('presence', { to: `${gateRoom}/${nick}` }, xml('x', { xmlns: NS_MUC }, xml('history', { maxchars: '0' })))),
        user.sayInRoom(gateRoom, text),
      ]);
      // A miss keeps the hub's log of the room in the error (that is how a later attempt's nick
      // was found missing from the denied ones).
      await user.waitForStanza(isRemoval(gateRoom, nick), WAIT_MS).catch((error: unknown) => {
        const hubLog = running.captured.lines.filter((l) => JSON.stringify(l).includes(gateRoom)).slice(-30).map((l) => JSON.stringify(l));
        throw new Error(`${nick} was not removed from ${gateRoom}; the hub's last log lines about the room:\n${hubLog.join('\n')}`, { cause: error });
      });
      const broadcast = await xmppWatch.waitForStanza(saying(gateRoom, text), 3_000).then(() => true, () => false);
      if (broadcast) said.push(text);
    }
    assert.equal(said.length, 1, 'in five attempts the room never broadcast a message sent with the join');
    await xmppWatch.sayInRoom(gateRoom, 'xwatch after mx');
    await ircWatch.waitForLine(new RegExp(`PRIVMSG #gate :.*${escape('xwatch after mx')}`), WAIT_MS);
    assert.equal(ircWatch.lines.some((l) => l.includes(said[0]!)), false, `${said[0]} was relayed`);
  });

  it('a denied XMPP user the bot cannot remove (not a moderator) is not relayed, right after joining or later', async () => {
    const mx2 = await servers.xmppUser('mx2');
    await mx2.joinRoom(noopsRoom, 'mx2', WAIT_MS);
    await mx2.sayInRoom(noopsRoom, 'mx2 right after joining');
    await waitFor(() => (logged(running.captured, CANNOT_REMOVE).some((l) => l.channel === noopsRoom) ? true : undefined),
      { timeoutMs: WAIT_MS, what: 'the failed removal from the noops room to be logged' });
    await mx2.sayInRoom(noopsRoom, 'mx2 is still here');
    await xmppWatch.waitForStanza(saying(noopsRoom, 'mx2 is still here'), WAIT_MS);
    await xmppWatch.sayInRoom(noopsRoom, 'xwatch after mx2');
    await ircWatch.waitForLine(new RegExp(`PRIVMSG #noops :.*${escape('xwatch after mx2')}`), WAIT_MS);
    assert.equal(ircWatch.lines.some((l) => l.includes('mx2 ')), false, 'mx2 was relayed');
  });
});
