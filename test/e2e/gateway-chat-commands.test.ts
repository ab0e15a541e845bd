/**
 * The admin commands and the preferences as chat messages to the gateway JID (docs/gateway.md,
 * Commands) on real Prosody with an xmpp.js client and the test suite's legacy network: `users`,
 * `disable <jid>` and `enable <jid>` for admins only (the disabled person is logged out and back
 * in), `prefs` and `set <name> <value>` for registered people (applied to the session at once).
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { xml, type TestXmppClient } from '../support/clients.js';
import { adhoc, chat, connected, fromGateway, NS_STANZAS, startStepsGateway, WAIT_MS, type StepsSetup } from './gateway-steps-setup.js';

const CODE = '777';

async function register(s: StepsSetup, client: TestXmppClient, nick: string): Promise<void> {
  const first = await adhoc(client, s.domain, 'register', { action: 'execute' });
  await adhoc(client, s.domain, 'register', { action: 'next', sessionid: String(first?.attrs.sessionid) }, { nick });
  await chat(client, s.domain, `code ${CODE}`);
  await connected(client, s.domain, nick);
}

it('chat commands: admins list, disable and enable users; people see and set their preferences', async (t) => {
  const s = await startStepsGateway(t, { protocol: 'test-steps', mode: 'code', code: CODE }, (xmpp) => ({ admins: [`root@${xmpp.domain}`] }), ['alice', 'root']);
  const aliceJid = `alice@${s.xmpp.domain}`;
  const rootJid = `root@${s.xmpp.domain}`;
  const [alice, root] = await Promise.all([s.connect('alice'), s.connect('root')]);
  await register(s, alice, 'alice');
  await register(s, root, 'root');
  const ask = async (client: TestXmppClient, text: string, answer: RegExp) => {
    await chat(client, s.domain, text);
    return fromGateway(client, s.domain, answer);
  };

  // Not an admin: refused in words, nothing happens.
  await ask(alice, `disable ${rootJid}`, /^Only the gateway's administrators may do this\.$/);
  await ask(alice, 'users', /^Only the gateway's administrators may do this\.$/);
  // The admin lists the users, disables alice (she is logged out), and enables her again.
  const users = await ask(root, 'users', /^2 registered:/);
  assert.deepEqual((users.getChildText('body') ?? '').split('\n').slice(1).sort(), [`${aliceJid} — alice: Connected as alice`, `${rootJid} — root: Connected as root`]);
  await ask(root, `disable ${aliceJid.toUpperCase()}`, new RegExp(`^${aliceJid} is disabled\\.$`));
  await alice.waitForStanza((p) => p.is('presence') && p.attrs.from === s.domain && p.getChildText('status') === 'Disabled by an administrator', WAIT_MS);
  await ask(root, 'users', new RegExp(`${aliceJid} — alice: Disabled`));
  await chat(root, s.domain, `disable ${aliceJid}`);
  const twice = await root.waitForStanza((m) => m.is('message') && m.attrs.type === 'error' && m.attrs.from === s.domain, WAIT_MS);
  assert.equal(twice.getChild('error')?.getChildText('text', NS_STANZAS), `${aliceJid} is already disabled`);
  await ask(root, `enable ${aliceJid}`, new RegExp(`^${aliceJid} is enabled\\.$`));
  await connected(alice, s.domain, 'alice');

  // Preferences: shown, a change applies to the session at once (the echo's prefix), kept.
  await ask(alice, 'prefs', /^prefix = echo — Echo prefix\nChange one with: set <preference> <value>$/);
  await ask(alice, 'set prefix pong', /^prefix = pong\. Saved; it applies at once\.$/);
  await alice.send(xml('message', { type: 'chat', to: `bob@${s.domain}` }, xml('body', {}, 'ping')));
  await alice.waitForStanza((m) => m.is('message') && m.attrs.from === `bob@${s.domain}` && m.getChildText('body') === 'pong: ping', WAIT_MS);
  const form = await adhoc(alice, s.domain, 'preferences', { action: 'execute' });
  const field = form?.getChild('x', 'jabber:x:data')?.getChildren('field').find((f) => f.attrs.var === 'prefix');
  assert.equal(field?.getChildText('value'), 'pong');
  await ask(alice, 'set nothing x', /^Usage: set <preference> <value>; the preferences are prefix/);
});
