/**
 * A join storm through the flood queue: InspIRCd with Debian's threshold (10) but fakelag off,
 * so a client over the threshold is disconnected ("Excess Flood") instead of slowed down. A bot
 * with the default flood settings joins many channels and stays connected; an unthrottled bot
 * joining the same channels is disconnected, which shows the limit is in force.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInspircd, type IrcServer } from '../support/servers.js';
import { DEBIAN_CONNECT_CLASS } from '../support/configs/inspircd.js';
import { connectRawIrc } from '../support/clients.js';
import { waitFor } from '../support/wait.js';
import { makeBot, WAIT_MS } from './irc-test-bot.js';

const CHANNELS = Array.from({ length: 12 }, (_, i) => `#storm${i}`);

describe('IRC join storm on InspIRCd with threshold 10 and no fakelag', { concurrency: true, timeout: 110_000 }, () => {
  let server: IrcServer;
  before(async () => {
    server = await startInspircd({ connectClass: `${DEBIAN_CONNECT_CLASS} fakelag="no"` });
  });
  after(() => server?.stop());

  it('joins every wanted channel with the default flood settings without being disconnected', { timeout: 100_000 }, async (t) => {
    const bot = makeBot(t, server, CHANNELS, { flood: undefined });
    await bot.network.connect();
    const observer = await connectRawIrc({ host: server.host, port: server.port, nick: 'counter', timeoutMs: WAIT_MS });
    t.after(() => observer.close());
    observer.send('WHOIS relaybot');
    const channels = await observer.waitForLine(/ 319 counter relaybot :/, WAIT_MS);
    for (const channel of CHANNELS) assert.match(channels, new RegExp(`[@+]?${channel}(?: |$)`), `in ${channel}`);
    assert.deepEqual(bot.losses, []);
    await bot.network.send({ target: { channel: bot.channel }, kind: 'message', body: [{ type: 'text', text: 'still here' }] });
  });

  it('an unthrottled bot joining the same channels is disconnected for flooding', { timeout: 60_000 }, async (t) => {
    // An operator watching quit notices (snomask q) sees why the server dropped the bot.
    const oper = await connectRawIrc({ host: server.host, port: server.port, nick: 'opwatch', timeoutMs: WAIT_MS });
    t.after(() => oper.close());
    oper.send(`OPER ${server.operName} ${server.operPassword}`);
    await oper.waitForLine(/ 381 opwatch /, WAIT_MS);
    oper.send('MODE opwatch +s +q');
    await oper.waitForLine(/ MODE opwatch \+s/, WAIT_MS);
    const bot = makeBot(t, server, CHANNELS, { nick: 'stormbot', flood: { burst: 100, intervalMs: 0 } });
    // Killed while joining (connect() fails) or just after (connectionLost).
    await bot.network.connect().then(
      () => waitFor(() => bot.losses[0], { timeoutMs: 30_000, what: 'the unthrottled bot to be disconnected' }),
      () => undefined,
    );
    await oper.waitForLine(/NOTICE opwatch :.*stormbot.*Excess Flood/, WAIT_MS);
  });
});
