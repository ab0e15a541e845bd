/**
 * The gateway on InspIRCd (MONITOR and IRCv3 message tags) and Prosody: contacts' presence
 * follows MONITOR, typing crosses both ways as `+typing`, the person's away is their IRC AWAY, a correction arrives on IRC as
 * the new text, marked (IRC cannot edit), a reaction as the emoji, marked, a retraction is refused
 * in words; an unreachable or TLS-broken server is refused in words.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hub } from '../../src/app/hub.js';
import { allProtocols } from '../../src/app/protocols.js';
import { gatewayConfigSchema } from '../../src/gateway/config.js';
import { silentLogger } from '../../src/core/log.js';
import { freePorts, LOOPBACK, startInspircd, startProsody } from '../support/servers.js';
import { inspircdTlsConfig, makeCertificates } from '../support/certificates.js';
import { LegacyRefusal } from '../../src/gateway/api.js';
import { ircLegacyConfigSchema } from '../../src/gateway/irc/config.js';
import { IrcLegacyNetwork } from '../../src/gateway/irc/legacy.js';
import { connectRawIrc, connectXmppClient, xml, type RawIrcClient, type XmlElement } from '../support/clients.js';
import { hubBase } from '../support/hub-config.js';
import { waitFor } from '../support/wait.js';
import { makeTempDir } from '../support/switchboard-process.js';

const WAIT_MS = 15_000;
const NS_REGISTER = 'jabber:iq:register';
const NS_CHAT_STATES = 'http://jabber.org/protocol/chatstates';
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

/** An IRC client that asked for message tags (to send and see `+typing`). */
async function taggedIrcUser(host: string, port: number, nick: string): Promise<RawIrcClient> {
  const client = await connectRawIrc({ host, port, nick, register: false, waitForWelcome: false });
  client.send('CAP REQ :message-tags');
  client.send(`NICK ${nick}`);
  client.send(`USER ${nick} 0 * :${nick}`);
  await client.waitForLine(/ CAP \S+ ACK /, WAIT_MS);
  client.send('CAP END');
  await client.waitForLine(/ 001 /, WAIT_MS);
  return client;
}

function presenceFrom(jid: string, type: string | undefined): (s: XmlElement) => boolean {
  return (s) => s.is('presence') && s.attrs.from === jid && s.attrs.type === type;
}

it('on InspIRCd: presence by MONITOR, typing both ways, a correction and a reaction as marked text, a retraction refused', async (t) => {
  const [xmpp, irc] = await Promise.all([startProsody({ users: [['alice', 'alicepw']] }), startInspircd({ extraConfig: '<module name="monitor">\n' })]);
  t.after(() => Promise.all([xmpp.stop(), irc.stop()]));
  const dir = makeTempDir('switchboard-gateway-');
  const keyFile = join(dir, 'gateway.key');
  writeFileSync(keyFile, randomBytes(32).toString('hex'));
  const domain = xmpp.componentDomain;
  const options = gatewayConfigSchema.parse({
    domain, host: xmpp.host, port: xmpp.componentPort, password: xmpp.componentSecret, secretKey: { file: keyFile },
    legacy: { protocol: 'irc', host: irc.host, port: irc.port, tls: false, connectTimeoutMs: 10_000, isonIntervalSec: 3600 },
  });
  const config = { ...hubBase(dir, { logLevel: 'warn' }), networks: [{ name: 'gw', protocol: 'gateway', options }], bridges: [], modules: [] };
  const hub = await Hub.start({ config, log: silentLogger(), protocols: allProtocols() });
  t.after(() => hub.stop());
  await hub.ready;
  const alice = await connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: 'alice', password: 'alicepw' });
  t.after(() => alice.close());

  // Registration without a password.
  await alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: NS_REGISTER }, xml('nick', {}, 'alice'))), WAIT_MS);
  await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === domain && s.getChildText('status') === 'Connected as alice', WAIT_MS);

  // Presence by MONITOR: dave is watched while offline, comes online, goes away again.
  const daveJid = `dave@${domain}`;
  await alice.send(xml('presence', { to: daveJid, type: 'subscribe' }));
  await alice.waitForStanza(presenceFrom(daveJid, 'unavailable'), WAIT_MS);
  const dave = await taggedIrcUser(irc.host, irc.port, 'dave');
  await alice.waitForStanza(presenceFrom(daveJid, undefined), WAIT_MS);
  await dave.close();
  await alice.waitForStanza(presenceFrom(daveJid, 'unavailable'), WAIT_MS);

  // Typing both ways (+typing), and a correction as marked text.
  const carol = await taggedIrcUser(irc.host, irc.port, 'carol');
  t.after(() => carol.close());
  const carolJid = `carol@${domain}`;
  await alice.send(xml('message', { type: 'chat', to: carolJid, id: 'm1' }, xml('body', {}, 'helo')));
  await carol.waitForLine(/PRIVMSG carol :helo$/, WAIT_MS);
  await alice.send(xml('message', { type: 'chat', to: carolJid }, xml('composing', { xmlns: NS_CHAT_STATES })));
  await carol.waitForLine(/^@\S*\+typing=active\S* :alice!\S+ TAGMSG :?carol$/, WAIT_MS);
  carol.send('@+typing=active TAGMSG alice');
  await alice.waitForStanza((s) => s.is('message') && s.attrs.from === carolJid && s.getChild('composing', NS_CHAT_STATES) !== undefined, WAIT_MS);
  await alice.send(xml('message', { type: 'chat', to: carolJid }, xml('body', {}, 'hello'), xml('replace', { xmlns: 'urn:xmpp:message-correct:0', id: 'm1' })));
  const corrected = await carol.waitForLine(/PRIVMSG carol :hello \(correction\)$/, WAIT_MS);
  assert.match(corrected, /^(@\S+ )?:alice!/);

  // The person's own away (XMPP show away, with a status) is their IRC AWAY: carol's WHOIS says so.
  await alice.send(xml('presence', { to: domain }, xml('show', {}, 'away'), xml('status', {}, 'at lunch')));
  await waitFor(async () => {
    carol.send('WHOIS alice');
    const line = await carol.waitForLine(/ (301 carol alice :at lunch|318 carol alice )/, WAIT_MS);
    return line.includes(' 301 ') ? true : undefined;
  }, { timeoutMs: WAIT_MS, intervalMs: 500, what: 'alice away on IRC' });

  // A reaction arrives as the emoji, marked (IRC has none); a retraction is refused in words (IRC cannot unsend).
  await alice.send(xml('message', { type: 'chat', to: carolJid, id: 'r1' }, xml('reactions', { xmlns: 'urn:xmpp:reactions:0', id: 'm1' }, xml('reaction', {}, '👍'))));
  await carol.waitForLine(/PRIVMSG carol :👍 \(reaction\)$/, WAIT_MS);
  await alice.send(xml('message', { type: 'chat', to: carolJid, id: 'd1' }, xml('retract', { xmlns: 'urn:xmpp:message-retract:1', id: 'm1' }), xml('body', {}, 'alice retracted a message')));
  const retracted = await alice.waitForStanza((s) => s.is('message') && s.attrs.id === 'd1' && s.attrs.type === 'error', WAIT_MS);
  assert.ok(retracted.getChild('error')?.getChild('feature-not-implemented', NS_STANZAS) !== undefined, retracted.toString());
  assert.match(retracted.getChild('error')?.getChildText('text', NS_STANZAS) ?? '', /already delivered/);
});

it('a registration against an IRC server nobody listens on is refused as unreachable', async () => {
  const [port] = await freePorts(1);
  const legacy = new IrcLegacyNetwork(ircLegacyConfigSchema.parse({ protocol: 'irc', host: '127.0.0.1', port, tls: false, connectTimeoutMs: 5000 }), 'gw');
  await assert.rejects(legacy.validate('a@example.org', { nick: 'alice', auth: 'none' }, new AbortController().signal), (error: Error) => {
    assert.ok(error instanceof LegacyRefusal);
    assert.equal(error.condition, 'remote-server-not-found');
    assert.match(error.message, /cannot reach the IRC server 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    return true;
  });
});

it('a TLS-broken IRC server is refused in words: TLS to a plain-text port, a certificate nobody trusts; trusting its CA works', async (t) => {
  const dir = makeTempDir('switchboard-gateway-tls-');
  const certs = makeCertificates(dir);
  const [tlsPort] = await freePorts(1);
  const irc = await startInspircd({ extraConfig: inspircdTlsConfig(certs, LOOPBACK, tlsPort ?? 0) });
  t.after(() => irc.stop());
  const validate = (options: Record<string, unknown>) => {
    const legacy = new IrcLegacyNetwork(ircLegacyConfigSchema.parse({ protocol: 'irc', host: irc.host, connectTimeoutMs: 5000, ...options }), 'gw');
    t.after(() => legacy.close());
    return legacy.validate('a@example.org', { nick: 'alice', auth: 'none' }, new AbortController().signal);
  };
  const refusedWith = (pattern: RegExp) => (error: Error) => {
    assert.ok(error instanceof LegacyRefusal, String(error));
    assert.match(error.message, pattern);
    return true;
  };
  // TLS to the plain-text port: the server does not answer in TLS (or never completes a handshake).
  await assert.rejects(validate({ port: irc.port, tls: true }), refusedWith(/does not speak TLS on that port|no TLS handshake; \d+ may be a plain-text port/));
  // The TLS port's self-signed certificate, not trusted by the configuration.
  await assert.rejects(validate({ port: tlsPort, tls: true }), refusedWith(/showed a TLS certificate the gateway does not trust \(DEPTH_ZERO_SELF_SIGNED_CERT\)/));
  // Trusting it (tlsCa) registers.
  const registration = await validate({ port: tlsPort, tls: true, tlsCa: certs.cert });
  assert.deepEqual('data' in registration ? registration.data.nick : undefined, 'alice');
});
