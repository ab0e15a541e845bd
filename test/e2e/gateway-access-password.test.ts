/**
 * The gateway's own access password (docs/gateway.md, Registration) on real Prosody with an
 * xmpp.js client and the test suite's legacy network (single-step): the registration form gets a
 * "Gateway password" field; a test module's authChecker (login type switchboard.gateway.password)
 * accepts its own password and refuses ("boom": its checker fails, fail closed) before the
 * configured password is tried; the configured one is the fallback; a wrong one is refused and
 * nothing is registered.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { defineModule } from '../../src/modules/public.js';
import { connectXmppClient, xml, type TestXmppClient } from '../support/clients.js';
import { connected, NS_DATA, NS_REGISTER, refusal, WAIT_MS } from './gateway-steps-setup.js';
import { stepsNetwork } from './gateway-steps-network.js';
import { startGatewayHub } from './gateway-hub.js';
import { startProsody } from '../support/servers.js';
import { makeTempDir } from '../support/switchboard-process.js';

it('access password: a module\'s authChecker decides first, the configured password is the fallback, a wrong one is refused', async (t) => {
  const xmpp = await startProsody({ users: [['alice', 'alicepw'], ['bob', 'bobpw'], ['eve', 'evepw']] });
  t.after(() => xmpp.stop());
  const checks: string[] = [];
  const network = stepsNetwork();
  const checker = defineModule({
    name: 'checker',
    setup(api) {
      void network.module.setup(api, undefined); // the test legacy network, from the same module
      api.registerPasswordAuthProviderCallbacks({
        authCheckers: [{
          loginType: 'switchboard.gateway.password', fields: ['password'],
          check: (user, _type, dict) => {
            checks.push(user);
            if (dict.password === 'boom') throw new Error('the checker broke');
            return dict.password === 'module-pass' ? { userId: user } : null;
          },
        }],
      });
    },
  });
  await startGatewayHub(t, { xmpp, dir: makeTempDir('switchboard-gateway-'), module: checker, options: { name: 'Test gateway', legacy: { protocol: 'test-steps', mode: 'single' }, accessPassword: 'config-pass' } });
  const domain = xmpp.componentDomain;
  const connect = async (user: string): Promise<TestXmppClient> => {
    const client = await connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: user, password: `${user}pw` });
    t.after(() => client.close());
    return client;
  };
  const register = (client: TestXmppClient, nick: string, password?: string) =>
    client.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: NS_REGISTER },
      xml('x', { xmlns: NS_DATA, type: 'submit' }, xml('field', { var: 'nick' }, xml('value', {}, nick)),
        password === undefined ? null : xml('field', { var: 'access-password' }, xml('value', {}, password))))), WAIT_MS);
  const [alice, bob, eve] = await Promise.all([connect('alice'), connect('bob'), connect('eve')]);

  // The form asks for the gateway's password.
  const form = await alice.xmpp.iqCaller.request(xml('iq', { type: 'get', to: domain }, xml('query', { xmlns: NS_REGISTER })), WAIT_MS);
  const field = form.getChild('query')?.getChild('x', NS_DATA)?.getChildren('field').find((f) => f.attrs.var === 'access-password');
  assert.equal(field?.attrs.type, 'text-private');
  assert.ok(field?.getChild('required') !== undefined);

  // Missing, wrong, and a failing checker (fail closed even with the configured password's value).
  assert.equal((await refusal(register(eve, 'eve')))?.condition, 'not-acceptable');
  const wrong = await refusal(register(eve, 'eve', 'guess'));
  assert.equal(wrong?.condition, 'not-authorized');
  assert.equal(wrong?.text, 'wrong gateway password');
  assert.equal((await refusal(register(eve, 'eve', 'boom')))?.condition, 'not-authorized');
  // The module's password, and the configured one (no checker took it).
  await register(alice, 'alice', 'module-pass');
  await connected(alice, domain, 'alice');
  await register(bob, 'bob', 'config-pass');
  await connected(bob, domain, 'bob');
  assert.deepEqual(checks, [`eve@${xmpp.domain}`, `eve@${xmpp.domain}`, `alice@${xmpp.domain}`, `bob@${xmpp.domain}`]);
  // eve was not registered.
  const gone = await refusal(eve.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: NS_REGISTER }, xml('remove'))), WAIT_MS));
  assert.equal(gone?.condition, 'registration-required');
});
