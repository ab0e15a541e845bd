/**
 * A channel that refuses the bot's messages, on real ngIRCd and InspIRCd: a channel set +m
 * without voice for the bot answers with 404; the adapter logs that once, rejects further sends
 * to that channel (so the relay records them as failed), keeps delivering to other channels,
 * and sends again once the channel's modes change (voice).
 */
import { SendRefusedError } from '../../src/core/network.js';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInspircd, startNgircd, type IrcServer } from '../support/servers.js';
import { captureLog } from '../support/log-capture.js';
import { waitFor } from '../support/wait.js';
import { channelRef, makeBot, rawInChannel, WAIT_MS } from './irc-test-bot.js';

const REFUSAL_LOG = 'channel refuses our messages; sends to it fail until its modes change or the bot rejoins';

const servers: ReadonlyArray<[string, () => Promise<IrcServer>]> = [['ngircd', () => startNgircd()], ['inspircd', () => startInspircd()]];

for (const [kind, start] of servers) {
  describe(`IRC refused sends on ${kind}`, { timeout: 120_000 }, () => {
    let server: IrcServer;
    before(async () => {
      server = await start();
    });
    after(() => server?.stop());

    it('logs a moderated channel once, rejects sends to it, delivers elsewhere, and sends again after +v', async (t) => {
      const alice = await rawInChannel(t, server, 'alice', '#mod');
      alice.send('JOIN #open');
      await alice.waitForLine(/ 366 alice #open /, WAIT_MS);
      alice.send('MODE #mod +m');
      await alice.waitForLine(/ MODE #mod :?\+m$/, WAIT_MS);
      const captured = captureLog('info');
      const bot = makeBot(t, server, ['#mod', '#open'], {}, captured.log);
      await bot.network.connect();
      const mod = channelRef('#mod');
      const open = channelRef('#open');
      const say = (channel: typeof mod, text: string) => bot.network.send({ target: { channel }, kind: 'message', body: [{ type: 'text', text }] });
      const refusalLogs = () => captured.lines.filter((line) => line.msg === REFUSAL_LOG);

      await say(mod, 'first try');
      await say(mod, 'second try, already queued');
      await waitFor(() => refusalLogs().length > 0 || undefined, { timeoutMs: WAIT_MS, what: 'the refusal to be logged' });
      const [logged] = refusalLogs();
      assert.equal(logged?.numeric, '404');
      assert.equal(logged?.channel, '#mod');

      await assert.rejects(say(mod, 'refused up front'), /#mod refuses our messages: .+ \(404\)/);
      await assert.rejects(say(mod, 'and again'), (error: unknown) => error instanceof SendRefusedError && /refuses our messages/.test(error.message));
      await say(open, 'the other channel still works');
      await alice.waitForLine(/ PRIVMSG #open :the other channel still works$/, WAIT_MS);
      assert.equal(refusalLogs().length, 1, 'logged once');
      assert.ok(!alice.lines.some((line) => / PRIVMSG #mod :/.test(line)), 'nothing reached the moderated channel');

      alice.send('MODE #mod +v relaybot');
      await alice.waitForLine(/ MODE #mod \+v :?relaybot$/, WAIT_MS);
      await waitFor(() => bot.events.some((e) => e.command === 'MODE') || undefined, { timeoutMs: WAIT_MS, what: 'the bot to see the MODE' });
      await say(mod, 'voiced now');
      await alice.waitForLine(/ PRIVMSG #mod :voiced now$/, WAIT_MS);
      assert.equal(refusalLogs().length, 1);
      assert.equal(bot.losses.length, 0, 'the connection stayed up');
    });
  });
}
