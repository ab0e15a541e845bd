/**
 * Nick reclaim against real servers: the bot registers as `keeper_` because `keeper` is taken,
 * and takes `keeper` back once its holder leaves: by ISON polling on ngIRCd (no MONITOR), by
 * MONITOR on InspIRCd with the monitor module (the ISON interval is an hour there, so only
 * MONITOR can be what brings the nick back in time).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInspircd, startNgircd, type IrcServer } from '../support/servers.js';
import { waitFor } from '../support/wait.js';
import { makeBot, rawInChannel, textOf, WAIT_MS } from './irc-test-bot.js';

const cases: ReadonlyArray<[string, () => Promise<IrcServer>, number]> = [
  ['ngircd (ISON)', () => startNgircd(), 1],
  ['inspircd (MONITOR)', () => startInspircd({ extraConfig: '<module name="monitor">\n' }), 3600],
];

for (const [kind, start, reclaimSec] of cases) {
  describe(`IRC nick reclaim on ${kind}`, { timeout: 60_000 }, () => {
    let server: IrcServer;
    before(async () => {
      server = await start();
    });
    after(() => server?.stop());

    it('takes the configured nick back once its holder quits', async (t) => {
      const holder = await rawInChannel(t, server, 'keeper', '#reclaim');
      const watcher = await rawInChannel(t, server, 'watcher', '#reclaim');
      const bot = makeBot(t, server, '#reclaim', { nick: 'keeper', nickReclaimSec: reclaimSec });
      await bot.network.connect();
      assert.equal(bot.network.currentNick(), 'keeper_');
      await watcher.waitForLine(/^:keeper_!\S+ JOIN :?#reclaim$/, WAIT_MS);
      await holder.close();
      await watcher.waitForLine(/^:keeper_!\S+ NICK :?keeper$/, WAIT_MS);
      await waitFor(() => (bot.network.currentNick() === 'keeper' ? true : undefined), { timeoutMs: WAIT_MS, what: 'the adapter to know its nick' });
      await bot.network.send({ target: { channel: bot.channel }, kind: 'message', body: [{ type: 'text', text: 'mine again' }] });
      assert.equal(textOf(await watcher.waitForLine(/^:keeper!\S+ PRIVMSG #reclaim :/, WAIT_MS)), 'mine again');
      assert.ok(!bot.events.some((e) => e.command === 'NICK'), 'its own nick change is not an event');
    });
  });
}
