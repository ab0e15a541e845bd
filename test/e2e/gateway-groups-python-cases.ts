/**
 * Gateway group chats with independent clients on both sides (issue 18's "Done when"): slixmpp
 * (python3-slixmpp, test/support/python/xmpp_peer.py) as the person's XMPP client, python3-irc
 * (test/support/python/irc_peer.py) in the IRC channel, on a real XMPP server (Prosody:
 * gateway-groups-python.test.ts, ejabberd: gateway-groups-python-ejabberd.test.ts) and ngIRCd.
 * In order: slixmpp's join sees every IRC user with the role of their prefix and the topic as the
 * subject; an op given on IRC makes alice a moderator (live MODE); messages both ways (with /me,
 * and a private message through the room); the topic
 * both ways; a kick from XMPP (slixmpp's set_role none) kicks on IRC; with alice's tablet keeping
 * the channel, a MAM query (slixmpp's xep_0313) from her laptop returns what was said while it
 * was away, and rejoining gets it as history, while bob (a second registered person) joining later
 * gets none of it (the archive is per person); a hub restart rejoins the kept room and tells her.
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { defineModule } from '../../src/modules/public.js';
import { startNgircd, startXmppServer, xmppServerLabel, type XmppServerKind } from '../support/servers.js';
import { startPythonIrc, type PythonIrcPeer } from '../support/python-irc.js';
import { startPythonXmpp, type PeerEvent, type PeerStanza, type PythonXmppPeer } from '../support/python-xmpp.js';
import { makeTempDir } from '../support/switchboard-process.js';
import { startGatewayHub } from './gateway-hub.js';

const WAIT_MS = 15_000;
const NS_MUC = 'http://jabber.org/protocol/muc';
const NS_MAM = 'urn:xmpp:mam:2';

/** No module callbacks: a module that registers none. */
const noModule = defineModule({ name: 'no-callbacks', setup: () => undefined });

/** The registration form the other gateway e2e submit (nick, no IRC password), as raw XML. */
function registration(domain: string, nick: string): string {
  return `<iq type="set" id="reg-${nick}" to="${domain}"><query xmlns="jabber:iq:register"><x xmlns="jabber:x:data" type="submit">`
    + `<field var="nick"><value>${nick}</value></field><field var="auth"><value>none</value></field></x></query></iq>`;
}

/** Registers the peer's account with the gateway and waits for its "Connected as" presence. */
async function register(peer: PythonXmppPeer, domain: string, nick: string): Promise<void> {
  peer.command({ cmd: 'raw', xml: registration(domain, nick) });
  const answer = await peer.waitForStanza((s) => s.kind === 'iq' && s.id === `reg-${nick}`, WAIT_MS, 'the registration answer');
  assert.equal(answer.type, 'result', answer.xml);
  await peer.waitForStanza((s) => s.kind === 'presence' && s.from === domain && s.status === `Connected as ${nick}`, WAIT_MS, 'the gateway connected');
}

/** The stanzas a `done` event carries (join: occupants, history; mam: results). */
const stanzasOf = (done: PeerEvent, key: 'occupants' | 'history' | 'results'): readonly PeerStanza[] => done[key] ?? [];

/** `peer` closed after the test, also when a peer started beside it failed. */
function closedAfter<P extends { close(): Promise<void> }>(t: TestContext, peer: Promise<P>): Promise<P> {
  t.after(() => peer.then((p) => p.close(), () => undefined));
  return peer;
}

/** The cases on one XMPP server. */
export function describePythonGroupChats(kind: XmppServerKind): void {
  void describe(`gateway group chats with slixmpp and python3-irc on ${xmppServerLabel(kind)} and ngIRCd`, { timeout: 90_000 }, () => {
    it('join, roles, live MODE, messages and topics both ways, kick, MAM while away, history on rejoin, restart', async (t) => {
      const [xmpp, irc] = await Promise.all([startXmppServer(kind, { users: [['alice', 'alicepw'], ['bob', 'bobpw']] }), startNgircd()]);
      t.after(() => Promise.all([xmpp.stop(), irc.stop()]));
      const dir = makeTempDir('switchboard-gateway-python-');
      const hubOptions = {
        xmpp, irc, dir, module: noModule, key: randomBytes(32).toString('base64'),
        options: { loginIntervalMs: 50, retryInitialMs: 200, legacy: { protocol: 'irc', host: irc.host, port: irc.port, tls: false, connectTimeoutMs: 5000 } },
      };
      const hub = await startGatewayHub(t, hubOptions);
      const domain = xmpp.componentDomain;
      const room = `#lobby@${domain}`;
      const slixmpp = (resource: string): Promise<PythonXmppPeer> => startPythonXmpp(xmpp.host, xmpp.port, `alice@${xmpp.domain}/${resource}`, 'alicepw', WAIT_MS);
      const python3Irc = (nick: string): Promise<PythonIrcPeer> => startPythonIrc(irc.host, irc.port, nick, WAIT_MS);

      // The channel on IRC: carol (op, the first in), dave (voiced), a topic.
      const [carol, dave, laptop] = await Promise.all([closedAfter(t, python3Irc('carol')), closedAfter(t, python3Irc('dave')), closedAfter(t, slixmpp('laptop'))]);
      carol.command({ cmd: 'join', channel: '#lobby' });
      await carol.waitFor((e) => e.event === 'endofnames' && e.target === '#lobby', WAIT_MS, "carol's join");
      dave.command({ cmd: 'join', channel: '#lobby' });
      await carol.waitFor((e) => e.event === 'join' && e.source === 'dave', WAIT_MS, "dave's join");
      carol.command({ cmd: 'mode', target: '#lobby', modes: '+v dave' });
      carol.command({ cmd: 'topic', channel: '#lobby', text: 'Welcome to the lobby' });
      await dave.waitFor((e) => e.event === 'topic' && e.text === 'Welcome to the lobby', WAIT_MS, 'the topic');

      await register(laptop, domain, 'alice');
      const info = await laptop.run({ cmd: 'disco', to: room }, WAIT_MS);
      assert.ok((info.features ?? []).includes(NS_MUC) && (info.features ?? []).includes(NS_MAM), JSON.stringify(info));
      assert.ok((info.identities ?? []).some((i) => i[0] === 'conference'), JSON.stringify(info));

      // Join (slixmpp's join_muc_wait): carol a moderator, dave a participant, alice herself, the topic as the subject.
      const joined = await laptop.run({ cmd: 'join', room, nick: 'alice', maxstanzas: 0 }, WAIT_MS);
      const occupants = stanzasOf(joined, 'occupants').filter((p) => p.from !== `${room}/alice`);
      assert.deepEqual(occupants.map((p) => [p.from, p.role, p.affiliation]).sort(), [[`${room}/carol`, 'moderator', 'admin'], [`${room}/dave`, 'participant', 'member']]);
      const self = joined.self!;
      assert.deepEqual([self.from, self.role, self.codes?.includes('110')], [`${room}/alice`, 'participant', true]);
      const subject = joined.subject_stanza!;
      assert.deepEqual([subject.from, subject.subject], [`${room}/carol`, 'Welcome to the lobby']);
      await carol.waitFor((e) => e.event === 'join' && e.source === 'alice' && e.target === '#lobby', WAIT_MS, "alice's JOIN");

      // An op on IRC: alice becomes a moderator (her own presence, status 110), live.
      carol.command({ cmd: 'mode', target: '#lobby', modes: '+o alice' });
      const opped = await laptop.waitForStanza((s) => s.kind === 'presence' && s.from === `${room}/alice` && s.role === 'moderator', WAIT_MS, 'alice a moderator');
      assert.deepEqual([opped.affiliation, opped.codes], ['admin', ['110']]);

      // Messages both ways.
      carol.command({ cmd: 'privmsg', target: '#lobby', text: 'hi alice' });
      await laptop.waitForStanza((s) => s.kind === 'message' && s.type === 'groupchat' && s.from === `${room}/carol` && s.body === 'hi alice', WAIT_MS, "carol's message");
      laptop.command({ cmd: 'message', to: room, body: 'hello irc', id: 'm1' });
      await carol.waitFor((e) => e.event === 'pubmsg' && e.source === 'alice' && e.target === '#lobby' && e.text === 'hello irc', WAIT_MS, "alice's message on IRC");
      const echo = await laptop.waitForStanza((s) => s.kind === 'message' && s.from === `${room}/alice` && s.id === 'm1', WAIT_MS, "alice's message reflected");
      assert.equal(echo.body, 'hello irc');
      laptop.command({ cmd: 'message', to: room, body: '/me waves' });
      await carol.waitFor((e) => e.event === 'action' && e.source === 'alice' && e.target === '#lobby' && e.text === 'waves', WAIT_MS, "alice's /me as a CTCP ACTION");
      carol.command({ cmd: 'action', target: '#lobby', text: 'smiles' });
      await laptop.waitForStanza((s) => s.kind === 'message' && s.from === `${room}/carol` && s.body === '/me smiles', WAIT_MS, "carol's action as /me");
      // A private message through the room (XEP-0045 §7.5) is a PRIVMSG; the answer comes from carol's contact JID.
      laptop.command({ cmd: 'message', to: `${room}/carol`, body: 'just you', type: 'chat' });
      await carol.waitFor((e) => e.event === 'privmsg' && e.source === 'alice' && e.target === 'carol' && e.text === 'just you', WAIT_MS, 'the private message');
      carol.command({ cmd: 'privmsg', target: 'alice', text: 'just you too' });
      const answer = await laptop.waitForStanza((s) => s.kind === 'message' && s.body === 'just you too', WAIT_MS, "carol's private answer");
      assert.deepEqual([answer.type, answer.from?.split('/')[0]], ['chat', `carol@${domain}`]);

      // The topic both ways.
      carol.command({ cmd: 'topic', channel: '#lobby', text: 'from irc' });
      await laptop.waitForStanza((s) => s.kind === 'message' && s.from === `${room}/carol` && s.subject === 'from irc', WAIT_MS, "carol's topic");
      laptop.command({ cmd: 'subject', room, subject: 'from xmpp' });
      await carol.waitFor((e) => e.event === 'topic' && e.source === 'alice' && e.text === 'from xmpp', WAIT_MS, "alice's topic on IRC");
      await laptop.waitForStanza((s) => s.kind === 'message' && s.from === `${room}/alice` && s.subject === 'from xmpp', WAIT_MS, "alice's topic reflected");

      // A kick from XMPP (slixmpp's set_role none) kicks dave on IRC; the room tells alice (307, the reason in the item).
      await laptop.run({ cmd: 'kick', room, nick: 'dave', reason: 'enough' }, WAIT_MS);
      const kicked = await dave.waitFor((e) => e.event === 'kick' && e.nick === 'dave', WAIT_MS, 'dave kicked');
      assert.deepEqual([kicked.source, kicked.target, kicked.text], ['alice', '#lobby', 'enough']);
      const gone = await laptop.waitForStanza((s) => s.kind === 'presence' && s.from === `${room}/dave` && s.type === 'unavailable', WAIT_MS, "dave's kick presence");
      assert.ok(gone.codes?.includes('307'), gone.xml);
      assert.match(gone.reason ?? '', /enough/, gone.xml);

      // The tablet keeps the channel while the laptop is away; MAM from the laptop returns what was said meanwhile.
      const tablet = await closedAfter(t, slixmpp('tablet'));
      await tablet.run({ cmd: 'join', room, nick: 'alice', maxstanzas: 0 }, WAIT_MS);
      laptop.command({ cmd: 'leave', room, nick: 'alice' });
      await laptop.waitForStanza((s) => s.kind === 'presence' && s.from === `${room}/alice` && s.type === 'unavailable', WAIT_MS, 'the laptop out');
      const away = new Date().toISOString();
      for (const text of ['while away 1', 'while away 2']) {
        carol.command({ cmd: 'privmsg', target: '#lobby', text });
        await tablet.waitForStanza((s) => s.kind === 'message' && s.body === text, WAIT_MS, `"${text}" on the tablet`);
      }
      assert.equal(carol.events.filter((e) => e.event === 'part' && e.source === 'alice').length, 0, 'alice stayed in #lobby');
      const mam = await laptop.run({ cmd: 'mam', room, start: away, max: 10 }, WAIT_MS);
      const results = stanzasOf(mam, 'results');
      assert.deepEqual(results.map((r) => [r.mam?.message?.from, r.mam?.message?.body]), [[`${room}/carol`, 'while away 1'], [`${room}/carol`, 'while away 2']], results.map((r) => r.xml).join('\n'));
      assert.match(results[0]?.mam?.stamp ?? '', /^\d{4}-\d\d-\d\dT/);
      // The same one per page, with slixmpp's RSM iterator (each page asks after the last one's id).
      const paged = await laptop.run({ cmd: 'mam', room, start: away, max: 1, pages: true }, WAIT_MS);
      assert.deepEqual((paged.pages ?? []).map((page) => page.map((r) => r.mam?.message?.body)), [['while away 1'], ['while away 2']]);

      // History on rejoin: the two newest, delayed, from the room.
      const rejoined = await laptop.run({ cmd: 'join', room, nick: 'alice', maxstanzas: 2 }, WAIT_MS);
      const history = stanzasOf(rejoined, 'history');
      assert.deepEqual(history.map((m) => [m.from, m.body, m.delay?.from]), [[`${room}/carol`, 'while away 1', room], [`${room}/carol`, 'while away 2', room]]);
      await tablet.close();

      // bob, a second registered person, joins now: the archive is per person, so neither his history
      // nor his MAM holds what was said before he was there (ADR 0010 "History").
      const bob = await closedAfter(t, startPythonXmpp(xmpp.host, xmpp.port, `bob@${xmpp.domain}/desk`, 'bobpw', WAIT_MS));
      await register(bob, domain, 'bob');
      const bobJoined = await bob.run({ cmd: 'join', room, nick: 'bob', maxstanzas: 10 }, WAIT_MS);
      assert.deepEqual(stanzasOf(bobJoined, 'history').map((m) => m.body), []);
      assert.deepEqual(stanzasOf(await bob.run({ cmd: 'mam', room, max: 10 }, WAIT_MS), 'results').map((r) => r.mam?.message?.body), []);
      await bob.close();

      // A hub restart: alice quits IRC, the restarted hub joins #lobby again by itself and tells the laptop.
      await hub.stop();
      await carol.waitFor((e) => e.event === 'quit' && e.source === 'alice', WAIT_MS, "alice's QUIT");
      const restarted = laptop.events.length;
      const joins = carol.events.length;
      await startGatewayHub(t, hubOptions);
      await carol.waitFor((e) => e.event === 'join' && e.source === 'alice' && e.target === '#lobby', WAIT_MS, "alice's JOIN after the restart", joins);
      const back = await laptop.waitForStanza((s) => s.kind === 'presence' && s.from === `${room}/alice` && s.type === null, WAIT_MS, 'the self-presence after the restart', restarted);
      assert.ok(back.codes?.includes('110'), back.xml);
      await laptop.waitForStanza((s) => s.kind === 'message' && s.subject === 'from xmpp', WAIT_MS, 'the subject after the restart', restarted);
      carol.command({ cmd: 'privmsg', target: '#lobby', text: 'welcome back' });
      await laptop.waitForStanza((s) => s.kind === 'message' && s.body === 'welcome back', WAIT_MS, 'a message after the restart', restarted);
      laptop.command({ cmd: 'message', to: room, body: 'glad to be back' });
      await carol.waitFor((e) => e.event === 'pubmsg' && e.source === 'alice' && e.text === 'glad to be back', WAIT_MS, "alice's message after the restart", joins);
    });
  });
}
