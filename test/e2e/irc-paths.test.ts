/**
 * E2E tests for adapter paths the main suite does not reach, against real servers:
 * - TLS on InspIRCd (ssl_gnutls) with a self-signed certificate: trusted through `tlsCa`,
 *   refused without it, accepted with `tlsInsecure`; a client certificate shows up in WHOIS;
 * - channel keys (+k) from `channelKeys`, and a wrong key logged without failing the connect;
 * - NickServ IDENTIFY sent to `nickservNick` (a raw client plays NickServ) and never logged;
 * - away-notify and chghost (InspIRCd's ircv3 and chghost modules) as AWAY and CHGHOST events;
 * - a server closing the connection in the middle of a line (a scripted socket peer, since no
 *   real server does that on purpose): complete lines are handled, the partial one is dropped,
 *   the loss is reported once and the next connect() works.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startInspircd, startNgircd, freePorts, LOOPBACK, type IrcServer } from '../support/servers.js';
import { connectRawIrc } from '../support/clients.js';
import { inspircdTlsConfig, makeCertificates, sha256Fingerprint } from '../support/certificates.js';
import { captureLog } from '../support/log-capture.js';
import { waitFor } from '../support/wait.js';
import { makeBot, rawInChannel, textOf, WAIT_MS } from './irc-test-bot.js';

describe('IRC adapter on InspIRCd: TLS, channel keys, away-notify, chghost', { timeout: 110_000 }, () => {
  let server: IrcServer;
  let dir: string;
  let tlsPort: number;
  let certs: ReturnType<typeof makeCertificates>;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-irc-tls-'));
    certs = makeCertificates(dir);
    [tlsPort = 0] = await freePorts(1);
    server = await startInspircd({
      extraConfig: `${inspircdTlsConfig(certs, LOOPBACK, tlsPort)}
<module name="chghost">
<module name="ircv3_chghost">
`,
    });
  });
  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('connects over TLS trusting the self-signed certificate through tlsCa, with a client certificate', async (t) => {
    const watcher = await rawInChannel(t, server, 'tlswatch', '#tls');
    const bot = makeBot(t, server, '#tls', {
      port: tlsPort, tls: true, tlsCa: certs.cert, clientCert: certs.clientCert, clientKey: certs.clientKey,
    });
    await bot.network.connect();
    await watcher.waitForLine(/^:relaybot!\S+ JOIN :?#tls$/, WAIT_MS);
    await bot.network.send({ target: { channel: bot.channel }, kind: 'message', body: [{ type: 'text', text: 'over TLS' }] });
    assert.equal(textOf(await watcher.waitForLine(/^:relaybot!\S+ PRIVMSG #tls :/, WAIT_MS)), 'over TLS');
    watcher.send('WHOIS relaybot');
    await watcher.waitForLine(/ 671 tlswatch relaybot :is using a secure connection/, WAIT_MS);
    const fingerprint = await watcher.waitForLine(/ 276 tlswatch relaybot :.*fingerprint [0-9a-f]{64}/, WAIT_MS);
    assert.equal(fingerprint.split(' ').at(-1), sha256Fingerprint(certs.clientCert), 'the configured client certificate was presented');
  });

  it('refuses the untrusted certificate without tlsCa, and accepts it with tlsInsecure', async (t) => {
    const strict = makeBot(t, server, '#tls2', { port: tlsPort, tls: true });
    await assert.rejects(strict.network.connect(), /self[- ]signed|certificate/i);
    assert.deepEqual(strict.losses, [], 'a failed attempt is not a lost connection');
    const insecure = makeBot(t, server, '#tls2', { port: tlsPort, tls: true, tlsInsecure: true, nick: 'insecurebot' });
    await insecure.network.connect();
  });

  it('joins a +k channel with its key from channelKeys; a wrong key is logged and the connect still succeeds', async (t) => {
    const op = await rawInChannel(t, server, 'keyop', '#Locked');
    op.send('MODE #Locked +k s3cret');
    await op.waitForLine(/ MODE #Locked \+k :?s3cret/, WAIT_MS);
    const wrong = captureLog('warn');
    const bad = makeBot(t, server, '#locked', { nick: 'wrongkey', channelKeys: { '#locked': 'nope' } }, wrong.log);
    await bad.network.connect();
    assert.ok(wrong.lines.some((l) => l.msg === 'join refused' && l.numeric === '475'), 'join refused (475) logged');
    const bot = makeBot(t, server, '#locked', { channelKeys: { '#LOCKED': 's3cret' } });
    await bot.network.connect();
    await op.waitForLine(/^:relaybot!\S+ JOIN :?#Locked$/, WAIT_MS);
    assert.ok(!op.lines.some((l) => /^:wrongkey!/.test(l)), 'the bot with the wrong key did not get in');
  });

  it('emits AWAY (away-notify) and CHGHOST (chghost) for others in its channels', async (t) => {
    const guest = await rawInChannel(t, server, 'guest', '#notify');
    const bot = makeBot(t, server, '#notify');
    await bot.network.connect();
    await guest.waitForLine(/^:relaybot!\S+ JOIN :?#notify$/, WAIT_MS);
    guest.send('AWAY :out for lunch');
    const away = await waitFor(() => bot.events.find((e) => e.command === 'AWAY'), { timeoutMs: WAIT_MS, what: 'AWAY' });
    assert.ok(away.command === 'AWAY');
    assert.equal(away.args.user.id, 'guest');
    assert.equal(away.args.text, 'out for lunch');
    guest.send('AWAY');
    const back = await waitFor(() => bot.events.filter((e) => e.command === 'AWAY')[1], { timeoutMs: WAIT_MS, what: 'second AWAY' });
    assert.ok(back.command === 'AWAY');
    assert.equal(back.args.text, '', 'back: empty text');

    const oper = await connectRawIrc({ host: server.host, port: server.port, nick: 'hostoper', timeoutMs: WAIT_MS });
    t.after(() => oper.close());
    oper.send(`OPER ${server.operName} ${server.operPassword}`);
    await oper.waitForLine(/ 381 hostoper /, WAIT_MS);
    oper.send('CHGHOST guest new.host.test');
    const chghost = await waitFor(() => bot.events.find((e) => e.command === 'CHGHOST'), { timeoutMs: WAIT_MS, what: 'CHGHOST' });
    assert.ok(chghost.command === 'CHGHOST');
    assert.equal(chghost.args.target.id, 'guest');
    assert.equal(chghost.args.newHost, 'new.host.test');
    assert.ok(bot.network.members(bot.channel).find((m) => m.id === 'guest')?.host?.endsWith('@new.host.test'), 'member list updated');
  });
});

describe('IRC adapter on ngIRCd: NickServ identify', { timeout: 60_000 }, () => {
  let server: IrcServer;
  before(async () => {
    server = await startNgircd();
  });
  after(() => server?.stop());

  it('sends IDENTIFY to nickservNick after registration and never logs the password', async (t) => {
    const services = await connectRawIrc({ host: server.host, port: server.port, nick: 'FakeServ', timeoutMs: WAIT_MS });
    t.after(() => services.close());
    const captured = captureLog('debug');
    const bot = makeBot(t, server, '#identify', { nickservPassword: 'pa55word', nickservNick: 'FakeServ' }, captured.log);
    await bot.network.connect();
    const line = await services.waitForLine(/^:relaybot!\S+ PRIVMSG FakeServ :/, WAIT_MS);
    assert.equal(textOf(line), 'IDENTIFY pa55word');
    assert.ok(!captured.text().includes('pa55word'), 'the password is not logged');
  });
});

describe('IRC adapter: a server closing the connection mid-line', { timeout: 60_000 }, () => {
  let peer: Server;
  let port: number;
  const sockets = new Set<Socket>();
  before(async () => {
    // Registers whoever connects, confirms the JOIN, then sends one complete and one partial line and closes.
    peer = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.setEncoding('utf8');
      let buffer = '';
      socket.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
          const line = buffer.slice(0, end).replace(/\r$/, '');
          buffer = buffer.slice(end + 1);
          if (line.startsWith('USER ')) socket.write(':peer.test 001 relaybot :welcome\r\n:peer.test 376 relaybot :end of MOTD\r\n');
          const join = /^JOIN (\S+)/.exec(line);
          if (join) {
            socket.write(`:relaybot!bot@peer.test JOIN ${join[1]}\r\n:peer.test 366 relaybot ${join[1]} :End of NAMES\r\n`);
            setTimeout(() => {
              socket.write(`:alice!a@peer.test PRIVMSG ${join[1]} :complete line\r\n:alice!a@peer.test PRIVMSG ${join[1]} :partial li`);
              socket.end();
            }, 200);
          }
        }
      });
    });
    await new Promise<void>((resolve) => peer.listen(0, LOOPBACK, resolve));
    port = (peer.address() as { port: number }).port;
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => peer.close(() => resolve()));
  });

  it('handles the complete lines, drops the partial one, reports the loss once and reconnects', async (t) => {
    const bot = makeBot(t, { host: LOOPBACK, port } as IrcServer, '#cut', { pingIntervalSec: 0 });
    await bot.network.connect();
    const loss = await waitFor(() => bot.losses[0], { timeoutMs: WAIT_MS, what: 'connectionLost' });
    assert.equal(loss.wasSuccessful, true);
    const messages = bot.events.filter((e) => e.command === 'MESSAGE');
    assert.equal(messages.length, 1, 'only the complete line became a message');
    assert.ok(messages[0]?.command === 'MESSAGE');
    assert.deepEqual(messages[0].args.message.body, [{ type: 'text', text: 'complete line' }]);
    await bot.network.connect();
    await waitFor(() => bot.losses[1], { timeoutMs: WAIT_MS, what: 'the second connection to be cut too' });
    assert.equal(bot.events.filter((e) => e.command === 'MESSAGE').length, 2);
  });
});
