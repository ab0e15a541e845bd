/**
 * The contacts commands (docs/gateway.md, Commands) on real Prosody with an xmpp.js client and the
 * test suite's legacy network: offered to logged-in people only; the ad-hoc "List contacts" and
 * the chat `contacts` list the session's contacts with their presence; "Sync contacts" and
 * `contacts sync` announce them again (a subscription request with the name, and the presence),
 * at most once a minute.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { xml, type TestXmppClient } from '../support/clients.js';
import { adhoc, chat, connected, fromGateway, NS_COMMANDS, NS_DATA, refusal, resultRows, startStepsGateway, WAIT_MS } from './gateway-steps-setup.js';

const CODE = '1234';

it('contacts: listed with their presence (ad-hoc and chat), synced again once a minute, for logged-in people only', async (t) => {
  const s = await startStepsGateway(t, { protocol: 'test-steps', mode: 'code', code: CODE }, {}, ['alice', 'eve']);
  const [alice, eve] = await Promise.all([s.connect('alice'), s.connect('eve')]);
  const nodes = async (client: TestXmppClient): Promise<string[]> => {
    const list = await client.xmpp.iqCaller.request(xml('iq', { type: 'get', to: s.domain }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#items', node: NS_COMMANDS })), WAIT_MS);
    return (list.getChild('query')?.getChildren('item') ?? []).map((i) => String(i.attrs.node));
  };

  // Not registered: not offered, refused, and the chat command says so.
  assert.deepEqual((await nodes(eve)).filter((n) => n.includes('contacts')), []);
  const refused = await refusal(adhoc(eve, s.domain, 'contacts', { action: 'execute' }));
  assert.equal(refused?.condition, 'not-authorized');
  await chat(eve, s.domain, 'contacts');
  await fromGateway(eve, s.domain, /^You are not registered\.$/);

  // alice registers (the code step) and talks to bob and carol: two contacts, away ("testing").
  const first = await adhoc(alice, s.domain, 'register', { action: 'execute' });
  await adhoc(alice, s.domain, 'register', { action: 'next', sessionid: String(first?.attrs.sessionid) }, { nick: 'alice' });
  await chat(alice, s.domain, `code ${CODE}`);
  await connected(alice, s.domain, 'alice');
  assert.deepEqual((await nodes(alice)).filter((n) => n.includes('contacts')), ['contacts', 'sync-contacts']);
  const empty = await adhoc(alice, s.domain, 'contacts', { action: 'execute' });
  assert.deepEqual(resultRows(empty?.getChild('x', NS_DATA)), []);
  for (const who of ['bob', 'carol']) {
    await alice.send(xml('message', { type: 'chat', to: `${who}@${s.domain}` }, xml('body', {}, 'hi')));
    await alice.waitForStanza((m) => m.is('message') && m.attrs.from === `${who}@${s.domain}` && m.getChildText('body') === 'echo: hi', WAIT_MS);
  }

  const listed = await adhoc(alice, s.domain, 'contacts', { action: 'execute' });
  assert.equal(listed?.attrs.status, 'completed');
  assert.deepEqual(resultRows(listed?.getChild('x', NS_DATA)), [
    { jid: `carol@${s.domain}`, name: 'CAROL', presence: 'away (testing)' },
    { jid: `bob@${s.domain}`, name: 'BOB', presence: 'away (testing)' },
  ]);
  await chat(alice, s.domain, 'contacts');
  await fromGateway(alice, s.domain, new RegExp(`^carol@${s.domain} — CAROL: away \\(testing\\)\\nbob@${s.domain} — BOB: away \\(testing\\)$`));

  // Sync: each contact asks to be in the roster again (with its name) and shows its presence.
  const synced = await adhoc(alice, s.domain, 'sync-contacts', { action: 'execute' });
  assert.match(synced?.getChildText('note') ?? '', /^2 contacts were announced again/);
  for (const who of ['bob', 'carol']) {
    const request = await alice.waitForStanza((p) => p.is('presence') && p.attrs.type === 'subscribe' && p.attrs.from === `${who}@${s.domain}`, WAIT_MS);
    assert.equal(request.getChildText('nick', 'http://jabber.org/protocol/nick'), who.toUpperCase());
    await alice.waitForStanza((p) => p.is('presence') && p.attrs.type === undefined && p.attrs.from === `${who}@${s.domain}` && p.getChildText('status') === 'testing', WAIT_MS);
  }
  // Once a minute: the chat command is refused in words.
  await chat(alice, s.domain, 'contacts sync');
  const error = await alice.waitForStanza((m) => m.is('message') && m.attrs.type === 'error' && m.attrs.from === s.domain, WAIT_MS);
  assert.match(error.getChild('error')?.getChildText('text', 'urn:ietf:params:xml:ns:xmpp-stanzas') ?? '', /synced a moment ago; try again in \d+ s/);
});
