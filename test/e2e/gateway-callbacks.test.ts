/**
 * The module callbacks the gateway calls (docs/modules.md), observed from a test module on real
 * Prosody and ngIRCd: checkRegistrationForSpam (a DENY refuses the registration), then
 * onUserRegistration; checkLoginForSpam, isUserExpired and onUserLogin on the login;
 * checkCanDeactivateUser, onLoggedOut and onUserDeactivationStatusChanged on unregister (a
 * refusal keeps the account); each login's onLoggedOut when it ends: Log in again (then
 * onUserLogin for the new login) and a plain logout (the hub stops).
 */
import { it } from 'node:test';
import { waitFor } from '../support/wait.js';
import assert from 'node:assert/strict';
import { defineModule, NOT_SPAM, RegistrationBehaviour } from '../../src/modules/public.js';
import { startGatewayHub } from './gateway-hub.js';
import { startNgircd, startProsody } from '../support/servers.js';
import { connectXmppClient, xml, type TestXmppClient } from '../support/clients.js';
import { makeTempDir } from '../support/switchboard-process.js';

const WAIT_MS = 15_000;
const NS_REGISTER = 'jabber:iq:register';

it('registration, login and unregister call the module callbacks in order, and their refusals hold', async (t) => {
  const [xmpp, irc] = await Promise.all([startProsody({ users: [['alice', 'alicepw'], ['eve', 'evepw']] }), startNgircd()]);
  t.after(() => Promise.all([xmpp.stop(), irc.stop()]));
  const dir = makeTempDir('switchboard-gateway-');
  const calls: string[] = [];
  let mayUnregister = false;
  const recorder = defineModule({
    name: 'recorder',
    setup(api) {
      api.registerSpamCheckerCallbacks({
        checkRegistrationForSpam: (_email, username) => {
          calls.push(`checkRegistrationForSpam ${username}`);
          return username?.startsWith('eve@') === true ? RegistrationBehaviour.DENY : RegistrationBehaviour.ALLOW;
        },
        checkLoginForSpam: (userId) => {
          calls.push(`checkLoginForSpam ${userId}`);
          return NOT_SPAM;
        },
      });
      api.registerAccountValidityCallbacks({
        isUserExpired: (userId) => {
          calls.push(`isUserExpired ${userId}`);
          return false;
        },
        onUserRegistration: (userId) => void calls.push(`onUserRegistration ${userId}`),
        onUserLogin: (userId, type, id) => void calls.push(`onUserLogin ${userId} ${type} ${id}`),
      });
      api.registerPasswordAuthProviderCallbacks({ onLoggedOut: (userId) => void calls.push(`onLoggedOut ${userId}`) });
      api.registerThirdPartyRulesCallbacks({
        checkCanDeactivateUser: (userId, byAdmin) => {
          calls.push(`checkCanDeactivateUser ${userId} ${byAdmin}`);
          return mayUnregister;
        },
        onUserDeactivationStatusChanged: (userId, deactivated, byAdmin) => void calls.push(`onUserDeactivationStatusChanged ${userId} ${deactivated} ${byAdmin}`),
      });
    },
  });
  const domain = xmpp.componentDomain;
  const hub = await startGatewayHub(t, { xmpp, irc, dir, module: recorder });
  const connect = (user: string, password: string): Promise<TestXmppClient> =>
    connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: user, password });
  const register = (client: TestXmppClient, nick: string) =>
    client.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: NS_REGISTER }, xml('nick', {}, nick))), WAIT_MS);
  const unregister = (client: TestXmppClient) =>
    client.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: NS_REGISTER }, xml('remove'))), WAIT_MS);
  const alice = await connect('alice', 'alicepw');
  t.after(() => alice.close());
  const eve = await connect('eve', 'evepw');
  t.after(() => eve.close());
  const aliceJid = `alice@${xmpp.domain}`;

  // eve is refused by checkRegistrationForSpam; nothing else is called for her.
  const refused = await register(eve, 'eve').then(() => undefined, (error: { condition?: string; text?: string }) => error);
  assert.equal(refused?.condition, 'forbidden');
  assert.match(refused?.text ?? '', /not allowed/);

  // alice registers and logs in.
  await register(alice, 'alice');
  await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === domain && s.getChildText('status') === 'Connected as alice', WAIT_MS);
  // A module refuses her unregistering: the account stays.
  const kept = await unregister(alice).then(() => undefined, (error: { condition?: string }) => error);
  assert.equal(kept?.condition, 'forbidden');
  mayUnregister = true;
  await unregister(alice);
  assert.deepEqual(calls, [
    `checkRegistrationForSpam eve@${xmpp.domain}`,
    `checkRegistrationForSpam ${aliceJid}`,
    `onUserRegistration ${aliceJid}`,
    `checkLoginForSpam ${aliceJid}`,
    `isUserExpired ${aliceJid}`,
    `onUserLogin ${aliceJid} gateway gw`,
    `checkCanDeactivateUser ${aliceJid} false`,
    `checkCanDeactivateUser ${aliceJid} false`,
    `onLoggedOut ${aliceJid}`,
    `onUserDeactivationStatusChanged ${aliceJid} true false`,
  ]);

  // A plain logout (the hub stops) calls onLoggedOut too, and nothing else.
  calls.length = 0;
  await register(alice, 'alice');
  await waitFor(() => (calls.includes(`onUserLogin ${aliceJid} gateway gw`) ? true : undefined), { timeoutMs: WAIT_MS, what: 'alice logged in again' });
  // Log in again ends the login (onLoggedOut) before the next one (onUserLogin): they pair.
  calls.length = 0;
  await alice.send(xml('message', { to: domain, type: 'chat' }, xml('body', {}, 're-login')));
  await waitFor(() => (calls.includes(`onUserLogin ${aliceJid} gateway gw`) ? true : undefined), { timeoutMs: WAIT_MS, what: 'alice logged in after re-login' });
  assert.deepEqual(calls, [`onLoggedOut ${aliceJid}`, `checkLoginForSpam ${aliceJid}`, `isUserExpired ${aliceJid}`, `onUserLogin ${aliceJid} gateway gw`]);
  calls.length = 0;
  await hub.stop();
  assert.deepEqual(calls, [`onLoggedOut ${aliceJid}`]);
});
