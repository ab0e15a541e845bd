/**
 * A nick change from a room (XEP-0045 §7.6) on real Prosody and ngIRCd: the person's presence
 * to `#lobby@gateway/newnick` renames them on IRC (one nick per connection), so every room they
 * are in shows the change (303 then the new self-presence, both with 110) and IRC people see the
 * NICK; a nick someone else uses is refused with `conflict` from the nick asked for, and the
 * person keeps theirs.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { aliceAndCarol } from './gateway-alice.js';
import { NS_MUC_USER, xml, type XmlElement } from '../support/clients.js';

const WAIT_MS = 15_000;
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

function codes(presence: XmlElement): string[] {
  return (presence.getChild('x', NS_MUC_USER)?.getChildren('status') ?? []).map((s) => String(s.attrs.code)).sort();
}

it('a nick change in a room renames the person on IRC and in every room; a taken nick is a conflict', async (t) => {
  const { domain, alice, carol } = await aliceAndCarol(t, WAIT_MS);
  const lobby = `#lobby@${domain}`;
  const other = `#other@${domain}`;
  await alice.joinRoom(lobby, 'alice', WAIT_MS);
  await alice.joinRoom(other, 'alice', WAIT_MS);
  await carol.waitForLine(/^:alice!\S+ JOIN :?#lobby$/, WAIT_MS);

  // alice becomes alice2 from #lobby: IRC sees the NICK, and both rooms show the change.
  await alice.send(xml('presence', { to: `${lobby}/alice2` }, xml('x', { xmlns: 'http://jabber.org/protocol/muc' })));
  await carol.waitForLine(/^:alice!\S+ NICK :?alice2$/, WAIT_MS);
  for (const room of [lobby, other]) {
    const gone = await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === `${room}/alice` && s.attrs.type === 'unavailable', WAIT_MS);
    assert.deepEqual(codes(gone), ['110', '303']);
    assert.equal(gone.getChild('x', NS_MUC_USER)?.getChild('item')?.attrs.nick, 'alice2');
    const back = await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === `${room}/alice2` && s.attrs.type === undefined, WAIT_MS);
    assert.deepEqual(codes(back), ['110']);
  }

  // carol's nick is taken: a conflict from the nick asked for; alice stays alice2.
  await alice.send(xml('presence', { to: `${lobby}/carol` }, xml('x', { xmlns: 'http://jabber.org/protocol/muc' })));
  const refused = await alice.waitForStanza((s) => s.is('presence') && s.attrs.type === 'error' && s.attrs.from === `${lobby}/carol`, WAIT_MS);
  assert.ok(refused.getChild('error')?.getChild('conflict', NS_STANZAS), refused.toString());
  await alice.send(xml('message', { type: 'groupchat', to: lobby }, xml('body', {}, 'still here')));
  await carol.waitForLine(/^:alice2!\S+ PRIVMSG #lobby :still here$/, WAIT_MS);
});
