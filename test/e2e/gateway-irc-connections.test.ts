/**
 * The person's IRC connection on real Prosody and ngIRCd (docs/gateway.md): a registration
 * connects to IRC once (the checked connection becomes the session's; counted by a TCP proxy in
 * front of ngIRCd), and lines lost with a dropped connection are reported: with a flood control
 * slow enough that messages wait in the person's queue, an operator kills the person's IRC
 * connection; each message still waiting gets an error (`recipient-unavailable`, type wait), the
 * one already sent does not.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { defineModule } from '../../src/modules/public.js';
import { startGatewayHub } from './gateway-hub.js';
import { startNgircd, startProsody } from '../support/servers.js';
import { connectRawIrc, connectXmppClient, xml, type XmlElement } from '../support/clients.js';
import { makeTempDir } from '../support/switchboard-process.js';
import { startCountingProxy } from '../support/counting-proxy.js';

const WAIT_MS = 15_000;
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

function errorFor(id: string): (s: XmlElement) => boolean {
  return (s) => s.is('message') && s.attrs.type === 'error' && s.attrs.id === id;
}

it('a registration connects to IRC once; messages waiting for IRC when the connection drops each get an error, the sent one does not', async (t) => {
  const [xmpp, irc] = await Promise.all([startProsody({ users: [['alice', 'alicepw']] }), startNgircd()]);
  t.after(() => Promise.all([xmpp.stop(), irc.stop()]));
  const proxy = await startCountingProxy(irc);
  t.after(() => proxy.close());
  const dir = makeTempDir('switchboard-gateway-');
  const domain = xmpp.componentDomain;
  // Two lines at once (the first contact's ISON and the first message), then one a minute: the rest wait.
  await startGatewayHub(t, {
    xmpp, irc, dir, module: defineModule({ name: 'none', setup() {} }),
    options: { retryInitialMs: 60_000, legacy: { protocol: 'irc', host: proxy.host, port: proxy.port, tls: false, flood: { burst: 2, intervalMs: 60_000 } } },
  });
  const carol = await connectRawIrc({ host: irc.host, port: irc.port, nick: 'carol' });
  t.after(() => carol.close());
  const oper = await connectRawIrc({ host: irc.host, port: irc.port, nick: 'oper' });
  t.after(() => oper.close());
  oper.send(`OPER ${irc.operName} ${irc.operPassword}`);
  await oper.waitForLine(/ 381 /, WAIT_MS);

  const alice = await connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: 'alice', password: 'alicepw' });
  t.after(() => alice.close());
  await alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: 'jabber:iq:register' }, xml('nick', {}, 'alice'))), WAIT_MS);
  await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === domain && s.getChildText('status') === 'Connected as alice', WAIT_MS);
  assert.equal(proxy.accepted, 1, 'the registration check and the session share one IRC connection');

  for (const id of ['m1', 'm2', 'm3']) await alice.send(xml('message', { type: 'chat', to: `carol@${domain}`, id }, xml('body', {}, `line ${id}`)));
  await carol.waitForLine(/PRIVMSG carol :line m1$/, WAIT_MS);
  oper.send('KILL alice :testing lost lines');

  for (const id of ['m2', 'm3']) {
    const error = await alice.waitForStanza(errorFor(id), WAIT_MS);
    assert.equal(error.getChild('error')?.attrs.type, 'wait');
    assert.ok(error.getChild('error')?.getChild('recipient-unavailable', NS_STANZAS), error.toString());
    assert.match(error.getChild('error')?.getChildText('text', NS_STANZAS) ?? '', /IRC connection dropped before this message was sent/);
  }
  await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === domain && /^Disconnected: /.test(s.getChildText('status') ?? ''), WAIT_MS);
  assert.equal(alice.stanzas.filter(errorFor('m1')).length, 0, 'the sent message has no error');
  assert.equal(alice.stanzas.filter((s) => errorFor('m2')(s) || errorFor('m3')(s)).length, 2, 'one error per lost message');
  assert.equal(carol.lines.some((l) => /line m[23]$/.test(l)), false);
  assert.equal(proxy.accepted, 1, 'no login again yet (retryInitialMs is a minute)');
});
