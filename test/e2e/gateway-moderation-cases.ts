/**
 * Moderating a gateway room (docs/gateway.md "Group chats", ADR 0010 §9) on a real XMPP server (Prosody, ejabberd) and
 * ngIRCd, with an xmpp.js client as the person and raw IRC clients in the channel: a kick from
 * XMPP is refused (forbidden, with why) while the person holds no op, and kicks on IRC once they
 * do; a ban sets `+b nick!*@*` and kicks; someone kicked on IRC leaves with status 307, and the
 * person kicked on IRC gets their self-presence with 110 and 307; a half-op wears a hat (XEP-0317). Invitations both ways: a mediated
 * invitation from XMPP is an IRC INVITE (to people of the network only), an IRC INVITE of the
 * person a mediated invitation from the room JID.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineModule } from '../../src/modules/public.js';
import { startNgircd, startXmppServer, xmppServerLabel, type XmppServerKind } from '../support/servers.js';
import { connectXmppClient, NS_MUC_USER, xml, type XmlElement } from '../support/clients.js';
import { makeTempDir } from '../support/switchboard-process.js';
import { startGatewayHub } from './gateway-hub.js';
import { ircPeopleIn } from './gateway-irc-channel.js';

const WAIT_MS = 15_000;
const NS_MUC_ADMIN = 'http://jabber.org/protocol/muc#admin';

const noModule = defineModule({ name: 'no-callbacks', setup: () => undefined });

function codesOf(presence: XmlElement): string[] {
  return (presence.getChild('x', NS_MUC_USER)?.getChildren('status') ?? []).map((s) => String(s.attrs.code));
}

/** The case on one XMPP server (Prosody: gateway-moderation.test.ts, ejabberd: gateway-rooms-ejabberd.test.ts). */
export function describeModeration(kind: XmppServerKind): void {
  void describe(`gateway room moderation on ${xmppServerLabel(kind)} and ngIRCd`, { timeout: 120_000 }, () => {
    it('kicks and bans from XMPP need op on IRC; kicks on IRC are 307; invitations both ways', async (t) => {
      const [xmpp, irc] = await Promise.all([startXmppServer(kind, { users: [['alice', 'alicepw']] }), startNgircd()]);
      t.after(() => Promise.all([xmpp.stop(), irc.stop()]));
      await startGatewayHub(t, { xmpp, irc, dir: makeTempDir('switchboard-gateway-moderation-'), module: noModule, options: { loginIntervalMs: 50 } });
      const domain = xmpp.componentDomain;
      const room = `#lobby@${domain}`;
      const alice = await connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: 'alice', password: 'alicepw', resource: 'laptop' });
      t.after(() => alice.close());
      const [carol, dave, erin] = await ircPeopleIn(t, irc, '#lobby', ['carol', 'dave', 'erin'], WAIT_MS);

      await alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: 'jabber:iq:register' },
        xml('x', { xmlns: 'jabber:x:data', type: 'submit' }, xml('field', { var: 'nick' }, xml('value', {}, 'alice')), xml('field', { var: 'auth' }, xml('value', {}, 'none'))))), WAIT_MS);
      await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === domain && s.getChildText('status') === 'Connected as alice', WAIT_MS);
      await alice.joinRoom(room, 'alice', WAIT_MS);
      await carol.waitForLine(/^:alice!\S+ JOIN :?#lobby$/, WAIT_MS);

      const admin = (item: XmlElement) => alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: room }, xml('query', { xmlns: NS_MUC_ADMIN }, item)), WAIT_MS);
      const failure = (item: XmlElement) => admin(item).then(() => undefined, (error: { condition?: string; text?: string }) => error);

      // Not op: refused with forbidden and why; nothing reaches IRC.
      const refused = await failure(xml('item', { nick: 'dave', role: 'none' }, xml('reason', {}, 'go')));
      assert.equal(refused?.condition, 'forbidden');
      assert.match(refused?.text ?? '', /half-op|operator/);
      // Founder status (owner) is not given from XMPP (the network's services give it).
      assert.equal((await failure(xml('item', { nick: 'dave', affiliation: 'owner' })))?.condition, 'feature-not-implemented');

      // A half-op is a moderator who is only a member: the hat (XEP-0317) says which IRC status it is.
      carol.send('MODE #lobby +h erin');
      const halfop = await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === `${room}/erin` && s.getChild('hats', 'urn:xmpp:hats:0') !== undefined, WAIT_MS);
      assert.equal(halfop.getChild('hats', 'urn:xmpp:hats:0')?.getChild('hat')?.attrs.uri, 'urn:switchboard:irc:hat:halfop');
      assert.equal(halfop.getChild('x', NS_MUC_USER)?.getChild('item')?.attrs.role, 'moderator');

      // Op: the kick reaches IRC; dave leaves the room with 307 and the reason.
      carol.send('MODE #lobby +o alice');
      await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === `${room}/alice` && s.getChild('x', NS_MUC_USER)?.getChild('item')?.attrs.role === 'moderator', WAIT_MS);
      await admin(xml('item', { nick: 'dave', role: 'none' }, xml('reason', {}, 'be nice')));
      await dave.waitForLine(/^:alice!\S+ KICK #lobby dave :be nice$/, WAIT_MS);
      const kicked = await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === `${room}/dave` && s.attrs.type === 'unavailable', WAIT_MS);
      assert.deepEqual(codesOf(kicked), ['307']);
      assert.match(kicked.getChildText('status') ?? '', /kicked by alice: be nice/);
      assert.equal(carol.lines.filter((l) => / KICK #lobby dave /.test(l)).length, 1, 'the refused kick sent nothing');

      // A ban by contact JID: +b erin!*@* and a kick; erin cannot come back.
      await admin(xml('item', { jid: `erin@${domain}`, affiliation: 'outcast' }));
      await carol.waitForLine(/^:alice!\S+ MODE #lobby \+b erin!\*@\*$/, WAIT_MS);
      await erin.waitForLine(/^:alice!\S+ KICK #lobby erin/, WAIT_MS);
      erin.send('JOIN #lobby');
      await erin.waitForLine(/ 474 erin #lobby /, WAIT_MS);

      // Invitations both ways: alice invites dave (out of the channel) from XMPP; carol invites alice on IRC.
      await alice.send(xml('message', { to: room }, xml('x', { xmlns: NS_MUC_USER }, xml('invite', { to: `dave@${domain}` }, xml('reason', {}, 'come back')))));
      await dave.waitForLine(/^:alice!\S+ INVITE dave :?#lobby$/, WAIT_MS);
      await alice.send(xml('message', { to: room, id: 'bad-invite' }, xml('x', { xmlns: NS_MUC_USER }, xml('invite', { to: 'bob@example.net' }))));
      const badInvite = await alice.waitForStanza((s) => s.is('message') && s.attrs.type === 'error' && s.attrs.id === 'bad-invite', WAIT_MS);
      assert.match(badInvite.getChild('error')?.toString() ?? '', /only people of the network/);
      carol.send('JOIN #other');
      await carol.waitForLine(/ 366 carol #other /, WAIT_MS);
      carol.send('INVITE alice #other');
      const invited = await alice.waitForStanza((s) => s.is('message') && s.attrs.from === `#other@${domain}` && s.getChild('x', NS_MUC_USER)?.getChild('invite') !== undefined, WAIT_MS);
      assert.equal(invited.getChild('x', NS_MUC_USER)?.getChild('invite')?.attrs.from, `carol@${domain}`);
      assert.match(invited.getChildText('body') ?? '', /carol invites you to #other/);
      await alice.joinRoom(`#other@${domain}`, 'alice', WAIT_MS);
      await carol.waitForLine(/^:alice!\S+ JOIN :?#other$/, WAIT_MS);

      // alice kicked on IRC: her self-presence with 110 and 307; the session goes on.
      carol.send('KICK #lobby alice :enough');
      const out = await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === `${room}/alice` && s.attrs.type === 'unavailable', WAIT_MS);
      assert.deepEqual(codesOf(out), ['110', '307']);
      assert.match(out.getChildText('status') ?? '', /enough/);
      await alice.joinRoom(room, 'alice', WAIT_MS);
      await carol.waitForLine(/^:alice!\S+ JOIN :?#lobby$/, WAIT_MS);
    });
  });
}
