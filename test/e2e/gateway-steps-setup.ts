/**
 * The setup of the gateway e2e tests that run on the test suite's own legacy network
 * (gateway-steps-network.ts) instead of IRC: Prosody with the given users, a hub whose gateway
 * uses it, and the client-side helpers those tests share (ad-hoc commands, chat with the gateway).
 */
import type { TestContext } from 'node:test';
import { startGatewayHub } from './gateway-hub.js';
import { stepsNetwork, type StepsNetwork } from './gateway-steps-network.js';
import { startProsody, type XmppServer } from '../support/servers.js';
import { connectXmppClient, xml, type TestXmppClient, type XmlElement } from '../support/clients.js';
import { makeTempDir } from '../support/switchboard-process.js';

export const WAIT_MS = 15_000;
export const NS_REGISTER = 'jabber:iq:register';
export const NS_COMMANDS = 'http://jabber.org/protocol/commands';
export const NS_DATA = 'jabber:x:data';
export const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

export interface StepsSetup {
  readonly xmpp: XmppServer;
  readonly network: StepsNetwork;
  /** The gateway's JID. */
  readonly domain: string;
  /** A connected client of the Prosody user `user` (closed after the test). */
  connect(user: string): Promise<TestXmppClient>;
}

/** More gateway options, or a function of the XMPP server giving them (admins' JIDs need its domain). */
export type GatewayOptions = Readonly<Record<string, unknown>> | ((xmpp: XmppServer) => Readonly<Record<string, unknown>>);

/** Prosody with `users` (password: the name + "pw"), and a gateway (`name: Test gateway`) on the test network with `legacy` options. */
export async function startStepsGateway(t: TestContext, legacy: Readonly<Record<string, unknown>>, options: GatewayOptions = {}, users: readonly string[] = ['alice']): Promise<StepsSetup> {
  const xmpp = await startProsody({ users: users.map((u) => [u, `${u}pw`]) });
  t.after(() => xmpp.stop());
  const network = stepsNetwork();
  const more = typeof options === 'function' ? options(xmpp) : options;
  await startGatewayHub(t, { xmpp, dir: makeTempDir('switchboard-gateway-'), module: network.module, options: { name: 'Test gateway', legacy, ...more } });
  return {
    xmpp, network, domain: xmpp.componentDomain,
    async connect(user) {
      const client = await connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: user, password: `${user}pw` });
      t.after(() => client.close());
      return client;
    },
  };
}

/** Sends an ad-hoc `<command>` for `node` with `attrs` (and a submitted form of `values`); resolves with the reply's `<command>`. */
export function adhoc(client: TestXmppClient, to: string, node: string, attrs: Record<string, string | undefined>, values?: Record<string, string>): Promise<XmlElement | undefined> {
  const form = values === undefined ? null : xml('x', { xmlns: NS_DATA, type: 'submit' }, ...Object.entries(values).map(([name, value]) => xml('field', { var: name }, xml('value', {}, value))));
  return client.xmpp.iqCaller.request(xml('iq', { type: 'set', to }, xml('command', { xmlns: NS_COMMANDS, node, ...attrs }, form)), WAIT_MS)
    .then((iq) => iq.getChild('command'));
}

/** The rows of a result form. */
export function resultRows(form: XmlElement | undefined): Array<Record<string, string>> {
  return (form?.getChildren('item') ?? []).map((item) => Object.fromEntries(item.getChildren('field').map((f) => [String(f.attrs.var), f.getChildText('value') ?? ''])));
}

/** The error of a rejected IQ request, or undefined when it succeeded. */
export const refusal = (promise: Promise<unknown>): Promise<{ condition?: string; text?: string } | undefined> =>
  promise.then(() => undefined, (error: { condition?: string; text?: string }) => error);

/** Writes `body` to the gateway JID in a chat. */
export const chat = (client: TestXmppClient, domain: string, body: string): Promise<void> => client.send(xml('message', { type: 'chat', to: domain }, xml('body', {}, body)));

/** The next chat message from the gateway JID whose body matches. */
export const fromGateway = (client: TestXmppClient, domain: string, match: RegExp): Promise<XmlElement> =>
  client.waitForStanza((m) => m.is('message') && m.attrs.type !== 'error' && m.attrs.from === domain && match.test(m.getChildText('body') ?? ''), WAIT_MS);

/** The gateway's presence saying "Connected as `nick`". */
export const connected = (client: TestXmppClient, domain: string, nick: string): Promise<XmlElement> =>
  client.waitForStanza((p) => p.is('presence') && p.attrs.from === domain && p.getChildText('status') === `Connected as ${nick}`, WAIT_MS);
