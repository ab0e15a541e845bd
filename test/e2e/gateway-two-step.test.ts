/**
 * Two-step registrations (docs/gateway.md, Registration) on real Prosody with an xmpp.js client,
 * through a legacy network that exists only in the test suite and is added by a module
 * (gateway-steps-network.ts): a two-factor code through the ad-hoc Register command (a wrong code
 * asks again, the right one registers) and through the chat command; too many wrong codes end it;
 * XEP-0077 is refused with a pointer to the ad-hoc command; a QR code sent as a message and
 * confirmed by the legacy network; a QR code not confirmed in time; unregistering while a code is
 * awaited abandons the registration.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { xml, type TestXmppClient, type XmlElement } from '../support/clients.js';
import { adhoc, chat, connected, fromGateway, NS_DATA, NS_REGISTER, NS_STANZAS, refusal, startStepsGateway, WAIT_MS, type StepsSetup } from './gateway-steps-setup.js';

const CODE = '424242';

interface Setup extends StepsSetup {
  readonly alice: TestXmppClient;
}

async function setup(t: Parameters<typeof startStepsGateway>[0], legacy: Readonly<Record<string, unknown>>, options: Readonly<Record<string, unknown>> = {}): Promise<Setup> {
  const s = await startStepsGateway(t, legacy, options);
  return { ...s, alice: await s.connect('alice') };
}

const command = (client: TestXmppClient, to: string, attrs: Record<string, string | undefined>, values?: Record<string, string>) => adhoc(client, to, 'register', attrs, values);

/** Runs Register's first stage with `nick`: resolves with the reply to the submitted form. */
async function registerForm(s: Setup, nick: string): Promise<XmlElement | undefined> {
  const first = await command(s.alice, s.domain, { action: 'execute' });
  assert.equal(first?.attrs.status, 'executing');
  assert.ok(first?.getChild('actions')?.getChild('next') !== undefined, 'a two-step registration offers "next"');
  return command(s.alice, s.domain, { action: 'next', sessionid: String(first?.attrs.sessionid) }, { nick });
}

const say = (s: Setup, body: string) => chat(s.alice, s.domain, body);
const told = (s: Setup, match: RegExp) => fromGateway(s.alice, s.domain, match);

it('two-factor code: the ad-hoc Register asks for the code, a wrong one asks again, the right one registers; XEP-0077 points to the command', async (t) => {
  const s = await setup(t, { protocol: 'test-steps', mode: 'code', code: CODE });
  const query = await s.alice.xmpp.iqCaller.request(xml('iq', { type: 'get', to: s.domain }, xml('query', { xmlns: NS_REGISTER })), WAIT_MS);
  assert.match(query.getChild('query')?.getChildText('instructions') ?? '', /needs a second step \(a code\): register with the ad-hoc command "Register"\.$/);
  const viaXep77 = await refusal(s.alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: s.domain }, xml('query', { xmlns: NS_REGISTER }, xml('nick', {}, 'alice'))), WAIT_MS));
  assert.equal(viaXep77?.condition, 'not-acceptable');
  assert.match(viaXep77?.text ?? '', /second step \(a code\).*ad-hoc command "Register"/);
  assert.deepEqual(s.network.cancelled, [], 'refused before the network was asked');

  const codeForm = await registerForm(s, 'alice');
  assert.equal(codeForm?.attrs.status, 'executing');
  assert.match(codeForm?.getChild('x', NS_DATA)?.getChildText('instructions') ?? '', /Type the code the test network sent you/);
  await told(s, /Type the code the test network sent you.*code <the code>/s);
  const sessionid = String(codeForm?.attrs.sessionid);
  const again = await command(s.alice, s.domain, { action: 'complete', sessionid }, { code: '000000' });
  assert.equal(again?.attrs.status, 'executing');
  assert.match(again?.getChildText('note') ?? '', /that code is not right \(2 tries left\)/);
  const done = await command(s.alice, s.domain, { action: 'complete', sessionid: String(again?.attrs.sessionid) }, { code: CODE });
  assert.equal(done?.attrs.status, 'completed');
  assert.equal(done?.getChildText('note'), 'Welcome to Test gateway.');
  await connected(s.alice, s.domain, 'alice');
  // The session is the test network's: it echoes.
  await s.alice.send(xml('message', { type: 'chat', to: `bob@${s.domain}` }, xml('body', {}, 'hi')));
  await s.alice.waitForStanza((m) => m.is('message') && m.attrs.from === `bob@${s.domain}` && m.getChildText('body') === 'echo: hi', WAIT_MS);
});

it('two-factor code by chat: "code" answers the step, wrong codes are bounded, and unregister abandons a waiting step', async (t) => {
  const s = await setup(t, { protocol: 'test-steps', mode: 'code', code: CODE });
  await registerForm(s, 'alice');
  for (const left of ['2 tries', '1 try']) {
    await say(s, 'code 1');
    await told(s, new RegExp(`that code is not right: send "code <the code>" again \\(${left} left\\)`));
  }
  await say(s, 'code 1');
  await s.alice.waitForStanza((m) => m.is('message') && m.attrs.type === 'error' && m.getChild('error')?.getChild('not-authorized', NS_STANZAS) !== undefined
    && /last try/.test(m.getChild('error')?.getChildText('text', NS_STANZAS) ?? ''), WAIT_MS);
  assert.deepEqual(s.network.cancelled, ['alice']);
  await say(s, `code ${CODE}`);
  await told(s, /No registration is waiting for a code/);

  // A new registration; the code by chat registers.
  await registerForm(s, 'alice');
  await say(s, `code ${CODE}`);
  await told(s, /^Welcome to Test gateway\.$/);
  await connected(s.alice, s.domain, 'alice');

  // Registering again (another nick) and unregistering while the code is awaited: the step is
  // abandoned, and the account with it.
  await registerForm(s, 'alice2');
  await s.alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: s.domain }, xml('query', { xmlns: NS_REGISTER }, xml('remove'))), WAIT_MS);
  assert.deepEqual(s.network.cancelled, ['alice', 'alice2']);
  await say(s, `code ${CODE}`);
  await told(s, /No registration is waiting for a code/);
  const gone = await refusal(s.alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: s.domain }, xml('query', { xmlns: NS_REGISTER }, xml('remove'))), WAIT_MS));
  assert.equal(gone?.condition, 'registration-required');
});

it('QR code: the payload arrives as a message, the legacy network\'s confirmation registers; "cancel" stops one', async (t) => {
  const s = await setup(t, { protocol: 'test-steps', mode: 'qr' });
  const note = await registerForm(s, 'alice');
  assert.equal(note?.attrs.status, 'completed');
  assert.match(note?.getChildText('note') ?? '', /Scan this with the test app\. The QR code's text was sent to you in a message/);
  const payload = (await told(s, /^test-qr:/)).getChildText('body') ?? '';
  assert.equal(s.network.scan('test-qr:not-this-one'), false);
  assert.equal(s.network.scan(payload), true);
  await told(s, /^Welcome to Test gateway\.$/);
  await connected(s.alice, s.domain, 'alice');

  await registerForm(s, 'alice');
  const second = (await told(s, /^test-qr:/)).getChildText('body') ?? '';
  await say(s, 'cancel');
  await told(s, /Your registration was cancelled/);
  assert.deepEqual(s.network.cancelled, ['alice']);
  assert.equal(s.network.scan(second), false, 'the network no longer waits for it');
});

it('QR code not confirmed in time: the person is told and nothing is stored', async (t) => {
  const s = await setup(t, { protocol: 'test-steps', mode: 'qr' }, { registrationStepTimeoutMs: 1000 });
  await registerForm(s, 'alice');
  const payload = (await told(s, /^test-qr:/)).getChildText('body') ?? '';
  await told(s, /timed out: the QR code was not confirmed in time/);
  assert.deepEqual(s.network.cancelled, ['alice']);
  assert.equal(s.network.scan(payload), false);
  const gone = await refusal(s.alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: s.domain }, xml('query', { xmlns: NS_REGISTER }, xml('remove'))), WAIT_MS));
  assert.equal(gone?.condition, 'registration-required');
});
