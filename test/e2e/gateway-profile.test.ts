/**
 * onProfileUpdate from the gateway (docs/gateway.md, Module callbacks) on real Prosody and
 * ngIRCd, observed from a test module: the `nick` chat command renames the person on IRC (the IRC
 * side sees the new nick; the gateway contact says "Connected as" it) and fires onProfileUpdate
 * with the new nick as display name; a nick the server refuses (taken) is an error in the
 * server's words and fires nothing.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { defineModule } from '../../src/modules/public.js';
import { startGatewayHub } from './gateway-hub.js';
import { startNgircd, startProsody } from '../support/servers.js';
import { connectRawIrc, connectXmppClient, xml } from '../support/clients.js';
import { makeTempDir } from '../support/switchboard-process.js';
import { NS_REGISTER, NS_STANZAS, WAIT_MS, chat, connected, fromGateway } from './gateway-steps-setup.js';

it('the nick chat command renames the person on IRC and fires onProfileUpdate; a taken nick is refused in the server\'s words', async (t) => {
  const [xmpp, irc] = await Promise.all([startProsody({ users: [['alice', 'alicepw']] }), startNgircd()]);
  t.after(() => Promise.all([xmpp.stop(), irc.stop()]));
  const updates: unknown[] = [];
  const recorder = defineModule({
    name: 'recorder',
    setup(api) {
      api.registerThirdPartyRulesCallbacks({ onProfileUpdate: (userId, profile, byAdmin, deactivation) => void updates.push({ userId, profile, byAdmin, deactivation }) });
    },
  });
  await startGatewayHub(t, { xmpp, irc, dir: makeTempDir('switchboard-gateway-'), module: recorder });
  const domain = xmpp.componentDomain;
  const observer = await connectRawIrc({ host: irc.host, port: irc.port, nick: 'observer' });
  t.after(() => observer.close());
  const alice = await connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: 'alice', password: 'alicepw' });
  t.after(() => alice.close());
  await alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: NS_REGISTER }, xml('nick', {}, 'alice'))), WAIT_MS);
  await connected(alice, domain, 'alice');

  // Taken: refused with the server's reason; nothing changes.
  await chat(alice, domain, 'nick observer');
  const refused = await alice.waitForStanza((m) => m.is('message') && m.attrs.type === 'error' && m.attrs.from === domain, WAIT_MS);
  assert.match(refused.getChild('error')?.getChildText('text', NS_STANZAS) ?? '', /^the IRC server refused the nick: .*in use/i);
  assert.deepEqual(updates, []);

  await chat(alice, domain, 'nick alice2');
  await fromGateway(alice, domain, /^You are now known as alice2 /);
  await connected(alice, domain, 'alice2');
  assert.deepEqual(updates, [{ userId: `alice@${xmpp.domain}`, profile: { displayName: 'alice2' }, byAdmin: false, deactivation: false }]);
  // IRC sees the new nick.
  await alice.send(xml('message', { type: 'chat', to: `observer@${domain}` }, xml('body', {}, 'renamed')));
  await observer.waitForLine(/^:alice2!\S+ PRIVMSG observer :renamed$/, WAIT_MS);
});
