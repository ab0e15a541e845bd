/**
 * getUsernameForRegistration and getDisplaynameForRegistration on a new gateway registration,
 * on real Prosody and ngIRCd: the module sees the form's non-secret values and the JID (never the
 * password), its username becomes the IRC nick and its display name the IRC real name (WHOIS),
 * kept for later logins.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { defineModule } from '../../src/modules/public.js';
import { startGatewayHub } from './gateway-hub.js';
import { startNgircd, startProsody } from '../support/servers.js';
import { connectRawIrc, connectXmppClient, xml } from '../support/clients.js';
import { makeTempDir } from '../support/switchboard-process.js';

const WAIT_MS = 15_000;
const NS_REGISTER = 'jabber:iq:register';
const NS_DATA = 'jabber:x:data';

it('a module chooses the IRC nick and real name of a new registration', async (t) => {
  const [xmpp, irc] = await Promise.all([startProsody({ users: [['alice', 'alicepw']] }), startNgircd()]);
  t.after(() => Promise.all([xmpp.stop(), irc.stop()]));
  const dir = makeTempDir('switchboard-gateway-');
  const seen: unknown[] = [];
  const namer = defineModule({
    name: 'namer',
    setup(api) {
      api.registerPasswordAuthProviderCallbacks({
        getUsernameForRegistration: (uia, params) => {
          seen.push({ uia, params });
          return `${String(params.nick)}_gw`;
        },
        getDisplaynameForRegistration: (_uia, params) => `Alice via ${String(params.jid)}`,
      });
    },
  });
  const domain = xmpp.componentDomain;
  await startGatewayHub(t, { xmpp, irc, dir, module: namer });
  const observer = await connectRawIrc({ host: irc.host, port: irc.port, nick: 'observer' });
  t.after(() => observer.close());
  const alice = await connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: 'alice', password: 'alicepw' });
  t.after(() => alice.close());
  const aliceJid = `alice@${xmpp.domain}`;
  const connected = () => alice.waitForStanza((s) => s.is('presence') && s.attrs.from === domain && s.getChildText('status') === 'Connected as al_gw', WAIT_MS);

  await alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: NS_REGISTER },
    xml('x', { xmlns: NS_DATA, type: 'submit' }, xml('field', { var: 'nick' }, xml('value', {}, 'al')), xml('field', { var: 'password' }, xml('value', {}, 'not-for-modules')),
      xml('field', { var: 'auth' }, xml('value', {}, 'none'))))), WAIT_MS);
  await connected();
  assert.deepEqual(seen, [{ uia: {}, params: { nick: 'al', auth: 'none', jid: aliceJid } }]);
  observer.send('WHOIS al_gw');
  await observer.waitForLine(new RegExp(`^:\\S+ 311 observer al_gw \\S+ \\S+ \\* :Alice via ${aliceJid.replace(/\./g, '\\.')}$`), WAIT_MS);

  // Kept for the next login.
  await alice.send(xml('message', { type: 'chat', to: domain }, xml('body', {}, 're-login')));
  await connected();
  observer.send('WHOIS al_gw');
  await observer.waitForLine(new RegExp(`^:\\S+ 311 observer al_gw \\S+ \\S+ \\* :Alice via ${aliceJid.replace(/\./g, '\\.')}$`), WAIT_MS);
  assert.equal(seen.length, 1);
});
