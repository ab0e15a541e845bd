/**
 * The gateway's admin commands (docs/gateway.md) on real Prosody and ngIRCd: only a configured
 * admin sees and runs them; list-users shows each registered person and their state;
 * disable-user asks checkCanDeactivateUser (byAdmin), logs the person out of IRC, fires
 * onLoggedOut and onUserDeactivationStatusChanged, and refuses their login and registration while
 * disabled; enable-user logs them back in.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { defineModule } from '../../src/modules/public.js';
import { startGatewayHub } from './gateway-hub.js';
import { startNgircd, startProsody } from '../support/servers.js';
import { connectRawIrc, connectXmppClient, xml, type TestXmppClient, type XmlElement } from '../support/clients.js';
import { makeTempDir } from '../support/switchboard-process.js';
import { resultRows as rows } from './gateway-steps-setup.js';

const WAIT_MS = 15_000;
const NS_REGISTER = 'jabber:iq:register';
const NS_COMMANDS = 'http://jabber.org/protocol/commands';
const NS_DATA = 'jabber:x:data';

it('admins list users, disable one (module callbacks, logged out, login refused) and enable them again', async (t) => {
  const [xmpp, irc] = await Promise.all([startProsody({ users: [['alice', 'alicepw'], ['root', 'rootpw']] }), startNgircd()]);
  t.after(() => Promise.all([xmpp.stop(), irc.stop()]));
  const dir = makeTempDir('switchboard-gateway-');
  const calls: string[] = [];
  let mayDisable = false;
  const recorder = defineModule({
    name: 'recorder',
    setup(api) {
      api.registerPasswordAuthProviderCallbacks({ onLoggedOut: (userId) => void calls.push(`onLoggedOut ${userId}`) });
      api.registerThirdPartyRulesCallbacks({
        checkCanDeactivateUser: (userId, byAdmin) => {
          calls.push(`checkCanDeactivateUser ${userId} ${byAdmin}`);
          return mayDisable;
        },
        onUserDeactivationStatusChanged: (userId, deactivated, byAdmin) => void calls.push(`onUserDeactivationStatusChanged ${userId} ${deactivated} ${byAdmin}`),
      });
    },
  });
  const domain = xmpp.componentDomain;
  const rootJid = `root@${xmpp.domain}`;
  const aliceJid = `alice@${xmpp.domain}`;
  await startGatewayHub(t, { xmpp, irc, dir, module: recorder, options: { admins: [rootJid.toUpperCase()] } });
  const observer = await connectRawIrc({ host: irc.host, port: irc.port, nick: 'observer' });
  t.after(() => observer.close());

  const connect = (user: string, password: string): Promise<TestXmppClient> =>
    connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: user, password });
  const alice = await connect('alice', 'alicepw');
  t.after(() => alice.close());
  const root = await connect('root', 'rootpw');
  t.after(() => root.close());
  const status = (client: TestXmppClient, text: string) =>
    client.waitForStanza((s) => s.is('presence') && s.attrs.from === domain && s.getChildText('status') === text, WAIT_MS);
  const register = (client: TestXmppClient, nick: string) =>
    client.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: NS_REGISTER }, xml('nick', {}, nick))), WAIT_MS);
  const nodes = async (client: TestXmppClient): Promise<string[]> => {
    const list = await client.xmpp.iqCaller.request(xml('iq', { type: 'get', to: domain }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#items', node: NS_COMMANDS })), WAIT_MS);
    return (list.getChild('query')?.getChildren('item') ?? []).map((i) => String(i.attrs.node));
  };
  const execute = (client: TestXmppClient, node: string) =>
    client.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('command', { xmlns: NS_COMMANDS, node, action: 'execute' })), WAIT_MS);
  const onUser = async (client: TestXmppClient, node: string, jid: string): Promise<XmlElement | undefined> => {
    const started = await execute(client, node);
    const sessionid = started.getChild('command')?.attrs.sessionid;
    const done = await client.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('command', { xmlns: NS_COMMANDS, node, sessionid, action: 'complete' },
      xml('x', { xmlns: NS_DATA, type: 'submit' }, xml('field', { var: 'jid' }, xml('value', {}, jid))))), WAIT_MS);
    return done.getChild('command');
  };
  const listUsers = async (): Promise<Array<Record<string, string>>> => rows((await execute(root, 'list-users')).getChild('command')?.getChild('x', NS_DATA));
  const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (error: { condition?: string; text?: string }) => error);

  await register(alice, 'alice');
  await status(alice, 'Connected as alice');
  await register(root, 'root');
  await status(root, 'Connected as root');

  // Only the admin is offered (and may run) the admin commands.
  assert.deepEqual((await nodes(alice)).filter((n) => n.endsWith('-user') || n.endsWith('-users')), []);
  assert.deepEqual((await nodes(root)).filter((n) => n.endsWith('-user') || n.endsWith('-users')), ['list-users', 'disable-user', 'enable-user']);
  assert.equal((await refusal(execute(alice, 'list-users')))?.condition, 'forbidden');

  assert.deepEqual(await listUsers(), [
    { jid: aliceJid, login: 'alice', state: 'Connected as alice' },
    { jid: rootJid, login: 'root', state: 'Connected as root' },
  ]);

  // A module refuses the first disable: alice stays connected.
  const kept = await refusal(onUser(root, 'disable-user', aliceJid));
  assert.equal(kept?.condition, 'forbidden');
  assert.equal((await listUsers())[0]?.state, 'Connected as alice');

  // The second one disables her: she leaves IRC and her gateway contact says why.
  mayDisable = true;
  const done = await onUser(root, 'disable-user', aliceJid);
  assert.equal(done?.attrs.status, 'completed');
  assert.equal(done?.getChildText('note'), `${aliceJid} is disabled.`);
  observer.send('ISON alice');
  await status(alice, 'Disabled by an administrator');
  await observer.waitForLine(/ 303 observer :$/, WAIT_MS);
  assert.equal((await listUsers())[0]?.state, 'Disabled');
  assert.equal((await refusal(onUser(root, 'disable-user', aliceJid)))?.condition, 'conflict');

  // While disabled: logging in again and registering again are refused.
  await alice.send(xml('message', { type: 'chat', to: domain }, xml('body', {}, 're-login')));
  await status(alice, 'Disabled by an administrator');
  const again = await refusal(register(alice, 'alice2'));
  assert.equal(again?.condition, 'forbidden');
  assert.match(again?.text ?? '', /disabled by an administrator/);

  // Enabled again: she is logged back in.
  const enabled = await onUser(root, 'enable-user', aliceJid);
  assert.equal(enabled?.getChildText('note'), `${aliceJid} is enabled.`);
  await status(alice, 'Connected as alice');
  assert.equal((await refusal(onUser(root, 'enable-user', aliceJid)))?.condition, 'item-not-found');
  assert.equal((await refusal(onUser(root, 'disable-user', `nobody@${xmpp.domain}`)))?.condition, 'item-not-found');

  assert.deepEqual(calls, [
    `checkCanDeactivateUser ${aliceJid} true`,
    `checkCanDeactivateUser ${aliceJid} true`,
    `onLoggedOut ${aliceJid}`,
    `onUserDeactivationStatusChanged ${aliceJid} true true`,
    `onUserDeactivationStatusChanged ${aliceJid} false true`,
  ]);
});
