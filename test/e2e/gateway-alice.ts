/**
 * The common start of a gateway e2e on real Prosody and ngIRCd: the servers, the hub with no
 * module callbacks, carol on IRC in `#lobby`, and alice registered with the gateway (as
 * `alice`, no IRC password) and connected. Everything is stopped after the test.
 */
import type { TestContext } from 'node:test';
import { defineModule } from '../../src/modules/public.js';
import { startGatewayHub } from './gateway-hub.js';
import { startNgircd, startProsody, type IrcServer, type XmppServer } from '../support/servers.js';
import { connectRawIrc, connectXmppClient, xml, type RawIrcClient, type TestXmppClient } from '../support/clients.js';
import { makeTempDir } from '../support/switchboard-process.js';

export interface AliceAndCarol {
  readonly xmpp: XmppServer;
  readonly irc: IrcServer;
  /** The gateway's domain. */
  readonly domain: string;
  readonly alice: TestXmppClient;
  readonly carol: RawIrcClient;
}

/** Starts it all; `waitMs` bounds every wait. */
export async function aliceAndCarol(t: TestContext, waitMs: number): Promise<AliceAndCarol> {
  const [xmpp, irc] = await Promise.all([startProsody({ users: [['alice', 'alicepw']] }), startNgircd()]);
  t.after(() => Promise.all([xmpp.stop(), irc.stop()]));
  const domain = xmpp.componentDomain;
  await startGatewayHub(t, { xmpp, irc, dir: makeTempDir('switchboard-gateway-'), module: defineModule({ name: 'none', setup() {} }), options: { loginIntervalMs: 50 } });
  const carol = await connectRawIrc({ host: irc.host, port: irc.port, nick: 'carol' });
  t.after(() => carol.close());
  carol.send('JOIN #lobby');
  await carol.waitForLine(/ 366 carol #lobby /, waitMs);
  const alice = await connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: 'alice', password: 'alicepw' });
  t.after(() => alice.close());
  await alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: 'jabber:iq:register' }, xml('nick', {}, 'alice'))), waitMs);
  await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === domain && s.getChildText('status') === 'Connected as alice', waitMs);
  return { xmpp, irc, domain, alice, carol };
}
