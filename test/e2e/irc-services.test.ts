/**
 * SASL PLAIN, SASL EXTERNAL and account-notify against a real InspIRCd, with a services peer
 * linked to it over the server protocol (irc-services-peer.ts): the bot logs in with SASL PLAIN
 * and, over TLS with a client certificate, with SASL EXTERNAL (a raw client's WHOIS shows the
 * account); a wrong password or an unknown certificate is a fatal failure that is not retried;
 * account changes of others become CLIENT_SERVICES_LOGIN events.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, LOOPBACK, startInspircd, type IrcServer } from '../support/servers.js';
import { inspircdTlsConfig, makeCertificates, sha256Fingerprint, type TestCertificates } from '../support/certificates.js';
import { connectRawIrc } from '../support/clients.js';
import { captureLog } from '../support/log-capture.js';
import { waitFor } from '../support/wait.js';
import { makeBot, rawInChannel, WAIT_MS } from './irc-test-bot.js';
import { linkServices, type ServicesPeer } from './irc-services-peer.js';

describe('IRC adapter with services on InspIRCd: SASL PLAIN and EXTERNAL, account-notify', { timeout: 110_000 }, () => {
  let server: IrcServer;
  let services: ServicesPeer;
  let dir: string;
  let certs: TestCertificates;
  let tlsPort: number;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-irc-sasl-'));
    certs = makeCertificates(dir);
    [tlsPort = 0] = await freePorts(1);
    server = await startInspircd({ extraConfig: inspircdTlsConfig(certs, LOOPBACK, tlsPort) });
    services = await linkServices(server, { botacct: 'correct horse' }, { [sha256Fingerprint(certs.clientCert)]: 'certacct' });
  });
  after(async () => {
    await services?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('logs in with SASL EXTERNAL over TLS with the client certificate', async (t) => {
    const bot = makeBot(t, server, '#sasl', {
      nick: 'certbot', port: tlsPort, tls: true, tlsCa: certs.cert,
      clientCert: certs.clientCert, clientKey: certs.clientKey, sasl: { mechanism: 'EXTERNAL' },
    });
    await bot.network.connect();
    const watcher = await connectRawIrc({ host: server.host, port: server.port, nick: 'whoiser2', timeoutMs: WAIT_MS });
    t.after(() => watcher.close());
    watcher.send('WHOIS certbot');
    await watcher.waitForLine(/ 330 whoiser2 certbot certacct :/, WAIT_MS);
  });

  it('SASL EXTERNAL without a known certificate fails the connect as fatal', async (t) => {
    const other = makeCertificates(mkdtempSync(join(dir, 'other-')));
    const bot = makeBot(t, server, '#sasl', {
      nick: 'strangebot', port: tlsPort, tls: true, tlsCa: certs.cert,
      clientCert: other.clientCert, clientKey: other.clientKey, sasl: { mechanism: 'EXTERNAL' },
    });
    await assert.rejects(bot.network.connect(), (error: Error & { fatal?: boolean }) => error.fatal === true && /SASL|904/i.test(error.message));
  });

  it('logs in with SASL PLAIN; the password is not logged', async (t) => {
    const captured = captureLog('debug');
    const bot = makeBot(t, server, '#sasl', { sasl: { mechanism: 'PLAIN', account: 'botacct', password: 'correct horse' } }, captured.log);
    await bot.network.connect();
    const watcher = await connectRawIrc({ host: server.host, port: server.port, nick: 'whoiser', timeoutMs: WAIT_MS });
    t.after(() => watcher.close());
    watcher.send('WHOIS relaybot');
    await watcher.waitForLine(/ 330 whoiser relaybot botacct :/, WAIT_MS);
    assert.ok(!captured.text().includes('correct horse'));
  });

  it('a wrong SASL password fails the connect as fatal', async (t) => {
    const bot = makeBot(t, server, '#sasl', { nick: 'badsasl', sasl: { mechanism: 'PLAIN', account: 'botacct', password: 'wrong' } });
    await assert.rejects(bot.network.connect(), (error: Error & { fatal?: boolean }) => error.fatal === true && /SASL|904/i.test(error.message));
  });

  it('emits CLIENT_SERVICES_LOGIN for account-notify (login and logout)', async (t) => {
    const bot = makeBot(t, server, '#accounts', { nick: 'acctbot' });
    await bot.network.connect();
    const carol = await rawInChannel(t, server, 'carol', '#accounts');
    await carol.waitForLine(/^:acctbot!\S+ JOIN|^:\S+ 353 carol . #accounts :.*acctbot/, WAIT_MS);
    await services.setAccount('carol', 'carolacct');
    const login = await waitFor(() => bot.events.find((e) => e.command === 'CLIENT_SERVICES_LOGIN'), { timeoutMs: WAIT_MS, what: 'login event' });
    assert.ok(login.command === 'CLIENT_SERVICES_LOGIN');
    assert.equal(login.args.user.id, 'carol');
    assert.equal(login.args.account, 'carolacct');
    assert.equal(bot.network.members(bot.channel).find((m) => m.id === 'carol')?.account, 'carolacct');
    await services.setAccount('carol', '');
    const logout = await waitFor(() => bot.events.filter((e) => e.command === 'CLIENT_SERVICES_LOGIN')[1], { timeoutMs: WAIT_MS, what: 'logout event' });
    assert.ok(logout.command === 'CLIENT_SERVICES_LOGIN');
    assert.equal(logout.args.account, '');
  });
});
