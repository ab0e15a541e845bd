/**
 * A join storm through the flood queue: InspIRCd with Debian's threshold (10) but fakelag off,
 * so a client over the threshold is disconnected ("Excess Flood") instead of slowed down. A bot
 * with the default flood settings joins many channels one join() at a time (one JOIN line
 * each) and stays connected; an unthrottled bot doing the same is disconnected, which shows the
 * limit is in force. The channels wanted at connect go out several per JOIN line, so even an
 * unthrottled bot joins dozens of them without flooding.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInspircd, type IrcServer } from '../support/servers.js';
import { DEBIAN_CONNECT_CLASS } from '../support/configs/inspircd.js';
import { connectRawIrc } from '../support/clients.js';
import { waitFor } from '../support/wait.js';
import { channelRef, makeBot, WAIT_MS, type Bot } from './irc-test-bot.js';

const CHANNELS = Array.from({ length: 12 }, (_, i) => `#storm${i}`);

/** Joins the channels after the first one at run time, each with its own join() (so its own JOIN line). */
async function joinOneByOne(bot: Bot): Promise<void> {
  await Promise.all(CHANNELS.slice(1).map((channel) => bot.network.join(channelRef(channel))));
}

describe('IRC join storm on InspIRCd with threshold 10 and no fakelag', { concurrency: true, timeout: 110_000 }, () => {
  let server: IrcServer;
  before(async () => {
    server = await startInspircd({ connectClass: `${DEBIAN_CONNECT_CLASS} fakelag="no"` });
  });
  after(() => server?.stop());

  it('joins every wanted channel with the default flood settings without being disconnected', { timeout: 100_000 }, async (t) => {
    const bot = makeBot(t, server, CHANNELS[0] as string, { flood: undefined });
    await bot.network.connect();
    await joinOneByOne(bot);
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
    const bot = makeBot(t, server, CHANNELS[0] as string, { nick: 'stormbot', flood: { burst: 100, intervalMs: 0 } });
    await bot.network.connect();
    // Killed while joining (join() fails) or just after (connectionLost).
    await joinOneByOne(bot).then(
      () => waitFor(() => bot.losses[0], { timeoutMs: 30_000, what: 'the unthrottled bot to be disconnected' }),
      () => undefined,
    );
    await oper.waitForLine(/NOTICE opwatch :.*stormbot.*Excess Flood/, WAIT_MS);
  });

  it('an unthrottled bot joins 60 channels wanted at connect in a few JOIN lines and is not disconnected', { timeout: 60_000 }, async (t) => {
    const many = Array.from({ length: 60 }, (_, i) => `#wanted${i}`);
    const bot = makeBot(t, server, many, { nick: 'batchbot', flood: { burst: 100, intervalMs: 0 } });
    await bot.network.connect();
    const observer = await connectRawIrc({ host: server.host, port: server.port, nick: 'counter2', timeoutMs: WAIT_MS });
    t.after(() => observer.close());
    observer.send('WHOIS batchbot');
    // Sixty channels take several 319 lines; 318 ends the reply.
    await observer.waitForLine(/ 318 counter2 batchbot /, WAIT_MS);
    const channels = observer.lines.filter((line) => / 319 counter2 batchbot :/.test(line)).join(' ');
    for (const channel of many) assert.match(channels, new RegExp(`[@+]?${channel}(?: |$)`), `in ${channel}`);
    assert.deepEqual(bot.losses, []);
  });
});
