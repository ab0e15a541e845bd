/**
 * Biboumi (Debian's `biboumi`, 9.0) as the gateway benchmark's peer: an XEP-0114 component of
 * the benchmark's Prosody (`biboumi.localhost`, a Component section the benchmark adds), SQLite
 * in its own directory (for the per-user IRC server options), no identd. A user points it at the
 * test ngIRCd with Biboumi's own ad-hoc command `configure` on `<server>@biboumi.localhost`:
 * the plain port (Biboumi tries 6697/6670 with TLS and 6667 by default) and no throttling.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { xml, type TestXmppClient, type XmlElement } from '../../test/support/clients.js';
import { startPeerProcess, type RunningBridge } from './peer-process.js';

/** Biboumi's component domain on the benchmark's Prosody. */
export const BIBOUMI_DOMAIN = 'biboumi.localhost';
const NS_COMMANDS = 'http://jabber.org/protocol/commands';
const NS_DATA = 'jabber:x:data';
const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';

/** The `biboumi` binary on PATH, or undefined when it is not installed. */
export function biboumiBinary(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'biboumi');
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** A component secret and the Prosody config section that declares Biboumi's domain. */
export function biboumiComponent(): { readonly secret: string; readonly prosodyConfig: string } {
  const secret = randomBytes(12).toString('hex');
  return { secret, prosodyConfig: `Component ${JSON.stringify(BIBOUMI_DOMAIN)}\n  component_secret = ${JSON.stringify(secret)}\n` };
}

/** Starts Biboumi in `dir` against the component port; ready when {@link waitForComponent} says so. */
export function startBiboumi(binary: string, dir: string, componentPort: number, secret: string): RunningBridge {
  const configFile = join(dir, 'biboumi.cfg');
  writeFileSync(configFile, [
    `hostname=${BIBOUMI_DOMAIN}`,
    `password=${secret}`,
    'xmpp_server_ip=127.0.0.1',
    `port=${componentPort}`,
    `db_name=${join(dir, 'biboumi.sqlite')}`,
    'identd_port=0',
    `policy_directory=${dir}`,
    'realname_customization=true',
    'log_level=1',
    '',
  ].join('\n'));
  return startPeerProcess(binary, [configFile], dir);
}

/** Sends an IQ and waits for its result (rejects on an error reply or after `timeoutMs`). */
async function query(client: TestXmppClient, to: string, type: 'get' | 'set', payload: XmlElement, timeoutMs: number): Promise<XmlElement> {
  const id = `bench-${randomBytes(6).toString('hex')}`;
  const reply = client.waitForStanza((s) => s.is('iq') && s.attrs.id === id, timeoutMs);
  await client.send(xml('iq', { to, type, id }, payload));
  const answer = await reply;
  if (answer.attrs.type !== 'result') throw new Error(`${to} answered ${type} with an error: ${answer.toString().slice(0, 500)}`);
  return answer;
}

/** Resolves once Biboumi's component answers disco#info (it has connected to Prosody). */
export async function waitForComponent(client: TestXmppClient, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await query(client, BIBOUMI_DOMAIN, 'get', xml('query', { xmlns: NS_DISCO_INFO }), 2000);
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw new Error(`Biboumi did not answer within ${timeoutMs} ms: ${(error as Error).message}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/**
 * Configures, for `client`'s user, the IRC server `server` in Biboumi: plain `port`, no TLS
 * ports, the server password `password` and the throttle limit `throttleLimit` (-1: none), with
 * the ad-hoc command `configure`; the other fields keep the values the form offers.
 */
export async function configureIrcServer(client: TestXmppClient, server: { host: string; port: number; password: string }, throttleLimit: number, timeoutMs: number): Promise<void> {
  const to = `${server.host}@${BIBOUMI_DOMAIN}`;
  const first = await query(client, to, 'set', xml('command', { xmlns: NS_COMMANDS, node: 'configure', action: 'execute' }), timeoutMs);
  const command = first.getChild('command', NS_COMMANDS);
  const form = command?.getChild('x', NS_DATA);
  if (command === undefined || form === undefined) throw new Error(`Biboumi's configure command sent no form: ${first.toString().slice(0, 500)}`);
  const wanted: Record<string, string[]> = { ports: [String(server.port)], tls_ports: [], pass: [server.password], throttle_limit: [String(throttleLimit)] };
  for (const name of Object.keys(wanted)) {
    if (!form.getChildren('field').some((f) => f.attrs.var === name)) throw new Error(`Biboumi's configure form has no field ${name}: ${form.toString().slice(0, 800)}`);
  }
  const fields = form.getChildren('field').filter((f) => typeof f.attrs.var === 'string' && f.attrs.type !== 'fixed').map((f) => {
    const name = String(f.attrs.var);
    const values = wanted[name] ?? f.getChildren('value').map((v) => v.text());
    return xml('field', { var: name }, ...values.map((v) => xml('value', {}, v)));
  });
  await query(client, to, 'set', xml('command', { xmlns: NS_COMMANDS, node: 'configure', sessionid: String(command.attrs.sessionid ?? '') },
    xml('x', { xmlns: NS_DATA, type: 'submit' }, ...fields)), timeoutMs);
}
