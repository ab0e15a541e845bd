/**
 * SASL PLAIN and account-notify against a real InspIRCd, with a services peer linked to it over
 * the server protocol (irc-services-peer.ts): the bot logs in with SASL (a raw client's WHOIS
 * shows the account), a wrong password is a fatal failure that is not retried, and account
 * changes of others become CLIENT_SERVICES_LOGIN events.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInspircd, type IrcServer } from '../support/servers.js';
import { connectRawIrc } from '../support/clients.js';
import { captureLog } from '../support/log-capture.js';
import { waitFor } from '../support/wait.js';
import { makeBot, rawInChannel, WAIT_MS } from './irc-test-bot.js';
import { linkServices, type ServicesPeer } from './irc-services-peer.js';

describe('IRC adapter with services on InspIRCd: SASL PLAIN, account-notify', { timeout: 110_000 }, () => {
  let server: IrcServer;
  let services: ServicesPeer;
  before(async () => {
    server = await startInspircd();
    services = await linkServices(server, { botacct: 'correct horse' });
  });
  after(async () => {
    await services?.close();
    await server?.stop();
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
