/**
 * The gateway's one-to-one chat with an independent IRC client on the IRC side: Debian's
 * python3-irc (test/support/python/irc_peer.py) on real ngIRCd, the person on real Prosody. Both
 * ways with /me and a NOTICE, IRC formatting codes that XML cannot carry turned into styling or dropped (the component
 * stream survives them); the contact's presence follows the python client's AWAY and QUIT.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { defineModule } from '../../src/modules/public.js';
import { startGatewayHub } from './gateway-hub.js';
import { startNgircd, startProsody } from '../support/servers.js';
import { connectXmppClient, xml, type XmlElement } from '../support/clients.js';
import { startPythonIrc } from '../support/python-irc.js';
import { makeTempDir } from '../support/switchboard-process.js';

const WAIT_MS = 15_000;
const NS_REGISTER = 'jabber:iq:register';

it('one-to-one with a python3-irc user: both ways with /me and a notice; presence follows AWAY and QUIT', { timeout: 90_000 }, async (t) => {
  const [xmpp, irc] = await Promise.all([startProsody({ users: [['alice', 'alicepw']] }), startNgircd()]);
  t.after(() => Promise.all([xmpp.stop(), irc.stop()]));
  const domain = xmpp.componentDomain;
  await startGatewayHub(t, {
    xmpp, irc, dir: makeTempDir('switchboard-gateway-'), module: defineModule({ name: 'nothing', setup() {} }),
    options: { legacy: { protocol: 'irc', host: irc.host, port: irc.port, tls: false, isonIntervalSec: 5 } },
  });

  const carol = await startPythonIrc(irc.host, irc.port, 'Carol', WAIT_MS);
  t.after(() => carol.close());
  const alice = await connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: 'alice', password: 'alicepw' });
  t.after(() => alice.close());
  await alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: NS_REGISTER }, xml('nick', {}, 'alice'))), WAIT_MS);
  await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === domain && s.getChildText('status') === 'Connected as alice', WAIT_MS);

  // XMPP -> IRC: a message and a /me (a CTCP ACTION, which python3-irc reports as an action).
  const carolJid = `carol@${domain}`;
  await alice.send(xml('message', { type: 'chat', to: carolJid }, xml('body', {}, 'hello carol')));
  await carol.waitFor((e) => e.event === 'privmsg' && e.source === 'alice' && e.target === 'Carol' && e.text === 'hello carol', WAIT_MS, 'the message');
  await alice.send(xml('message', { type: 'chat', to: carolJid }, xml('body', {}, '/me waves')));
  await carol.waitFor((e) => e.event === 'action' && e.source === 'alice' && e.text === 'waves', WAIT_MS, 'the action');

  // IRC -> XMPP: a message, an action, a notice, each from carol's contact JID.
  const from = (body: string) => (s: XmlElement) => s.is('message') && (s.attrs.from ?? '').split('/')[0] === carolJid && s.getChildText('body') === body;
  carol.command({ cmd: 'privmsg', target: 'alice', text: 'hi alice' });
  await alice.waitForStanza(from('hi alice'), WAIT_MS);
  carol.command({ cmd: 'action', target: 'alice', text: 'smiles' });
  await alice.waitForStanza(from('/me smiles'), WAIT_MS);
  carol.command({ cmd: 'notice', target: 'alice', text: 'a notice' });
  await alice.waitForStanza(from('a notice'), WAIT_MS);
  // IRC formatting codes cannot go into XML: they become XEP-0393 styling or are dropped, and the gateway's stream survives them.
  carol.command({ cmd: 'privmsg', target: 'alice', text: '\u0002bold\u0002 \u00034red\u0003 \u001ditalic\u001d \u0016x' });
  await alice.waitForStanza(from('*bold* red _italic_ x'), WAIT_MS);
  carol.command({ cmd: 'privmsg', target: 'alice', text: 'still here' });
  await alice.waitForStanza(from('still here'), WAIT_MS);

  // Presence: subscribed, carol is online; her AWAY shows when alice writes to her; her QUIT makes her offline.
  await alice.send(xml('presence', { to: carolJid, type: 'subscribe' }));
  await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === carolJid && s.attrs.type === undefined && s.getChild('show') === undefined, WAIT_MS);
  carol.command({ cmd: 'away', text: 'at lunch' });
  await carol.waitFor((e) => e.event === 'away', WAIT_MS, "the server's 306 to AWAY");
  await alice.send(xml('message', { type: 'chat', to: carolJid }, xml('body', {}, 'are you there?')));
  const away = await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === carolJid && s.getChildText('show') === 'away', WAIT_MS);
  assert.equal(away.getChildText('status'), 'at lunch');
  await carol.close();
  await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === carolJid && s.attrs.type === 'unavailable', WAIT_MS);
});
