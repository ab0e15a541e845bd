/**
 * Gateway group chats kept across restarts and lost IRC connections (docs/gateway.md "Group
 * chats", ADR 0010 "Rooms kept across restarts") on a real XMPP server and ngIRCd: alice's
 * laptop is in #lobby and her tablet in #gone; the hub stops, the tablet goes offline meanwhile;
 * the restarted hub joins #lobby again on IRC by itself and tells the laptop (the occupants, its
 * self-presence, the subject) while #gone, whose only device is gone, is forgotten and not
 * joined. An IRC operator's KILL: the session logs in again and rejoins #lobby the same way.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { defineModule } from '../../src/modules/public.js';
import { startNgircd, startXmppServer, xmppServerLabel, type XmppServerKind } from '../support/servers.js';
import { connectRawIrc, connectXmppClient, NS_MUC_USER, xml, type TestXmppClient, type XmlElement } from '../support/clients.js';
import { makeTempDir } from '../support/switchboard-process.js';
import { startGatewayHub, storedRooms } from './gateway-hub.js';
import { ircPeopleIn } from './gateway-irc-channel.js';

const WAIT_MS = 15_000;

const noModule = defineModule({ name: 'no-callbacks', setup: () => undefined });

function codesOf(presence: XmlElement): string[] {
  return (presence.getChild('x', NS_MUC_USER)?.getChildren('status') ?? []).map((s) => String(s.attrs.code));
}

/** The rejoin cases on one XMPP server. */
export function describeRoomRejoin(kind: XmppServerKind): void {
  void describe(`gateway rooms kept across restarts on ${xmppServerLabel(kind)} and ngIRCd`, { timeout: 120_000 }, () => {
    it('a restart and a killed IRC connection rejoin the rooms whose devices are online, and tell them', async (t) => {
      const [xmpp, irc] = await Promise.all([startXmppServer(kind, { users: [['alice', 'alicepw']] }), startNgircd()]);
      t.after(() => Promise.all([xmpp.stop(), irc.stop()]));
      const dir = makeTempDir('switchboard-gateway-rejoin-');
      const key = randomBytes(32).toString('base64');
      const hubOptions = { xmpp, irc, dir, module: noModule, key, options: { loginIntervalMs: 50, retryInitialMs: 200, legacy: { protocol: 'irc', host: irc.host, port: irc.port, tls: false, connectTimeoutMs: 5000 } } };
      let hub = await startGatewayHub(t, hubOptions);
      const domain = xmpp.componentDomain;
      const lobby = `#lobby@${domain}`;
      const gone = `#gone@${domain}`;
      const connect = (resource: string): Promise<TestXmppClient> =>
        connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: 'alice', password: 'alicepw', resource });
      const laptop = await connect('laptop');
      t.after(() => laptop.close());
      const [carol] = await ircPeopleIn(t, irc, '#lobby', ['carol'], WAIT_MS);
      carol.send('TOPIC #lobby :kept');
      carol.send('JOIN #gone');
      await carol.waitForLine(/ 366 carol #gone /, WAIT_MS);
      carol.send('JOIN #later');
      await carol.waitForLine(/ 366 carol #later /, WAIT_MS);

      await laptop.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: 'jabber:iq:register' },
        xml('x', { xmlns: 'jabber:x:data', type: 'submit' }, xml('field', { var: 'nick' }, xml('value', {}, 'alice')), xml('field', { var: 'auth' }, xml('value', {}, 'none'))))), WAIT_MS);
      await laptop.waitForStanza((s) => s.is('presence') && s.attrs.from === domain && s.getChildText('status') === 'Connected as alice', WAIT_MS);
      await laptop.joinRoom(lobby, 'alice', WAIT_MS);
      await carol.waitForLine(/^:alice!\S+ JOIN :?#lobby$/, WAIT_MS);
      await laptop.joinRoom(`#later@${domain}`, 'alice', WAIT_MS);
      await carol.waitForLine(/^:alice!\S+ JOIN :?#later$/, WAIT_MS);
      const tablet = await connect('tablet');
      t.after(() => tablet.close());
      await tablet.joinRoom(gone, 'alice', WAIT_MS);
      await carol.waitForLine(/^:alice!\S+ JOIN :?#gone$/, WAIT_MS);

      // The hub stops: alice quits IRC, the laptop is told (332); the tablet goes offline meanwhile.
      const stopped = laptop.stanzas.length;
      await hub.stop();
      await carol.waitForLine(/^:alice!\S+ QUIT/, WAIT_MS);
      await laptop.waitForStanza((s) => laptop.stanzas.indexOf(s) >= stopped && s.is('presence') && s.attrs.from === `${lobby}/alice` && s.attrs.type === 'unavailable' && codesOf(s).includes('332'), WAIT_MS);
      await tablet.close();
      // Meanwhile carol bans alice from #later.
      carol.send('MODE #later +b alice!*@*');
      await carol.waitForLine(/MODE #later \+b alice!\*@\*/, WAIT_MS);
      const kept = await storedRooms(dir);
      assert.deepEqual(kept, { [`rooms:alice@${xmpp.domain}`]: [
        { room: '#lobby', nick: 'alice', resources: [`alice@${xmpp.domain}/laptop`] },
        { room: '#later', nick: 'alice', resources: [`alice@${xmpp.domain}/laptop`] },
        { room: '#gone', nick: 'alice', resources: [`alice@${xmpp.domain}/tablet`] },
      ] });

      // The restarted hub joins #lobby again by itself and tells the laptop: carol, then the self-presence, then the subject.
      const restarted = laptop.stanzas.length;
      const after = (s: XmlElement): boolean => laptop.stanzas.indexOf(s) >= restarted;
      const joinedLines = carol.lines.length;
      hub = await startGatewayHub(t, hubOptions);
      await carol.waitForLine(/^:alice!\S+ JOIN :?#lobby$/, WAIT_MS);
      const self = await laptop.waitForStanza((s) => after(s) && s.is('presence') && s.attrs.from === `${lobby}/alice` && s.attrs.type === undefined, WAIT_MS);
      assert.deepEqual(codesOf(self), ['110']);
      const subject = await laptop.waitForStanza((s) => after(s) && s.is('message') && s.getChild('subject') !== undefined, WAIT_MS);
      assert.equal(subject.getChildText('subject'), 'kept');
      const order = laptop.stanzas.slice(restarted).filter((s) => (s.attrs.from ?? '').startsWith(`${lobby}/`));
      assert.ok(order.findIndex((s) => s.attrs.from === `${lobby}/carol`) < order.indexOf(self), order.map(String).join('\n'));
      // #later refuses the rejoin (banned): the laptop is told it is out, with the reason.
      const refused = await laptop.waitForStanza((s) => after(s) && s.is('presence') && s.attrs.from === `#later@${domain}/alice` && s.attrs.type === 'unavailable', WAIT_MS);
      assert.deepEqual(codesOf(refused), ['110', '332']);
      assert.match(refused.getChildText('status') ?? '', /^could not rejoin: .*banned.* \(forbidden\)$/);
      carol.send('PRIVMSG #lobby :welcome back');
      await laptop.waitForStanza((s) => after(s) && s.is('message') && s.getChildText('body') === 'welcome back', WAIT_MS);
      await laptop.sayInRoom(lobby, 'glad to be back');
      await carol.waitForLine(/^:alice!\S+ PRIVMSG #lobby :glad to be back$/, WAIT_MS);
      // The bookmarks fallback: "rooms" to the gateway lists both kept rooms with joinable URIs.
      await laptop.send(xml('message', { type: 'chat', to: domain }, xml('body', {}, 'rooms')));
      const listed = await laptop.waitForStanza((s) => after(s) && s.is('message') && s.attrs.from === domain && /^Your rooms/.test(s.getChildText('body') ?? ''), WAIT_MS);
      assert.match(listed.getChildText('body') ?? '', new RegExp(`#lobby — #lobby@${domain} — xmpp:%23lobby@${domain}\\?join`));

      // An IRC operator kills alice: the session logs in again and rejoins #lobby, the laptop told again.
      const oper = await connectRawIrc({ host: irc.host, port: irc.port, nick: 'oper' });
      t.after(() => oper.close());
      oper.send(`OPER ${irc.operName} ${irc.operPassword}`);
      await oper.waitForLine(/ 381 /, WAIT_MS);
      const killed = laptop.stanzas.length;
      oper.send('KILL alice :testing');
      await laptop.waitForStanza((s) => laptop.stanzas.indexOf(s) >= killed && s.is('presence') && s.attrs.from === `${lobby}/alice` && s.attrs.type === 'unavailable' && codesOf(s).includes('332'), WAIT_MS);
      const again = await laptop.waitForStanza((s) => laptop.stanzas.indexOf(s) >= killed && s.is('presence') && s.attrs.from === `${lobby}/alice` && s.attrs.type === undefined, WAIT_MS);
      assert.deepEqual(codesOf(again), ['110']);
      carol.send('PRIVMSG #lobby :after the kill');
      await laptop.waitForStanza((s) => laptop.stanzas.indexOf(s) >= killed && s.is('message') && s.getChildText('body') === 'after the kill', WAIT_MS);

      // #gone, whose only device was offline, and #later, which refused, were forgotten; #gone was never joined again.
      await hub.stop();
      assert.equal(carol.lines.slice(joinedLines).filter((l) => /^:alice!\S+ JOIN :?#gone$/.test(l)).length, 0, 'no JOIN #gone after the restart');
      assert.deepEqual(await storedRooms(dir), { [`rooms:alice@${xmpp.domain}`]: [{ room: '#lobby', nick: 'alice', resources: [`alice@${xmpp.domain}/laptop`] }] });
    });
  });
}
