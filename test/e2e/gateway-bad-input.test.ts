/**
 * Issue 17's bad input, end to end on Prosody with the test suite's legacy network
 * (gateway-steps-network.ts): a handler that throws (the person gets internal-server-error, a
 * refusal its words, and the gateway goes on), stanzas from a JID that is not registered (message,
 * IQs, presences: each answered with the right error, nothing created), and a person who
 * unregisters while their session is logging in (the login is abandoned, nothing is left).
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { xml, type TestXmppClient, type XmlElement } from '../support/clients.js';
import { connected, NS_REGISTER, NS_STANZAS, refusal, startStepsGateway, WAIT_MS } from './gateway-steps-setup.js';
import { waitFor } from '../support/wait.js';

/** The condition and text of an error stanza. */
function errorOf(stanza: XmlElement): { condition: string | undefined; text: string | undefined } {
  const error = stanza.getChild('error');
  const condition = error?.children.find((c): c is XmlElement => typeof c !== 'string' && c.attrs.xmlns === NS_STANZAS && c.name !== 'text')?.name;
  return { condition, text: error?.getChildText('text', NS_STANZAS) ?? undefined };
}

it('bad input: a handler that throws, a stranger\'s stanzas, unregistering while logging in', async (t) => {
  const { domain, network, connect } = await startStepsGateway(t, { protocol: 'test-steps', mode: 'single' }, {}, ['alice', 'eve', 'bob']);
  const [alice, eve, bob] = await Promise.all([connect('alice'), connect('eve'), connect('bob')]);
  const register = (client: TestXmppClient, nick: string) =>
    client.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: NS_REGISTER }, xml('nick', {}, nick))), WAIT_MS);
  const unregister = (client: TestXmppClient) =>
    client.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: NS_REGISTER }, xml('remove'))), WAIT_MS);
  const say = async (client: TestXmppClient, to: string, id: string, body: string): Promise<XmlElement> => {
    await client.send(xml('message', { type: 'chat', to: `${to}@${domain}`, id }, xml('body', {}, body)));
    return client.waitForStanza((s) => s.is('message') && s.attrs.id === id && s.attrs.type === 'error', WAIT_MS);
  };

  // A handler that throws a bug: internal-server-error; a refusal: its own words; the gateway goes on.
  await register(alice, 'alice');
  await connected(alice, domain, 'alice');
  assert.deepEqual(errorOf(await say(alice, 'boom', 'b1', 'hi')), { condition: 'internal-server-error', text: 'internal error' });
  assert.deepEqual(errorOf(await say(alice, 'nope', 'n1', 'hi')), { condition: 'not-acceptable', text: 'nope does not take messages from you' });
  await alice.send(xml('message', { type: 'chat', to: `carol@${domain}` }, xml('body', {}, 'still there?')));
  await alice.waitForStanza((s) => s.is('message') && s.attrs.from === `carol@${domain}` && s.getChildText('body') === 'echo: still there?', WAIT_MS);

  // eve never registered: each stanza gets the right answer and nothing is created for her.
  assert.deepEqual(errorOf(await say(eve, 'carol', 'e1', 'hi')), { condition: 'registration-required', text: `register with ${domain} first` });
  const vcard = await refusal(eve.xmpp.iqCaller.request(xml('iq', { type: 'get', to: `carol@${domain}` }, xml('vCard', { xmlns: 'vcard-temp' })), WAIT_MS));
  assert.equal(vcard?.condition, 'registration-required');
  const removal = await refusal(unregister(eve));
  assert.equal(removal?.condition, 'registration-required');
  assert.match(removal?.text ?? '', /not registered/);
  const contacts = await refusal(eve.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('command', { xmlns: 'http://jabber.org/protocol/commands', node: 'contacts', action: 'execute' })), WAIT_MS));
  assert.deepEqual(contacts && { condition: contacts.condition, text: contacts.text }, { condition: 'not-authorized', text: 'you are not registered' });
  // (Prosody hands an "unsubscribed" only to resources that asked for the roster.)
  await eve.xmpp.iqCaller.request(xml('iq', { type: 'get' }, xml('query', { xmlns: 'jabber:iq:roster' })), WAIT_MS);
  await eve.send(xml('presence', { to: `carol@${domain}`, type: 'subscribe' }));
  await eve.waitForStanza((s) => s.is('presence') && s.attrs.from === `carol@${domain}` && s.attrs.type === 'unsubscribed', WAIT_MS);
  await eve.send(xml('presence', { to: domain, type: 'subscribe' }));
  await eve.waitForStanza((s) => s.is('presence') && s.attrs.from === domain && s.attrs.type === 'unsubscribed', WAIT_MS);
  assert.ok(!network.log.some((line) => line.endsWith(' eve')), network.log.join(', '));

  // bob's session never finishes logging in ("slow"); he unregisters meanwhile: the login is abandoned.
  await register(bob, 'slow');
  await waitFor(() => (network.log.includes('login slow') ? true : undefined), { timeoutMs: WAIT_MS, what: 'bob logging in' });
  await unregister(bob);
  await waitFor(() => (network.log.includes('logout slow') ? true : undefined), { timeoutMs: WAIT_MS, what: 'the login abandoned' });
  assert.deepEqual(network.log.filter((line) => line.endsWith(' slow')), ['create slow', 'login slow', 'aborted slow', 'logout slow']);
  assert.equal(errorOf(await say(bob, 'carol', 's1', 'hi')).condition, 'registration-required', 'nothing is left of bob');
  // He registers again, and it works from scratch.
  await register(bob, 'bob');
  await connected(bob, domain, 'bob');
});
