/**
 * Private messages through a gateway room (XEP-0045 §7.5, ADR 0010 §12) on real Prosody and
 * ngIRCd: a `chat` message to `#lobby@gateway/carol` is a PRIVMSG to carol (the one-to-one path,
 * so a /me is a CTCP ACTION and a too long text is refused the same way); carol's answer arrives
 * from her contact JID `carol@gateway`; an occupant JID that names no one in the room
 * (never there, or gone) is `item-not-found`, a groupchat message to an occupant `bad-request`,
 * and the session goes on.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { defineModule } from '../../src/modules/public.js';
import { startNgircd, startProsody } from '../support/servers.js';
import { connectXmppClient, xml, type XmlElement } from '../support/clients.js';
import { makeTempDir } from '../support/switchboard-process.js';
import { startGatewayHub } from './gateway-hub.js';
import { ircPeopleIn } from './gateway-irc-channel.js';

const WAIT_MS = 15_000;
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const CTCP = '\u0001';

const noModule = defineModule({ name: 'no-callbacks', setup: () => undefined });

function conditionOf(stanza: XmlElement): string | undefined {
  return stanza.getChild('error')?.children.find((c): c is XmlElement => typeof c !== 'string' && c.attrs.xmlns === NS_STANZAS && c.name !== 'text')?.name;
}

it('private messages through a room go to the IRC user; answers come from the contact JID; unknown nicks are refused', { timeout: 120_000 }, async (t) => {
  const [xmpp, irc] = await Promise.all([startProsody({ users: [['alice', 'alicepw']] }), startNgircd()]);
  t.after(() => Promise.all([xmpp.stop(), irc.stop()]));
  await startGatewayHub(t, { xmpp, irc, dir: makeTempDir('switchboard-gateway-private-'), module: noModule, options: { loginIntervalMs: 50, maxBodyChars: 1000 } });
  const domain = xmpp.componentDomain;
  const room = `#lobby@${domain}`;
  const alice = await connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: 'alice', password: 'alicepw', resource: 'laptop' });
  t.after(() => alice.close());
  const [carol, dave] = await ircPeopleIn(t, irc, '#lobby', ['carol', 'dave'], WAIT_MS);

  await alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: 'jabber:iq:register' },
    xml('x', { xmlns: 'jabber:x:data', type: 'submit' }, xml('field', { var: 'nick' }, xml('value', {}, 'alice')), xml('field', { var: 'auth' }, xml('value', {}, 'none'))))), WAIT_MS);
  await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === domain && s.getChildText('status') === 'Connected as alice', WAIT_MS);
  await alice.joinRoom(room, 'alice', WAIT_MS);
  await carol.waitForLine(/^:alice!\S+ JOIN :?#lobby$/, WAIT_MS);

  // XMPP → IRC: a private message to the occupant is a PRIVMSG to carol, not to the channel.
  await alice.send(xml('message', { type: 'chat', to: `${room}/carol`, id: 'pm1' }, xml('body', {}, 'psst carol')));
  await carol.waitForLine(/^:alice!\S+ PRIVMSG carol :psst carol$/, WAIT_MS);
  await alice.send(xml('message', { type: 'chat', to: `${room}/carol` }, xml('body', {}, '/me whispers')));
  await carol.waitForLine(new RegExp(`^:alice!\\S+ PRIVMSG carol :${CTCP}ACTION whispers${CTCP}$`), WAIT_MS);
  // The one-to-one path's bounds: too long is refused, from the occupant JID it was sent to.
  await alice.send(xml('message', { type: 'chat', to: `${room}/carol`, id: 'pm-long' }, xml('body', {}, 'x'.repeat(1001))));
  const long = await alice.waitForStanza((s) => s.is('message') && s.attrs.type === 'error' && s.attrs.id === 'pm-long', WAIT_MS);
  assert.equal(long.attrs.from, `${room}/carol`);
  assert.equal(conditionOf(long), 'not-acceptable');

  // IRC → XMPP: carol's answer comes from her contact JID (one conversation per person).
  carol.send('PRIVMSG alice :hi alice, privately');
  const answer = await alice.waitForStanza((s) => s.is('message') && s.attrs.type === 'chat' && s.getChildText('body') === 'hi alice, privately', WAIT_MS);
  assert.equal(answer.attrs.from?.split('/')[0], `carol@${domain}`);

  // No such occupant: never in the room, or gone from it.
  await alice.send(xml('message', { type: 'chat', to: `${room}/nobody`, id: 'pm-nobody' }, xml('body', {}, 'hello?')));
  const nobody = await alice.waitForStanza((s) => s.is('message') && s.attrs.type === 'error' && s.attrs.id === 'pm-nobody', WAIT_MS);
  assert.equal(nobody.attrs.from, `${room}/nobody`);
  assert.equal(conditionOf(nobody), 'item-not-found');
  dave.send('PART #lobby');
  await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === `${room}/dave` && s.attrs.type === 'unavailable', WAIT_MS);
  await alice.send(xml('message', { type: 'chat', to: `${room}/dave`, id: 'pm-gone' }, xml('body', {}, 'still there?')));
  assert.equal(conditionOf(await alice.waitForStanza((s) => s.is('message') && s.attrs.type === 'error' && s.attrs.id === 'pm-gone', WAIT_MS)), 'item-not-found');
  // A groupchat message to an occupant JID is not a private message.
  await alice.send(xml('message', { type: 'groupchat', to: `${room}/carol`, id: 'pm-gc' }, xml('body', {}, 'to all?')));
  assert.equal(conditionOf(await alice.waitForStanza((s) => s.is('message') && s.attrs.type === 'error' && s.attrs.id === 'pm-gc', WAIT_MS)), 'bad-request');

  // The session goes on: the room and private messages still work, and nothing refused reached IRC.
  await alice.send(xml('message', { type: 'groupchat', to: room }, xml('body', {}, 'back to everyone')));
  await carol.waitForLine(/^:alice!\S+ PRIVMSG #lobby :back to everyone$/, WAIT_MS);
  await alice.send(xml('message', { type: 'chat', to: `${room}/carol` }, xml('body', {}, 'one more')));
  await carol.waitForLine(/^:alice!\S+ PRIVMSG carol :one more$/, WAIT_MS);
  assert.equal(carol.lines.filter((l) => /PRIVMSG (carol|#lobby) :(x{1001}|hello\?|to all\?)$/.test(l)).length, 0);
  assert.equal(dave.lines.filter((l) => /PRIVMSG dave /.test(l)).length, 0);
});
