/**
 * The gateway (docs/gateway.md) on a real XMPP server and ngIRCd, written once and run on each
 * server (gateway-irc.test.ts on Prosody, gateway-irc-ejabberd.test.ts on ejabberd): a person
 * registers from their own XMPP client (in-band registration and the ad-hoc command), a wrong IRC
 * password is refused with the server's reason, a one-to-one chat with an IRC user works both ways
 * (with /me and a correction's fallback), the contact's presence follows away and quit, search
 * finds an IRC user, the session comes back after the hub restarts, and unregistering removes the
 * stored credentials.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hub } from '../../src/app/hub.js';
import { allProtocols } from '../../src/app/protocols.js';
import { gatewayConfigSchema } from '../../src/gateway/config.js';
import { openStore } from '../../src/store/open.js';
import { silentLogger } from '../../src/core/log.js';
import { captureLog } from '../support/log-capture.js';
import { startNgircd, startXmppServer, xmppServerLabel, type XmppServerKind } from '../support/servers.js';
import { connectRawIrc, connectXmppClient, xml, type RawIrcClient, type TestXmppClient, type XmlElement } from '../support/clients.js';
import { hubBase } from '../support/hub-config.js';
import { makeTempDir } from '../support/switchboard-process.js';
import { waitFor } from '../support/wait.js';

const WAIT_MS = 15_000;
const IRC_PASSWORD = 'ircpass';
const CTCP = '\u0001';
const NS_REGISTER = 'jabber:iq:register';
const NS_COMMANDS = 'http://jabber.org/protocol/commands';
const NS_DATA = 'jabber:x:data';
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

function submission(values: Record<string, string>): XmlElement {
  return xml('x', { xmlns: NS_DATA, type: 'submit' }, ...Object.entries(values).map(([k, v]) => xml('field', { var: k }, xml('value', {}, v))));
}

/** The error condition and text of an IQ error (from iqCaller's rejection). */
function errorOf(error: unknown): { condition: string | undefined; text: string | undefined } {
  const stanzaError = error as { condition?: string; text?: string };
  if (typeof stanzaError.condition === 'string') return { condition: stanzaError.condition, text: stanzaError.text };
  const el = (error as { element?: XmlElement }).element?.getChild('error');
  const condition = el?.children.find((c): c is XmlElement => typeof c !== 'string' && c.attrs.xmlns === NS_STANZAS && c.name !== 'text')?.name;
  return { condition, text: el?.getChildText('text', NS_STANZAS) ?? undefined };
}

function chatFrom(from: string, body: string): (s: XmlElement) => boolean {
  return (s) => s.is('message') && (s.attrs.from ?? '').split('/')[0] === from && s.getChildText('body') === body;
}

function gatewayStatus(domain: string, pattern: RegExp): (s: XmlElement) => boolean {
  return (s) => s.is('presence') && s.attrs.from === domain && pattern.test(s.getChildText('status') ?? '');
}

/** A raw IRC client on a server that wants a password. */
async function ircUser(host: string, port: number, nick: string): Promise<RawIrcClient> {
  const client = await connectRawIrc({ host, port, nick, register: false, waitForWelcome: false });
  client.send(`PASS ${IRC_PASSWORD}`);
  client.send(`NICK ${nick}`);
  client.send(`USER ${nick} 0 * :${nick}`);
  await client.waitForLine(/ 001 /, WAIT_MS);
  return client;
}

/** The suite on one XMPP server (ejabberd: the core cases only, see `full`). */
export function describeGatewaySuite(kind: XmppServerKind, full: boolean): void {
  void describe(`gateway on ${xmppServerLabel(kind)} and ngIRCd`, { timeout: 120_000 }, () => {
    it('a person registers, chats one-to-one with IRC both ways, survives a restart and unregisters', async (t) => {
      const [xmpp, irc] = await Promise.all([
        startXmppServer(kind, { users: [['alice', 'alicepw'], ['bob', 'bobpw'], ['dave', 'davepw']] }),
        startNgircd(),
      ]);
      t.after(() => Promise.all([xmpp.stop(), irc.stop()]));
      await requirePassword(irc);
      const dir = makeTempDir('switchboard-gateway-');
      const keyFile = join(dir, 'gateway.key');
      writeFileSync(keyFile, randomBytes(32).toString('base64'));
      const domain = xmpp.componentDomain;
      const options = gatewayConfigSchema.parse({
        domain, host: xmpp.host, port: xmpp.componentPort, password: xmpp.componentSecret,
        secretKey: { file: keyFile }, loginIntervalMs: 50, retryInitialMs: 500, retryMaxMs: 2000, allowedDomains: [xmpp.domain],
        legacy: { protocol: 'irc', host: irc.host, port: irc.port, tls: false, connectTimeoutMs: 5000, isonIntervalSec: 5 },
      });
      const config = { ...hubBase(dir, { logLevel: 'warn' }), networks: [{ name: 'gw', protocol: 'gateway', options }], bridges: [], modules: [] };
      // Everything the hub logs (at debug), to check the IRC password never appears in it.
      const captured = captureLog('debug');
      let hub = await Hub.start({ config, log: captured.log, protocols: allProtocols() });
      t.after(() => hub.stop());
      await hub.ready;

      const connect = (user: string, password: string): Promise<TestXmppClient> =>
        connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: user, password });
      const alice = await connect('alice', 'alicepw');
      t.after(() => alice.close());

      // Service discovery: a gateway/irc that offers registration and commands.
      const info = await alice.xmpp.iqCaller.request(xml('iq', { type: 'get', to: domain }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })), WAIT_MS);
      const query = info.getChild('query');
      assert.equal(query?.getChild('identity')?.attrs.category, 'gateway');
      assert.equal(query?.getChild('identity')?.attrs.type, 'irc');
      assert.ok(query?.getChildren('feature').some((f) => f.attrs.var === NS_REGISTER));

      // The registration form (XEP-0077 with a data form).
      const form = await alice.xmpp.iqCaller.request(xml('iq', { type: 'get', to: domain }, xml('query', { xmlns: NS_REGISTER })), WAIT_MS);
      const fields = form.getChild('query')?.getChild('x', NS_DATA)?.getChildren('field').map((f) => f.attrs.var);
      assert.deepEqual(fields, ['nick', 'password', 'auth']);

      // A wrong password is refused with the server's reason; nothing is stored.
      const wrong = await alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: NS_REGISTER },
        submission({ nick: 'alice', password: 'wrong', auth: 'server-password' }))), WAIT_MS).then(() => undefined, errorOf);
      assert.equal(wrong?.condition, 'not-authorized', JSON.stringify(wrong));
      assert.match(wrong?.text ?? '', /password/i);

      // The right one registers; the gateway logs alice in and says so on its presence.
      await alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: NS_REGISTER },
        submission({ nick: 'alice', password: IRC_PASSWORD, auth: 'server-password' }))), WAIT_MS);
      await alice.waitForStanza(gatewayStatus(domain, /^Connected as alice$/), WAIT_MS);

      // One-to-one: XMPP -> IRC (with /me), IRC -> XMPP (PRIVMSG, ACTION, NOTICE).
      const carol = await ircUser(irc.host, irc.port, 'Carol');
      t.after(() => carol.close());
      const carolJid = `carol@${domain}`;
      await alice.send(xml('message', { type: 'chat', to: carolJid }, xml('body', {}, 'hello carol')));
      await carol.waitForLine(/^:alice!\S+ PRIVMSG Carol :hello carol$/, WAIT_MS);
      await alice.send(xml('message', { type: 'chat', to: carolJid }, xml('body', {}, '/me waves')));
      await carol.waitForLine(new RegExp(`^:alice!\\S+ PRIVMSG Carol :${CTCP}ACTION waves${CTCP}$`), WAIT_MS);
      // A correction (XEP-0308) arrives as the new text, marked (IRC cannot edit).
      await alice.send(xml('message', { type: 'chat', to: carolJid, id: 'c1' }, xml('body', {}, 'helo')));
      await carol.waitForLine(/PRIVMSG Carol :helo$/, WAIT_MS);
      await alice.send(xml('message', { type: 'chat', to: carolJid, id: 'c2' }, xml('body', {}, 'hello'), xml('replace', { xmlns: 'urn:xmpp:message-correct:0', id: 'c1' })));
      await carol.waitForLine(/^:alice!\S+ PRIVMSG Carol :hello \(correction\)$/, WAIT_MS);
      carol.send('PRIVMSG alice :hi alice');
      await alice.waitForStanza(chatFrom(carolJid, 'hi alice'), WAIT_MS);
      carol.send('PRIVMSG alice :\u0001ACTION smiles\u0001');
      await alice.waitForStanza(chatFrom(carolJid, '/me smiles'), WAIT_MS);
      carol.send('NOTICE alice :a notice');
      await alice.waitForStanza(chatFrom(carolJid, 'a notice'), WAIT_MS);

      // A file (XEP-0066 link, as an upload sends it) goes as its URL, with the text when it says more; a DCC offer stays text.
      const url = 'https://upload.example.org/f00/cat.jpg';
      const oob = (): XmlElement => xml('x', { xmlns: 'jabber:x:oob' }, xml('url', {}, url));
      await alice.send(xml('message', { type: 'chat', to: carolJid }, xml('body', {}, url), oob()));
      await carol.waitForLine(new RegExp(`^:alice!\\S+ PRIVMSG Carol :${url}$`), WAIT_MS);
      await alice.send(xml('message', { type: 'chat', to: carolJid }, xml('body', {}, 'my cat'), oob()));
      await carol.waitForLine(new RegExp(`^:alice!\\S+ PRIVMSG Carol :my cat ${url}$`), WAIT_MS);
      carol.send(`PRIVMSG alice :${CTCP}DCC SEND cat.jpg 2130706433 5000 1234${CTCP}`);
      await alice.waitForStanza((s) => s.is('message') && (s.attrs.from ?? '').startsWith(carolJid) && /^DCC SEND cat\.jpg 2130706433 5000 1234 \(a DCC file offer/.test(s.getChildText('body') ?? ''), WAIT_MS);

      // Presence: alice subscribes to carol (ISON on ngIRCd, which has no MONITOR): she is online; carol's AWAY
      // shows when alice writes to her (RPL_AWAY); the contact goes offline when carol quits.
      await alice.send(xml('presence', { to: carolJid, type: 'subscribe' }));
      await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === carolJid && s.attrs.type === undefined && s.getChild('show') === undefined, WAIT_MS);
      carol.send('AWAY :at lunch');
      await carol.waitForLine(/ 306 /, WAIT_MS);
      await alice.send(xml('message', { type: 'chat', to: carolJid }, xml('body', {}, 'are you there?')));
      const away = await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === carolJid && s.getChildText('show') === 'away', WAIT_MS);
      assert.equal(away.getChildText('status'), 'at lunch');

      // Search finds carol by one WHOIS (the chat command's text answer).
      await alice.send(xml('message', { type: 'chat', to: domain }, xml('body', {}, 'search CAROL')));
      const found = await alice.waitForStanza((s) => s.is('message') && s.attrs.from === domain && (s.getChildText('body') ?? '').includes(carolJid), WAIT_MS);
      assert.match(found.getChildText('body') ?? '', /Carol/);

      // carol's vCard comes from one WHOIS; an unknown nick has none.
      const card = await alice.xmpp.iqCaller.request(xml('iq', { type: 'get', to: carolJid }, xml('vCard', { xmlns: 'vcard-temp' })), WAIT_MS);
      const vcard = card.getChild('vCard', 'vcard-temp');
      assert.equal(vcard?.getChildText('NICKNAME'), 'Carol');
      assert.equal(vcard?.getChildText('FN'), 'Carol');
      assert.match(vcard?.getChildText('NOTE') ?? '', /^IRC user: ~?Carol@\S+\nServer: \S+$/);
      const nobody = await alice.xmpp.iqCaller.request(xml('iq', { type: 'get', to: `nobody@${domain}` }, xml('vCard', { xmlns: 'vcard-temp' })), WAIT_MS).then(() => undefined, errorOf);
      assert.equal(nobody?.condition, 'item-not-found', JSON.stringify(nobody));

      // A taken nick is refused with the reason (carol holds "Carol").
      const dave = await connect('dave', 'davepw');
      t.after(() => dave.close());
      const taken = await dave.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: NS_REGISTER },
        submission({ nick: 'carol', password: IRC_PASSWORD, auth: 'server-password' }))), WAIT_MS).then(() => undefined, errorOf);
      assert.equal(taken?.condition, 'conflict', JSON.stringify(taken));
      assert.match(taken?.text ?? '', /nick carol is already taken/);

      // A stranger writing to a contact is told to register.
      const bob = await connect('bob', 'bobpw');
      t.after(() => bob.close());
      await bob.send(xml('message', { type: 'chat', to: carolJid, id: 'b1' }, xml('body', {}, 'hi')));
      const refused = await bob.waitForStanza((s) => s.is('message') && s.attrs.type === 'error' && s.attrs.id === 'b1', WAIT_MS);
      assert.ok(refused.getChild('error')?.getChild('registration-required', NS_STANZAS));

      // bob registers through the ad-hoc command instead.
      const started = await bob.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('command', { xmlns: NS_COMMANDS, node: 'register', action: 'execute' })), WAIT_MS);
      const sessionid = started.getChild('command')?.attrs.sessionid;
      assert.ok(sessionid);
      const done = await bob.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('command', { xmlns: NS_COMMANDS, node: 'register', sessionid, action: 'complete' },
        submission({ nick: 'bobby', password: IRC_PASSWORD, auth: 'server-password' }))), WAIT_MS);
      assert.equal(done.getChild('command')?.attrs.status, 'completed');
      await bob.waitForStanza(gatewayStatus(domain, /^Connected as bobby$/), WAIT_MS);

      // The same commands as chat messages to the gateway JID.
      await bob.send(xml('message', { type: 'chat', to: domain }, xml('body', {}, 'status')));
      await bob.waitForStanza(chatFrom(domain, 'Connected as bobby'), WAIT_MS);

      // bob subscribes to a contact and unsubscribes again: it is not kept (checked at the restart).
      const erinJid = `erin@${domain}`;
      await bob.send(xml('presence', { to: erinJid, type: 'subscribe' }));
      // erin is not on IRC: her presence says so once the subscription is accepted.
      await bob.waitForStanza((s) => s.is('presence') && s.attrs.from === erinJid && s.attrs.type === 'unavailable', WAIT_MS);
      const bobKept = async (): Promise<boolean> => (await storedContactKeys(dir)).includes(`contacts:bob@${xmpp.domain}`);
      await waitFor(async () => ((await bobKept()) ? true : undefined), { timeoutMs: WAIT_MS, what: 'erin to be kept for bob' });
      await bob.send(xml('presence', { to: erinJid, type: 'unsubscribe' }));
      await waitFor(async () => ((await bobKept()) ? undefined : true), { timeoutMs: WAIT_MS, what: 'erin to be dropped for bob' });

      // An IRC operator kills bobby (Prosody only: the XMPP server plays no part): his session says so and logs in again by itself.
      const oper = await ircUser(irc.host, irc.port, 'oper');
      t.after(() => oper.close());
      oper.send(`OPER ${irc.operName} ${irc.operPassword}`);
      await oper.waitForLine(/ 381 /, WAIT_MS);
      if (full) {
        oper.send('KILL bobby :testing');
        await bob.waitForStanza(gatewayStatus(domain, /^Disconnected: /), WAIT_MS);
        await bob.waitForStanza(gatewayStatus(domain, /^Connected as bobby$/), WAIT_MS);
      }

      // The credentials are stored sealed: the password is nowhere in the database file.
      const stored = await storedAccounts(dir);
      assert.deepEqual(stored.map((a) => a.jid), [`alice@${xmpp.domain}`, `bob@${xmpp.domain}`]);
      assert.ok(stored.every((a) => a.sealedSecret.startsWith('v1.') && !a.sealedSecret.includes(IRC_PASSWORD)));

      // A restart logs both back in (their IRC nicks come back).
      await hub.stop();
      // alice watches carol; bob unsubscribed from erin.
      assert.deepEqual(await storedContactKeys(dir), [`contacts:alice@${xmpp.domain}`]);
      await offline(carol, 'alice');
      // Stanzas from here on come from the restarted hub (the old one is stopped).
      const restarted = alice.stanzas.length;
      hub = await Hub.start({ config, log: captured.log, protocols: allProtocols() });
      await hub.ready;
      await alice.send(xml('presence', { to: domain, type: 'probe' }));
      await alice.waitForStanza(gatewayStatus(domain, /^Connected as alice$/), WAIT_MS);
      // carol was kept as a watched contact: her presence comes at login, before alice does anything.
      await alice.waitForStanza((s) => alice.stanzas.indexOf(s) >= restarted && s.is('presence') && s.attrs.from === carolJid && s.attrs.type === undefined, WAIT_MS);
      await alice.send(xml('message', { type: 'chat', to: carolJid }, xml('body', {}, 'back again')));
      await carol.waitForLine(/^:alice!\S+ PRIVMSG Carol :back again$/, WAIT_MS);

      // The contact goes offline when carol quits IRC (the next ISON poll).
      await alice.send(xml('presence', { to: carolJid, type: 'probe' }));
      carol.send('QUIT :bye');
      await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === carolJid && s.attrs.type === 'unavailable', WAIT_MS);

      // Unregistering logs out of IRC and removes the stored credentials.
      await alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: NS_REGISTER }, xml('remove'))), WAIT_MS);
      await offline(oper, 'alice');
      await hub.stop();
      const after = await storedAccounts(dir);
      assert.deepEqual(after.map((a) => a.jid), [`bob@${xmpp.domain}`]);
      assert.deepEqual(await storedContactKeys(dir), [], 'alice\'s watched contacts are removed (bob watches nobody)');
      for (const file of ['switchboard.db', 'switchboard.db-wal']) {
        const bytes = existsSync(join(dir, file)) ? readFileSync(join(dir, file)) : Buffer.alloc(0);
        assert.equal(bytes.includes(IRC_PASSWORD), false, `${file} holds the password in clear`);
      }
      assert.ok(captured.lines.length > 0, 'the hub logged something');
      assert.equal(captured.text().includes(IRC_PASSWORD), false, 'the IRC password is never logged');
    });
  });
}

/**
 * Turns on ngIRCd's server password (the harness's start-up probe registers without one): the
 * config gets it and the server rehashes; resolves once a client with a wrong password is refused.
 */
async function requirePassword(irc: { readonly dir: string; readonly pid: number; readonly host: string; readonly port: number }): Promise<void> {
  appendFileSync(join(irc.dir, 'ngircd.conf'), `[Global]\n\tPassword = ${IRC_PASSWORD}\n`);
  process.kill(irc.pid, 'SIGHUP');
  await waitFor(async () => {
    // ngIRCd closes and reopens its listening socket on SIGHUP: a refused or reset connection means "not yet".
    const probe = await connectRawIrc({ host: irc.host, port: irc.port, nick: 'probe', register: false, waitForWelcome: false }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED' || (error as NodeJS.ErrnoException).code === 'ECONNRESET') return undefined;
      throw error;
    });
    if (probe === undefined) return undefined;
    try {
      probe.send('PASS wrong');
      probe.send('NICK probe');
      probe.send('USER probe 0 * :probe');
      // A connection accepted just before the rehash can be closed without a line: "not yet" too.
      const line = await probe.waitForLine(/ 001 |^ERROR/, 5000).catch((error: unknown) => {
        if (error instanceof Error && /closed before/.test(error.message)) return ' 001 ';
        throw error;
      });
      return / 001 /.test(line) ? undefined : true;
    } finally {
      await probe.close();
    }
  }, { timeoutMs: WAIT_MS, what: 'ngIRCd to require its password' });
}

/** Waits until `nick` is no longer on IRC (ISON, as `client` sees it). */
async function offline(client: RawIrcClient, nick: string): Promise<void> {
  await waitFor(async () => {
    client.send(`ISON ${nick}`);
    const reply = await client.waitForLine(/ 303 /, WAIT_MS);
    return reply.replace(/^.* 303 \S+ :?/, '').split(' ').includes(nick) ? undefined : true;
  }, { timeoutMs: WAIT_MS, intervalMs: 200, what: `${nick} to leave IRC` });
}

/** The keys of the watched-contact lists in the gateway network's storage (a reader beside the running hub is fine: WAL). */
async function storedContactKeys(dir: string): Promise<string[]> {
  const store = await openStore({ kind: 'sqlite', path: join(dir, 'switchboard.db') }, silentLogger());
  try {
    return await store.kv('network:gw').keys('contacts:');
  } finally {
    await store.close();
  }
}

/** The gateway accounts stored in the test's database (the hub must be stopped). */
async function storedAccounts(dir: string) {
  const store = await openStore({ kind: 'sqlite', path: join(dir, 'switchboard.db') }, silentLogger());
  try {
    return await store.gatewayAccounts('network:gw').all();
  } finally {
    await store.close();
  }
}
