/**
 * The gateway's preferences (docs/gateway.md) on real Prosody and ngIRCd: the `preferences`
 * ad-hoc command shows the person's current values; turning "Show IRC NOTICEs" off stops NOTICEs
 * at once (PRIVMSGs still arrive), is stored with the registration (shown next time and kept
 * over a re-login) and runs the modules' onAccountDataUpdated.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { defineModule } from '../../src/modules/public.js';
import { startGatewayHub } from './gateway-hub.js';
import { startNgircd, startProsody } from '../support/servers.js';
import { connectRawIrc, connectXmppClient, xml, type XmlElement } from '../support/clients.js';
import { makeTempDir } from '../support/switchboard-process.js';

const WAIT_MS = 15_000;
const NS_REGISTER = 'jabber:iq:register';
const NS_COMMANDS = 'http://jabber.org/protocol/commands';
const NS_DATA = 'jabber:x:data';

it('the notices preference hides IRC NOTICEs at once, is kept, and runs onAccountDataUpdated', async (t) => {
  const [xmpp, irc] = await Promise.all([startProsody({ users: [['alice', 'alicepw']] }), startNgircd()]);
  t.after(() => Promise.all([xmpp.stop(), irc.stop()]));
  const dir = makeTempDir('switchboard-gateway-');
  const updates: unknown[] = [];
  const recorder = defineModule({
    name: 'recorder',
    setup(api) {
      api.registerAccountDataCallbacks({ onAccountDataUpdated: (userId, room, type, content) => void updates.push({ userId, room, type, content }) });
    },
  });
  const domain = xmpp.componentDomain;
  await startGatewayHub(t, { xmpp, irc, dir, module: recorder });
  const carol = await connectRawIrc({ host: irc.host, port: irc.port, nick: 'carol' });
  t.after(() => carol.close());
  const alice = await connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: 'alice', password: 'alicepw' });
  t.after(() => alice.close());
  const aliceJid = `alice@${xmpp.domain}`;
  const carolJid = `carol@${domain}`;
  const connected = () => alice.waitForStanza((s) => s.is('presence') && s.attrs.from === domain && s.getChildText('status') === 'Connected as alice', WAIT_MS);
  const fromCarol = (body: string) => (s: XmlElement) => s.is('message') && (s.attrs.from ?? '').split('/')[0] === carolJid && s.getChildText('body') === body;
  await alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: NS_REGISTER }, xml('nick', {}, 'alice'))), WAIT_MS);
  await connected();

  const execute = async (): Promise<XmlElement | undefined> =>
    (await alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('command', { xmlns: NS_COMMANDS, node: 'preferences', action: 'execute' })), WAIT_MS)).getChild('command');
  const noticesValue = (command: XmlElement | undefined) =>
    command?.getChild('x', NS_DATA)?.getChildren('field').find((f) => f.attrs.var === 'notices')?.getChildText('value');

  // NOTICEs are shown by default.
  carol.send('NOTICE alice :notice one');
  await alice.waitForStanza(fromCarol('notice one'), WAIT_MS);

  // The form shows the default; alice turns NOTICEs off.
  const form = await execute();
  assert.equal(form?.attrs.status, 'executing');
  assert.equal(noticesValue(form), 'true');
  const done = await alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('command', { xmlns: NS_COMMANDS, node: 'preferences', sessionid: form?.attrs.sessionid, action: 'complete' },
    xml('x', { xmlns: NS_DATA, type: 'submit' }, xml('field', { var: 'notices' }, xml('value', {}, '0'))))), WAIT_MS);
  assert.equal(done.getChild('command')?.getChildText('note'), 'Your preferences are saved.');
  assert.deepEqual(updates, [{ userId: aliceJid, room: undefined, type: 'switchboard.gateway.preferences', content: { notices: 'false', keepRooms: 'false' } }]);

  // A NOTICE is no longer shown; a PRIVMSG sent after it is.
  carol.send('NOTICE alice :notice two');
  carol.send('PRIVMSG alice :a message');
  await alice.waitForStanza(fromCarol('a message'), WAIT_MS);
  assert.equal(alice.stanzas.some(fromCarol('notice two')), false);

  // Kept: the form shows it, and a re-login still hides NOTICEs.
  assert.equal(noticesValue(await execute()), 'false');
  await alice.send(xml('message', { type: 'chat', to: domain }, xml('body', {}, 're-login')));
  await connected();
  carol.send('NOTICE alice :notice three');
  carol.send('PRIVMSG alice :another message');
  await alice.waitForStanza(fromCarol('another message'), WAIT_MS);
  assert.equal(alice.stanzas.some(fromCarol('notice three')), false);
});
