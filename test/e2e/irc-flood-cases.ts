/**
 * Flood control against servers with their DEFAULT flood limits (the other IRC e2e tests lift
 * them); used by irc-flood-ngircd.test.ts and irc-flood-inspircd.test.ts (one file per server,
 * as each takes about 100 s: the limits allow one line per second).
 */
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { IrcServer } from '../support/servers.js';
import { waitFor } from '../support/wait.js';
import { makeBot, rawInChannel, textOf, WAIT_MS, type Bot } from './irc-test-bot.js';

/** Messages in the burst. */
const BURST = 100;
/** Padding that makes each line long, so an unthrottled burst overflows the server's receive queue. */
const PADDING = 'x'.repeat(300);
/** At the default 1 line/s, 100 lines take about 96 s (the runner gives a file 120 s). */
const BURST_TIMEOUT_MS = 110_000;

/** The adapter's default flood settings: no `flood` key, so the schema default applies. */
const DEFAULT_FLOOD = { flood: undefined };

/** Sends `count` messages at once (as a relay burst from another network would). */
function burst(bot: Bot, count: number, tag: string): void {
  for (let i = 0; i < count; i++) {
    void bot.network.send({ target: { channel: bot.channel }, kind: 'message', body: [{ type: 'text', text: `${tag} ${i} ${PADDING}` }] });
  }
}

/** A watcher sees a burst from a bot with default flood settings complete and in order; the bot stays connected. */
async function expectBurstDelivered(t: TestContext, server: IrcServer, channel: string): Promise<void> {
  const watcher = await rawInChannel(t, server, 'watcher', channel);
  const bot = makeBot(t, server, channel, DEFAULT_FLOOD);
  await bot.network.connect();
  await watcher.waitForLine(/^:relaybot!\S+ JOIN :?#/, WAIT_MS);
  burst(bot, BURST, 'burst');
  for (let i = 0; i < BURST; i++) {
    const line = await watcher.waitForLine(/ PRIVMSG #\S+ :burst \d+ /, WAIT_MS);
    assert.equal(textOf(line), `burst ${i} ${PADDING}`, `message ${i} in order`);
  }
  assert.equal(bot.network.queueDepth(), 0);
  assert.deepEqual(bot.losses, [], 'not disconnected');
  assert.ok(!watcher.lines.some((l) => /^:relaybot!\S+ QUIT /.test(l)), 'the watcher saw no QUIT of the bot');
  await bot.network.send({ target: { channel: bot.channel }, kind: 'message', body: [{ type: 'text', text: 'after the burst' }] });
  await watcher.waitForLine(/ PRIVMSG #\S+ :after the burst$/, WAIT_MS);
}

/**
 * Registers the flood tests for one server: the burst with default settings, and, when
 * `unthrottledIsKilled`, a control showing that an unthrottled bot is disconnected there.
 */
export function floodTests(kind: string, start: () => Promise<IrcServer>, unthrottledIsKilled: boolean): void {
  describe(`IRC flood control on ${kind} with default limits`, { concurrency: true, timeout: BURST_TIMEOUT_MS + 60_000 }, () => {
    let server: IrcServer;
    before(async () => {
      server = await start();
    });
    after(() => server?.stop());

    it(`delivers a burst of ${BURST} long messages complete and in order with the default flood settings`, { timeout: BURST_TIMEOUT_MS }, async (t) => {
      await expectBurstDelivered(t, server, '#flood');
    });

    if (!unthrottledIsKilled) return;
    it('an unthrottled bot sending the same burst is disconnected (the limits are in force)', { timeout: 60_000 }, async (t) => {
      const watcher = await rawInChannel(t, server, 'observer', '#control');
      const bot = makeBot(t, server, '#control', { nick: 'floodbot', flood: { burst: 100, intervalMs: 0 } });
      await bot.network.connect();
      burst(bot, BURST, 'flood');
      const quit = await watcher.waitForLine(/^:floodbot!\S+ QUIT :/, 30_000);
      assert.match(quit, /RecvQ exceeded|Excess Flood/i);
      const loss = await waitFor(() => bot.losses[0], { timeoutMs: WAIT_MS, what: 'connectionLost of the unthrottled bot' });
      assert.equal(loss.wasSuccessful, true);
    });
  });
}
