/**
 * Gateway group chats (docs/gateway.md "Group chats", ADR 0010) on a real XMPP server (Prosody:
 * gateway-groups.test.ts, ejabberd: gateway-groups-ejabberd.test.ts) and ngIRCd, with
 * an xmpp.js client as the person and raw IRC clients in the channel: joining #lobby shows every
 * IRC user with the role of their prefix, the self-presence, then the topic as the subject;
 * +m makes the unvoiced visitors, an op made on IRC becomes a moderator; messages both ways (the person's own reflected once
 * with its id); the topic both ways (refused while the channel is +t and the person no op);
 * joins, nick changes and quits as presences; an invite-only channel and a bad room name are
 * presence errors and the session goes on; a second resource sees the room too; the last
 * resource leaving parts the channel.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineModule } from '../../src/modules/public.js';
import { startNgircd, startXmppServer, xmppServerLabel, type XmppServerKind } from '../support/servers.js';
import { connectRawIrc, connectXmppClient, NS_MUC, NS_MUC_USER, xml, type RawIrcClient, type TestXmppClient, type XmlElement } from '../support/clients.js';
import { makeTempDir } from '../support/switchboard-process.js';
import { startGatewayHub } from './gateway-hub.js';
import { ircPeopleIn } from './gateway-irc-channel.js';

const WAIT_MS = 15_000;
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const CTCP = '\u0001';

/** No module callbacks in this slice: a module that registers none. */
const noModule = defineModule({ name: 'no-callbacks', setup: () => undefined });

function itemOf(presence: XmlElement): { role?: string; affiliation?: string; nick?: string; codes: string[] } {
  const x = presence.getChild('x', NS_MUC_USER);
  const item = x?.getChild('item');
  return { role: item?.attrs.role, affiliation: item?.attrs.affiliation, nick: item?.attrs.nick, codes: (x?.getChildren('status') ?? []).map((s) => String(s.attrs.code)) };
}

function conditionOf(stanza: XmlElement): string | undefined {
  return stanza.getChild('error')?.children.find((c): c is XmlElement => typeof c !== 'string' && c.attrs.xmlns === NS_STANZAS && c.name !== 'text')?.name;
}

/** The group-chat case on one XMPP server. */
export function describeGroupChats(kind: XmppServerKind): void {
  void describe(`gateway group chats on ${xmppServerLabel(kind)} and ngIRCd`, { timeout: 120_000 }, () => {
    it('join shows roles and the topic, messages and topics both ways, presences follow IRC, leaving parts', async (t) => {
      const [xmpp, irc] = await Promise.all([startXmppServer(kind, { users: [['alice', 'alicepw']] }), startNgircd()]);
      t.after(() => Promise.all([xmpp.stop(), irc.stop()]));
      const dir = makeTempDir('switchboard-gateway-groups-');
      await startGatewayHub(t, { xmpp, irc, dir, module: noModule, options: { loginIntervalMs: 50, legacy: { protocol: 'irc', host: irc.host, port: irc.port, tls: false, connectTimeoutMs: 5000 } } });
      const domain = xmpp.componentDomain;
      const room = `#lobby@${domain}`;
      const connect = (resource: string): Promise<TestXmppClient> =>
        connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: 'alice', password: 'alicepw', resource });
      const alice = await connect('laptop');
      t.after(() => alice.close());
      const irc_ = (nick: string): Promise<RawIrcClient> => connectRawIrc({ host: irc.host, port: irc.port, nick });

      // The channel on IRC: carol (op, the first in), dave (voiced), a topic, +t.
      const [carol, dave] = await ircPeopleIn(t, irc, '#lobby', ['carol', 'dave'], WAIT_MS);
      carol.send('MODE #lobby +tv dave');
      carol.send('TOPIC #lobby :Welcome to the lobby');
      await dave.waitForLine(/ TOPIC #lobby :Welcome to the lobby$/, WAIT_MS);
      carol.send('JOIN #secret');
      carol.send('MODE #secret +i');
      await carol.waitForLine(/MODE #secret \+i/, WAIT_MS);

      // alice registers (no IRC password) and is connected.
      await alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: 'jabber:iq:register' },
        xml('x', { xmlns: 'jabber:x:data', type: 'submit' }, xml('field', { var: 'nick' }, xml('value', {}, 'alice')), xml('field', { var: 'auth' }, xml('value', {}, 'none'))))), WAIT_MS);
      await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === domain && s.getChildText('status') === 'Connected as alice', WAIT_MS);

      // disco#info of the room JID: a text conference with the MUC feature.
      const info = await alice.xmpp.iqCaller.request(xml('iq', { type: 'get', to: room }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })), WAIT_MS);
      assert.equal(info.getChild('query')?.getChild('identity')?.attrs.category, 'conference');
      assert.ok(info.getChild('query')?.getChildren('feature').some((f) => f.attrs.var === NS_MUC));

      // Join: carol (op: moderator/admin), dave (voice: participant/member), the self-presence, then the subject (XEP-0045 §7.2).
      const self = await alice.joinRoom(room, 'alice', WAIT_MS);
      assert.deepEqual(itemOf(self), { role: 'participant', affiliation: 'none', nick: undefined, codes: ['110'] });
      await alice.waitForStanza((s) => s.is('message') && s.attrs.from === `${room}/carol` && s.getChild('subject') !== undefined, WAIT_MS);
      const inRoom = alice.stanzas.filter((s) => (s.attrs.from ?? '').startsWith(`${room}/`) || s.attrs.from === room);
      const carolAt = inRoom.findIndex((s) => s.is('presence') && s.attrs.from === `${room}/carol`);
      const daveAt = inRoom.findIndex((s) => s.is('presence') && s.attrs.from === `${room}/dave`);
      const subjectAt = inRoom.findIndex((s) => s.is('message') && s.getChild('subject') !== undefined);
      const selfAt = inRoom.indexOf(self);
      assert.ok(carolAt >= 0 && daveAt >= 0 && carolAt < selfAt && daveAt < selfAt && selfAt < subjectAt, inRoom.map(String).join('\n'));
      assert.deepEqual(itemOf(inRoom[carolAt]!), { role: 'moderator', affiliation: 'admin', nick: undefined, codes: [] });
      assert.deepEqual(itemOf(inRoom[daveAt]!), { role: 'participant', affiliation: 'member', nick: undefined, codes: [] });
      assert.equal(inRoom[subjectAt]?.getChildText('subject'), 'Welcome to the lobby');
      assert.equal(inRoom[subjectAt]?.attrs.from, `${room}/carol`);
      assert.equal(inRoom.filter((s) => s.is('presence')).length, 3, 'no one else, and alice once');
      await carol.waitForLine(/^:alice!\S+ JOIN :?#lobby$/, WAIT_MS);

      // Messages both ways (with /me); alice's own reflected once with her id.
      carol.send('PRIVMSG #lobby :hi alice');
      await alice.waitForStanza((s) => s.is('message') && s.attrs.type === 'groupchat' && s.attrs.from === `${room}/carol` && s.getChildText('body') === 'hi alice', WAIT_MS);
      dave.send('PRIVMSG #lobby :\u0001ACTION waves\u0001');
      await alice.waitForStanza((s) => s.is('message') && s.attrs.from === `${room}/dave` && s.getChildText('body') === '/me waves', WAIT_MS);
      await alice.send(xml('message', { type: 'groupchat', to: room, id: 'm1' }, xml('body', {}, 'hello irc')));
      await carol.waitForLine(/^:alice!\S+ PRIVMSG #lobby :hello irc$/, WAIT_MS);
      const echo = await alice.waitForStanza((s) => s.is('message') && s.attrs.from === `${room}/alice` && s.attrs.id === 'm1', WAIT_MS);
      assert.equal(echo.getChildText('body'), 'hello irc');
      await alice.send(xml('message', { type: 'groupchat', to: room, id: 'm2' }, xml('body', {}, '/me nods')));
      await dave.waitForLine(new RegExp(`^:alice!\\S+ PRIVMSG #lobby :${CTCP}ACTION nods${CTCP}$`), WAIT_MS);
      await alice.waitForStanza((s) => s.is('message') && s.attrs.id === 'm2', WAIT_MS);
      assert.equal(alice.stanzas.filter((s) => s.is('message') && s.attrs.id === 'm1').length, 1, 'reflected once');

      // The topic from XMPP: refused while +t and alice no op (the network's words, the room goes on).
      await alice.send(xml('message', { type: 'groupchat', to: room }, xml('subject', {}, 'from xmpp')));
      const refused = await alice.waitForStanza((s) => s.is('message') && s.attrs.from === room && /IRC refused/.test(s.getChildText('body') ?? ''), WAIT_MS);
      assert.match(refused.getChildText('body') ?? '', /operator|privileges|chanop/i);
      // +m: alice (no prefix) is a visitor; an op on IRC is a moderator (alice's own presence, status 110; dave's too).
      carol.send('MODE #lobby +m');
      const visitor = await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === `${room}/alice` && itemOf(s).role === 'visitor', WAIT_MS);
      assert.deepEqual(itemOf(visitor).codes, ['110']);
      carol.send('MODE #lobby +oo alice dave');
      const opped = await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === `${room}/alice` && itemOf(s).role === 'moderator', WAIT_MS);
      assert.deepEqual(itemOf(opped), { role: 'moderator', affiliation: 'admin', nick: undefined, codes: ['110'] });
      await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === `${room}/dave` && itemOf(s).role === 'moderator', WAIT_MS);
      carol.send('MODE #lobby -o-m dave');
      const deopped = await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === `${room}/dave` && itemOf(s).role === 'participant', WAIT_MS);
      assert.equal(itemOf(deopped).affiliation, 'member', 'still voiced');
      await alice.send(xml('message', { type: 'groupchat', to: room }, xml('subject', {}, 'from xmpp')));
      await carol.waitForLine(/^:alice!\S+ TOPIC #lobby :from xmpp$/, WAIT_MS);
      await alice.waitForStanza((s) => s.is('message') && s.attrs.from === `${room}/alice` && s.getChildText('subject') === 'from xmpp', WAIT_MS);
      carol.send('TOPIC #lobby :from irc');
      await alice.waitForStanza((s) => s.is('message') && s.attrs.from === `${room}/carol` && s.getChildText('subject') === 'from irc', WAIT_MS);

      // Someone joins, changes nick, quits: presences.
      const erin = await irc_('erin');
      t.after(() => erin.close());
      erin.send('JOIN #lobby');
      const joined = await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === `${room}/erin` && s.attrs.type === undefined, WAIT_MS);
      assert.deepEqual(itemOf(joined), { role: 'participant', affiliation: 'none', nick: undefined, codes: [] });
      erin.send('NICK erin2');
      const renamed = await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === `${room}/erin` && s.attrs.type === 'unavailable', WAIT_MS);
      assert.deepEqual(itemOf(renamed), { role: 'none', affiliation: 'none', nick: 'erin2', codes: ['303'] });
      await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === `${room}/erin2` && s.attrs.type === undefined, WAIT_MS);
      erin.send('QUIT :gone fishing');
      const quit = await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === `${room}/erin2` && s.attrs.type === 'unavailable', WAIT_MS);
      assert.match(quit.getChildText('status') ?? '', /gone fishing/);

      // Refusals: an invite-only channel and a room JID that is no channel name; the session goes on.
      await alice.send(xml('presence', { to: `#secret@${domain}/alice` }, xml('x', { xmlns: NS_MUC })));
      const secret = await alice.waitForStanza((s) => s.is('presence') && s.attrs.type === 'error' && s.attrs.from === `#secret@${domain}/alice`, WAIT_MS);
      assert.equal(conditionOf(secret), 'not-authorized');
      assert.match(secret.getChild('error')?.getChildText('text', NS_STANZAS) ?? '', /invite-only/);
      await alice.send(xml('presence', { to: `#bad,name@${domain}/alice` }, xml('x', { xmlns: NS_MUC })));
      const bad = await alice.waitForStanza((s) => s.is('presence') && s.attrs.type === 'error' && s.attrs.from === `#bad,name@${domain}/alice`, WAIT_MS);
      assert.equal(conditionOf(bad), 'item-not-found');
      carol.send('PRIVMSG #lobby :still here');
      await alice.waitForStanza((s) => s.is('message') && s.getChildText('body') === 'still here', WAIT_MS);

      // A second resource joins: it sees the room (no second IRC JOIN); both get messages.
      const phone = await connect('phone');
      t.after(() => phone.close());
      const phoneSelf = await phone.joinRoom(room, 'alice', WAIT_MS);
      assert.deepEqual(itemOf(phoneSelf).codes, ['110']);
      assert.ok(phone.stanzas.some((s) => s.is('presence') && s.attrs.from === `${room}/carol`));
      carol.send('PRIVMSG #lobby :to both');
      await Promise.all([alice, phone].map((c) => c.waitForStanza((s) => s.is('message') && s.getChildText('body') === 'to both', WAIT_MS)));
      await phone.send(xml('message', { type: 'groupchat', to: room, id: 'p1' }, xml('body', {}, 'from the phone')));
      await carol.waitForLine(/PRIVMSG #lobby :from the phone$/, WAIT_MS);
      await Promise.all([alice, phone].map((c) => c.waitForStanza((s) => s.is('message') && s.attrs.id === 'p1' && s.attrs.from === `${room}/alice`, WAIT_MS)));

      // Leaving: the phone leaves (alice stays in the channel), then the laptop: the channel is parted.
      await phone.send(xml('presence', { to: `${room}/alice`, type: 'unavailable' }));
      await phone.waitForStanza((s) => s.is('presence') && s.attrs.type === 'unavailable' && s.attrs.from === `${room}/alice` && itemOf(s).codes.includes('110'), WAIT_MS);
      await alice.send(xml('presence', { to: `${room}/alice`, type: 'unavailable' }));
      await alice.waitForStanza((s) => s.is('presence') && s.attrs.type === 'unavailable' && s.attrs.from === `${room}/alice` && itemOf(s).codes.includes('110'), WAIT_MS);
      await carol.waitForLine(/^:alice!\S+ PART #lobby/, WAIT_MS);
      assert.equal(carol.lines.filter((l) => /^:alice!\S+ (JOIN|PART) /.test(l)).length, 2, 'one JOIN, one PART');
    });
  });
}
