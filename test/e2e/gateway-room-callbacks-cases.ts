/**
 * The module callbacks of gateway group chats (docs/modules.md, ADR 0010 §10) observed from a test
 * module on a real XMPP server (Prosody, ejabberd) and ngIRCd: userMayJoinRoom (isInvited after an IRC INVITE) and
 * checkEventAllowed on a join, a join refused by userMayJoinRoom; checkEventAllowed on every
 * message, one refused (it never reaches IRC); userMayCreateRoom and onCreateRoom when a join
 * creates a channel (status 201); userMayPublishRoom filtering the gateway's disco#items;
 * userMayInvite on an invitation; checkCanShutdownRoom on a destroy, which IRC refuses while
 * others are in the channel and does (a part) when the person is alone.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Codes, defineModule, NOT_SPAM } from '../../src/modules/public.js';
import { startNgircd, startXmppServer, xmppServerLabel, type XmppServerKind } from '../support/servers.js';
import { connectRawIrc, connectXmppClient, NS_MUC, NS_MUC_USER, xml, type XmlElement } from '../support/clients.js';
import { makeTempDir } from '../support/switchboard-process.js';
import { startGatewayHub } from './gateway-hub.js';

const WAIT_MS = 15_000;
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

function codesOf(presence: XmlElement): string[] {
  return (presence.getChild('x', NS_MUC_USER)?.getChildren('status') ?? []).map((s) => String(s.attrs.code));
}

/** The case on one XMPP server (Prosody: gateway-room-callbacks.test.ts, ejabberd: gateway-rooms-ejabberd.test.ts). */
export function describeRoomCallbacks(kind: XmppServerKind): void {
  void describe(`gateway room callbacks on ${xmppServerLabel(kind)} and ngIRCd`, { timeout: 120_000 }, () => {
    it('group chats call the room callbacks, and their refusals hold', async (t) => {
      const [xmpp, irc] = await Promise.all([startXmppServer(kind, { users: [['alice', 'alicepw']] }), startNgircd()]);
      t.after(() => Promise.all([xmpp.stop(), irc.stop()]));
      const calls: string[] = [];
      const recorder = defineModule({
        name: 'room-recorder',
        setup(api) {
          api.registerSpamCheckerCallbacks({
            userMayJoinRoom: (user, channel, invited) => {
              calls.push(`userMayJoinRoom ${user.id} ${channel.id} ${invited}`);
              return channel.id === '#forbidden' ? Codes.FORBIDDEN : NOT_SPAM;
            },
            userMayCreateRoom: (user) => {
              calls.push(`userMayCreateRoom ${user.id}`);
              return NOT_SPAM;
            },
            userMayInvite: (inviter, invitee, channel) => {
              calls.push(`userMayInvite ${inviter.id} ${invitee.id} ${channel.id}`);
              return NOT_SPAM;
            },
            userMayPublishRoom: (_user, channel) => {
              calls.push(`userMayPublishRoom ${channel.id}`);
              return channel.id === '#fresh' ? Codes.FORBIDDEN : NOT_SPAM;
            },
          });
          api.registerThirdPartyRulesCallbacks({
            checkEventAllowed: (event) => {
              if (event.command === 'JOIN') calls.push(`checkEventAllowed JOIN ${event.args.channel.id}`);
              if (event.command !== 'MESSAGE') return true;
              const text = JSON.stringify(event.args.message.body);
              calls.push(`checkEventAllowed MESSAGE ${event.args.channel?.id ?? ''}`);
              return !text.includes('forbidden word');
            },
            onCreateRoom: (user, request) => void calls.push(`onCreateRoom ${user.id} ${request.channels.map((c) => c.id).join(',')}`),
            checkCanShutdownRoom: (userId, channel) => {
              calls.push(`checkCanShutdownRoom ${userId} ${channel.id}`);
              return true;
            },
          });
        },
      });
      await startGatewayHub(t, { xmpp, irc, dir: makeTempDir('switchboard-gateway-room-callbacks-'), module: recorder, options: { loginIntervalMs: 50 } });
      const domain = xmpp.componentDomain;
      const room = `#lobby@${domain}`;
      const aliceJid = `alice@${xmpp.domain}`;
      const alice = await connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: 'alice', password: 'alicepw', resource: 'laptop' });
      t.after(() => alice.close());
      const [carol, dave] = await Promise.all([connectRawIrc({ host: irc.host, port: irc.port, nick: 'carol' }), connectRawIrc({ host: irc.host, port: irc.port, nick: 'dave' })]);
      t.after(() => Promise.all([carol.close(), dave.close()]));
      carol.send('JOIN #lobby');
      await carol.waitForLine(/ 366 carol #lobby /, WAIT_MS);

      await alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: 'jabber:iq:register' },
        xml('x', { xmlns: 'jabber:x:data', type: 'submit' }, xml('field', { var: 'nick' }, xml('value', {}, 'alice')), xml('field', { var: 'auth' }, xml('value', {}, 'none'))))), WAIT_MS);
      await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === domain && s.getChildText('status') === 'Connected as alice', WAIT_MS);

      // A join userMayJoinRoom refuses: a presence error with forbidden.
      await alice.send(xml('presence', { to: `#forbidden@${domain}/alice` }, xml('x', { xmlns: NS_MUC })));
      const refusedJoin = await alice.waitForStanza((s) => s.is('presence') && s.attrs.type === 'error' && s.attrs.from === `#forbidden@${domain}/alice`, WAIT_MS);
      assert.ok(refusedJoin.getChild('error')?.getChild('forbidden', NS_STANZAS) !== undefined, refusedJoin.toString());

      // Invited on IRC, then joined: isInvited true, and the JOIN checked.
      carol.send('INVITE alice #lobby');
      await alice.waitForStanza((s) => s.is('message') && s.attrs.from === room && s.getChild('x', NS_MUC_USER)?.getChild('invite') !== undefined, WAIT_MS);
      await alice.joinRoom(room, 'alice', WAIT_MS);
      await carol.waitForLine(/^:alice!\S+ JOIN :?#lobby$/, WAIT_MS);

      // Every message is checked; a refused one is an error and never reaches IRC.
      await alice.send(xml('message', { type: 'groupchat', to: room, id: 'bad' }, xml('body', {}, 'a forbidden word')));
      const refusedMessage = await alice.waitForStanza((s) => s.is('message') && s.attrs.type === 'error' && s.attrs.id === 'bad', WAIT_MS);
      assert.ok(refusedMessage.getChild('error')?.getChild('forbidden', NS_STANZAS) !== undefined);
      await alice.send(xml('message', { type: 'groupchat', to: room, id: 'good' }, xml('body', {}, 'hello')));
      await carol.waitForLine(/^:alice!\S+ PRIVMSG #lobby :hello$/, WAIT_MS);
      assert.ok(!carol.lines.some((l) => l.includes('forbidden word')), 'the refused message stayed out of IRC');

      // A join that creates the channel: 201, userMayCreateRoom and onCreateRoom.
      const fresh = await alice.joinRoom(`#fresh@${domain}`, 'alice', WAIT_MS);
      assert.deepEqual(codesOf(fresh), ['110', '201']);

      // The gateway's disco#items: the rooms alice is in, less what userMayPublishRoom refuses.
      const items = await alice.xmpp.iqCaller.request(xml('iq', { type: 'get', to: domain }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#items' })), WAIT_MS);
      assert.deepEqual(items.getChild('query')?.getChildren('item').map((i) => i.attrs.jid), [room]);

      // An invitation: userMayInvite, then INVITE.
      await alice.send(xml('message', { to: room }, xml('x', { xmlns: NS_MUC_USER }, xml('invite', { to: `dave@${domain}` }))));
      await dave.waitForLine(/^:alice!\S+ INVITE dave :?#lobby$/, WAIT_MS);

      // Destroy: refused while carol is in #lobby (IRC channels end with their last member); done in #fresh (alice alone, op).
      const destroy = (jid: string) => alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: jid }, xml('query', { xmlns: 'http://jabber.org/protocol/muc#owner' }, xml('destroy', {}, xml('reason', {}, 'done')))), WAIT_MS);
      const kept = await destroy(room).then(() => undefined, (error: { condition?: string; text?: string }) => error);
      assert.ok(kept !== undefined && ['forbidden', 'not-acceptable'].includes(kept.condition ?? ''), String(kept?.condition));
      const gone = alice.waitForStanza((s) => s.is('presence') && s.attrs.type === 'unavailable' && s.attrs.from === `#fresh@${domain}/alice`, WAIT_MS);
      await destroy(`#fresh@${domain}`);
      assert.equal((await gone).getChild('x', NS_MUC_USER)?.getChild('destroy')?.getChildText('reason'), 'done');

      assert.deepEqual(calls, [
        `userMayJoinRoom ${aliceJid} #forbidden false`,
        `userMayJoinRoom ${aliceJid} #lobby true`,
        'checkEventAllowed JOIN #lobby',
        'checkEventAllowed MESSAGE #lobby',
        'checkEventAllowed MESSAGE #lobby',
        `userMayJoinRoom ${aliceJid} #fresh false`,
        'checkEventAllowed JOIN #fresh',
        `userMayCreateRoom ${aliceJid}`,
        `onCreateRoom ${aliceJid} #fresh`,
        'userMayPublishRoom #lobby',
        'userMayPublishRoom #fresh',
        `userMayInvite ${aliceJid} dave #lobby`,
        // The #lobby destroy: checkCanShutdownRoom allows, IRC refuses (carol is there); then #fresh.
        `checkCanShutdownRoom ${aliceJid} #lobby`,
        `checkCanShutdownRoom ${aliceJid} #fresh`,
      ]);
    });
  });
}
