/**
 * Gateway group chats with 1,000 participants in one channel (issue 18, bad input) on Prosody
 * and ngIRCd: a bare RFC 2813 pseudo-server (bench/lib/load-server.ts) linked to ngIRCd brings
 * 1,000 real IRC users into #crowd; the person's join shows each of them once, then the
 * self-presence and the subject; one of them speaks, the person answers: the session goes on.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { linkLoadServer } from '../../bench/lib/load-server.js';
import { defineModule } from '../../src/modules/public.js';
import { startNgircd, startXmppServer } from '../support/servers.js';
import { connectRawIrc, connectXmppClient, NS_MUC_USER, xml } from '../support/clients.js';
import { makeTempDir } from '../support/switchboard-process.js';
import { startGatewayHub } from './gateway-hub.js';

const WAIT_MS = 30_000;
const CROWD = 1000;

const noModule = defineModule({ name: 'no-callbacks', setup: () => undefined });

it(`a channel of ${CROWD} people: each shown once at the join, the room goes on`, { timeout: 120_000 }, async (t) => {
  const [xmpp, irc] = await Promise.all([startXmppServer('prosody', { users: [['alice', 'alicepw']] }), startNgircd()]);
  t.after(() => Promise.all([xmpp.stop(), irc.stop()]));
  const crowd = await linkLoadServer(irc.host, irc.port, { name: irc.link.peerName, peerSends: irc.link.peerSends, serverSends: irc.link.serverSends }, WAIT_MS);
  t.after(() => crowd.close());
  // A local witness in the channel first: once it sees the last of the crowd join, the ircd has them all.
  const carol = await connectRawIrc({ host: irc.host, port: irc.port, nick: 'carol' });
  t.after(() => carol.close());
  carol.send('JOIN #crowd');
  await carol.waitForLine(/ 366 carol #crowd /, WAIT_MS);
  crowd.introduce('p', CROWD, '#crowd');
  await carol.waitForLine(new RegExp(`^:p${CROWD - 1}!\\S+ JOIN :?#crowd$`), WAIT_MS);
  const seen = carol.lines.length;
  carol.send('NAMES #crowd');
  await carol.waitForLine(/ 366 carol #crowd /, WAIT_MS);
  const names = carol.lines.slice(seen).filter((l) => / 353 carol . #crowd :/.test(l)).flatMap((l) => l.slice(l.indexOf(' :') + 2).trim().split(' '));
  assert.equal(names.filter((n) => /^p\d+$/.test(n)).length, CROWD, 'the ircd has the whole crowd');

  const dir = makeTempDir('switchboard-gateway-crowd-');
  await startGatewayHub(t, { xmpp, irc, dir, module: noModule, options: { loginIntervalMs: 50, legacy: { protocol: 'irc', host: irc.host, port: irc.port, tls: false, connectTimeoutMs: 5000 } } });
  const domain = xmpp.componentDomain;
  const room = `#crowd@${domain}`;
  const alice = await connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: 'alice', password: 'alicepw', resource: 'laptop' });
  t.after(() => alice.close());
  await alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: 'jabber:iq:register' },
    xml('x', { xmlns: 'jabber:x:data', type: 'submit' }, xml('field', { var: 'nick' }, xml('value', {}, 'alice')), xml('field', { var: 'auth' }, xml('value', {}, 'none'))))), WAIT_MS);
  await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === domain && s.getChildText('status') === 'Connected as alice', WAIT_MS);

  const self = await alice.joinRoom(room, 'alice', WAIT_MS);
  await alice.waitForStanza((s) => s.is('message') && s.attrs.from?.startsWith(room) === true && s.getChild('subject') !== undefined, WAIT_MS);
  const occupants = alice.stanzas.filter((s) => s.is('presence') && s.attrs.type === undefined && s.attrs.from?.startsWith(`${room}/`) === true && s !== self);
  const nicks = occupants.map((s) => s.attrs.from?.slice(room.length + 1));
  assert.equal(new Set(nicks).size, nicks.length, 'each shown once');
  assert.equal(nicks.filter((n) => n !== undefined && /^p\d+$/.test(n)).length, CROWD);
  assert.ok(nicks.includes('carol'));
  assert.ok(occupants.every((s) => s.getChild('x', NS_MUC_USER)?.getChild('item') !== undefined));

  crowd.speak('p', 1, '#crowd', () => 'hello from the crowd');
  await alice.waitForStanza((s) => s.is('message') && s.attrs.from === `${room}/p0` && s.getChildText('body') === 'hello from the crowd', WAIT_MS);
  await alice.sayInRoom(room, 'hello crowd');
  await carol.waitForLine(/^:alice!\S+ PRIVMSG #crowd :hello crowd$/, WAIT_MS);
});
