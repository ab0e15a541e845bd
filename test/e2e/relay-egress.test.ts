/**
 * The egress policy end to end (ngIRCd, Prosody with HTTP upload, a real hub relaying between
 * IRC `#lobby`, the MUC `lobby` and, through a second XMPP account, the MUC `other`, where files
 * are re-uploaded): an occupant's `jabber:x:oob` links to a loopback "secret" server, to an
 * allowed host that redirects there, to an endless body, and many links at once. The hub's
 * `egress.allow` names only Prosody's upload service and the allowed file server, by port.
 *
 * First without a spam checker (the relay's size queries and the XMPP re-upload fetch), then
 * with one that reads every file (`MediaFile.read()`).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { HubConfig, NetworkConfig } from '../../src/config/types.js';
import { xmppConfigSchema } from '../../src/networks/xmpp/config.js';
import { connectXmppClient, xml, type RawIrcClient, type TestXmppClient, type XmlElement } from '../support/clients.js';
import { egressConfig } from '../support/egress.js';
import { ENDLESS_LIMIT, startHttpFixture, type HttpFixture } from '../support/http-fixture.js';
import { bodyOf, fileMessage, ircText, oobUrl, startBridge, WAIT_MS, IRC_CHANNEL, BOT_NICK, XMPP_BOT_NICK, type BridgeSetup } from './relay-setup.js';

const SPAM_MODULE = fileURLToPath(new URL('./relay-spam-fixture.js', import.meta.url));
const SECRET = 'TOP-SECRET-4711';
const SECOND_BOT_NICK = 'switchboard2';
/** egress.maxBodyBytes for this hub. */
const BODY_CAP = 1024 * 1024;
/** egress.maxLinksPerMessage for this hub. */
const LINK_CAP = 2;

describe('egress policy: what an occupant\'s links make the hub fetch', { timeout: 240_000 }, () => {
  let setup: BridgeSetup;
  let secret: HttpFixture;
  let files: HttpFixture;
  let other: string;
  let bob: TestXmppClient;
  let dave: TestXmppClient;
  let alice: RawIrcClient;

  /** A groupchat message in `other` from the second bot that satisfies `test`. */
  const inOther = (test: (s: XmlElement) => boolean) => (s: XmlElement) =>
    s.is('message') && s.attrs.type === 'groupchat' && s.attrs.from === `${other}/${SECOND_BOT_NICK}` && test(s);

  function hubConfig(withSpamChecker: boolean): Partial<HubConfig> {
    const base = setup.config();
    const second: NetworkConfig = {
      name: 'jabber2',
      protocol: 'xmpp',
      options: xmppConfigSchema.parse({
        jid: `bridgebot2@${setup.xmpp.domain}`, password: 'botpass', service: `xmpp://${setup.xmpp.host}:${setup.xmpp.port}`,
        requireTls: false, saslMechanism: 'PLAIN', nick: SECOND_BOT_NICK,
      }),
    };
    return {
      networks: [...base.networks, second],
      bridges: [{ name: 'lobby', channels: [...base.bridges[0]!.channels, { network: 'jabber2', id: other }], options: {} }],
      modules: withSpamChecker ? [{ module: SPAM_MODULE, specifier: SPAM_MODULE, config: undefined }, ...base.modules] : base.modules,
      egress: egressConfig([`127.0.0.1:${setup.xmpp.httpPort}`, files.hostPort], { maxBodyBytes: BODY_CAP, maxLinksPerMessage: LINK_CAP }),
    };
  }

  async function startHub(withSpamChecker: boolean): Promise<void> {
    await setup.startHub(undefined, undefined, hubConfig(withSpamChecker));
    await alice.waitForLine(new RegExp(`^:${BOT_NICK}!\\S+ JOIN :?${IRC_CHANNEL}`, 'i'), WAIT_MS);
    // Available presences only: after a restart the bots' unavailable ones are there too.
    await dave.waitForStanza((s) => s.is('presence') && s.attrs.type === undefined && s.attrs.from === `${other}/${SECOND_BOT_NICK}`, WAIT_MS);
    await bob.waitForStanza((s) => s.is('presence') && s.attrs.type === undefined && s.attrs.from === `${setup.room}/${XMPP_BOT_NICK}`, WAIT_MS);
  }

  /** bob says `text`; resolves once it reached `other` (everything bob sent before was handled by then). */
  async function marker(text: string): Promise<void> {
    await bob.sayInRoom(setup.room, text);
    await dave.waitForStanza(inOther((s) => bodyOf(s) === `<bob@jabber> ${text}`), WAIT_MS);
  }

  before(async () => {
    secret = await startHttpFixture((_req, res) => res.end(SECRET));
    files = await startHttpFixture((req, res, base) => {
      const path = new URL(req.url ?? '/', base).pathname;
      if (path === '/to-secret') return void res.writeHead(302, { location: `${secret.base}/via-redirect.txt` }).end();
      const name = /^\/(file-\d+\.txt)$/.exec(path)?.[1];
      if (name) return void res.writeHead(200, { 'content-type': 'text/plain' }).end(`contents of ${name}\n`);
      res.writeHead(404).end();
    });
    setup = await startBridge({ httpUpload: true });
    other = `other@${setup.xmpp.mucDomain}`;
    await setup.xmpp.registerUser('bridgebot2', 'botpass');
    alice = await setup.ircUser('alice');
    bob = await setup.xmppUser('bob', 'bob');
    await setup.xmpp.registerUser('dave', 'pw');
    dave = await connectXmppClient({ service: `xmpp://${setup.xmpp.host}:${setup.xmpp.port}`, domain: setup.xmpp.domain, username: 'dave', password: 'pw' });
    await dave.joinRoom(other, 'dave', WAIT_MS);
    await startHub(false);
  });
  after(async () => {
    await dave?.close().catch(() => undefined);
    await setup?.stop();
    await Promise.all([secret?.close(), files?.close()]);
  });

  it('does not fetch a link to a loopback address outside the allow-list; the other room gets the plain link', async () => {
    const url = `${secret.base}/secret.txt`;
    await bob.send(fileMessage(setup.room, 'egress-1', url));
    const copy = await dave.waitForStanza(inOther((s) => oobUrl(s) !== undefined), WAIT_MS);
    assert.equal(oobUrl(copy), url, 'the original link, not a re-upload of what it points to');
    const line = await alice.waitForLine(/secret\.txt/, WAIT_MS);
    assert.equal(ircText(line), `<bob@jabber> secret.txt: ${url}`);
    assert.deepEqual(secret.requests, [], 'the secret server was never contacted');
  });

  it('refuses a redirect from an allowed host to a private address at that hop', async () => {
    const url = `${files.base}/to-secret`;
    await bob.send(fileMessage(setup.room, 'egress-2', url));
    const copy = await dave.waitForStanza(inOther((s) => oobUrl(s) !== undefined), WAIT_MS);
    assert.equal(oobUrl(copy), url);
    assert.ok(files.requests.some((r) => r.path === '/to-secret'), 'the allowed host was asked');
    assert.deepEqual(secret.requests, [], 'the redirect target was never contacted');
  });

  it('cuts a body without Content-Length at egress.maxBodyBytes and sends the link instead', async () => {
    const url = `${files.base}/endless`;
    await bob.send(fileMessage(setup.room, 'egress-3', url));
    const copy = await dave.waitForStanza(inOther((s) => oobUrl(s) !== undefined), WAIT_MS);
    assert.equal(oobUrl(copy), url, 'not re-uploaded');
    await files.endless.closed;
    assert.equal(files.endless.cutByClient, true, 'the hub closed the connection before the body ended');
    assert.ok(files.endless.written < 16 * BODY_CAP, `the server wrote ${files.endless.written} of ${ENDLESS_LIMIT} bytes`);
  });

  it(`fetches only the first ${LINK_CAP} links of a message; the others are relayed as plain links`, async () => {
    const names = Array.from({ length: 6 }, (_, i) => `file-${i + 1}.txt`);
    const before = files.requests.length;
    await bob.send(xml('message', { to: setup.room, type: 'groupchat', id: 'egress-4' },
      xml('body', {}, 'six files'),
      ...names.map((name) => xml('x', { xmlns: 'jabber:x:oob' }, xml('url', {}, `${files.base}/${name}`), xml('desc', {}, name)))));
    const text = await dave.waitForStanza(inOther((s) => (bodyOf(s) ?? '').startsWith('<bob@jabber> six files')), WAIT_MS);
    const uploads = [
      await dave.waitForStanza(inOther((s) => oobUrl(s) !== undefined), WAIT_MS),
      await dave.waitForStanza(inOther((s) => oobUrl(s) !== undefined), WAIT_MS),
    ];
    await marker('after the six files');
    assert.deepEqual(bodyOf(text)!.split('\n').slice(1), names.slice(LINK_CAP).map((name) => `${name}: ${files.base}/${name}`));
    for (const upload of uploads) assert.ok(oobUrl(upload)!.startsWith(`http://127.0.0.1:${setup.xmpp.httpPort}/`), 're-uploaded');
    const fetched = new Set(files.requests.slice(before).map((r) => r.path));
    assert.deepEqual([...fetched].sort(), names.slice(0, LINK_CAP).map((name) => `/${name}`));
  });

  describe('with a spam checker that reads every file', () => {
    before(async () => {
      await setup.hub.stop();
      await startHub(true);
    });

    it('a file on a loopback address is not read: the checker cannot check it, so it is not relayed', async () => {
      await bob.send(fileMessage(setup.room, 'egress-5', `${secret.base}/for-the-checker.txt`));
      await marker('after the checked secret');
      assert.deepEqual(secret.requests, [], 'the secret server was never contacted');
      assert.equal(dave.stanzas.some((s) => (bodyOf(s) ?? '').includes('for-the-checker') || oobUrl(s)?.includes('for-the-checker')), false);
      const refusals = setup.logLines.filter((l) => String(l.msg).includes('refused by a spam checker') && l.file === 'for-the-checker.txt');
      assert.equal(refusals.length, 1, 'logged once');
    });

    it('read() stops an endless body at the cap', async () => {
      await bob.send(fileMessage(setup.room, 'egress-6', `${files.base}/endless`));
      await marker('after the checked endless body');
      await files.endless.closed;
      assert.equal(files.endless.cutByClient, true);
      assert.ok(files.endless.written < 16 * BODY_CAP, `the server wrote ${files.endless.written} of ${ENDLESS_LIMIT} bytes`);
    });
  });

  it('the secret never reached another room: not in a message, not in a re-uploaded file', async () => {
    assert.equal(dave.stanzas.some((s) => s.toString().includes(SECRET)), false);
    assert.equal(alice.lines.some((l) => l.includes(SECRET)), false);
    const uploads = dave.stanzas.map(oobUrl).filter((url) => url?.startsWith(`http://127.0.0.1:${setup.xmpp.httpPort}/`) === true);
    assert.ok(uploads.length >= LINK_CAP, 'the re-uploads of the allowed files are there to check');
    for (const url of uploads) {
      const file = await fetch(url!, { signal: AbortSignal.timeout(WAIT_MS) });
      assert.equal((await file.text()).includes(SECRET), false, `${url} holds the secret`);
    }
  });
});
