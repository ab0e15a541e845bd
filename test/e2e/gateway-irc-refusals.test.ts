/**
 * The IRC server's refusals of a message already sent reach the person (docs/gateway.md), on
 * real Prosody and ngIRCd: a private message to a nick nobody uses (ERR_NOSUCHNICK) and a room
 * message in a channel that bans the person (ERR_CANNOTSENDTOCHAN) each come back as an XMPP
 * error on that message, with the server's words; a message that went through gets none.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { aliceAndCarol } from './gateway-alice.js';
import { xml, type XmlElement } from '../support/clients.js';

const WAIT_MS = 15_000;

function errorFor(id: string): (s: XmlElement) => boolean {
  return (s) => s.is('message') && s.attrs.type === 'error' && s.attrs.id === id;
}

it('a message IRC refuses after it was sent (no such nick, banned from the channel) comes back as an error; one delivered does not', async (t) => {
  const { domain, alice, carol } = await aliceAndCarol(t, WAIT_MS);

  // One-to-one: carol gets hers; nobody is using "ghost", and alice hears it on that message.
  await alice.send(xml('message', { type: 'chat', to: `carol@${domain}`, id: 'ok1' }, xml('body', {}, 'hello carol')));
  await carol.waitForLine(/PRIVMSG carol :hello carol$/, WAIT_MS);
  await alice.send(xml('message', { type: 'chat', to: `ghost@${domain}`, id: 'g1' }, xml('body', {}, 'anyone there?')));
  const noSuchNick = await alice.waitForStanza(errorFor('g1'), WAIT_MS);
  assert.equal(noSuchNick.attrs.from, `ghost@${domain}`);
  assert.match(noSuchNick.getChild('error')?.getChildText('text') ?? '', /nobody is using this nick on IRC/);

  // A room: alice joins #lobby, carol bans her without kicking; her next message is refused by IRC.
  const room = `#lobby@${domain}`;
  await alice.joinRoom(room, 'alice', WAIT_MS);
  await alice.send(xml('message', { type: 'groupchat', to: room, id: 'r1' }, xml('body', {}, 'before the ban')));
  await carol.waitForLine(/PRIVMSG #lobby :before the ban$/, WAIT_MS);
  carol.send('MODE #lobby +b alice!*@*');
  await carol.waitForLine(/MODE #lobby \+b alice!\*@\*/, WAIT_MS);
  await alice.send(xml('message', { type: 'groupchat', to: room, id: 'r2' }, xml('body', {}, 'after the ban')));
  const banned = await alice.waitForStanza(errorFor('r2'), WAIT_MS);
  assert.equal(banned.attrs.from, room);
  assert.match(banned.getChild('error')?.getChildText('text') ?? '', /does not let you send to it/);
  // The delivered messages got no error.
  assert.equal(alice.stanzas.some((s) => errorFor('ok1')(s) || errorFor('r1')(s)), false);
});
