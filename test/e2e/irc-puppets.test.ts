/**
 * `mode: puppets` against real ngIRCd and InspIRCd: each remote user speaks through an IRC
 * connection of its own, seen by a raw client (not our adapter) under the nick template; a
 * taken nick gets a collision-safe variant; an idle puppet quits; beyond the cap the bot
 * speaks for the user with the fallback identity; what puppets do never comes back as events.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { UserRef } from '../../src/core/refs.js';
import { startInspircd, startNgircd, type IrcServer } from '../support/servers.js';
import { connectRawIrc } from '../support/clients.js';
import { makeBot, rawInChannel, textOf, WAIT_MS, type Bot } from './irc-test-bot.js';
import { waitFor } from '../support/wait.js';

const servers: ReadonlyArray<[string, () => Promise<IrcServer>]> = [['ngircd', () => startNgircd()], ['inspircd', () => startInspircd()]];

function remote(nick: string, network: string): UserRef {
  return { network, id: nick.toLowerCase(), nick };
}

function say(bot: Bot, user: UserRef | undefined, text: string): Promise<unknown> {
  return bot.network.send({ target: { channel: bot.channel }, kind: 'message', body: [{ type: 'text', text }], ...(user ? { asUser: user } : {}) });
}

for (const [kind, start] of servers) {
  describe(`IRC puppets on ${kind}`, { timeout: 110_000 }, () => {
    let server: IrcServer;
    before(async () => {
      server = await start();
    });
    after(() => server?.stop());

    it('two remote users speak through two puppets with nicks from the template; no events come back', async (t) => {
      const watcher = await rawInChannel(t, server, 'watcher', '#puppets');
      const bot = makeBot(t, server, '#puppets', { mode: 'puppets' });
      await bot.network.connect();
      await say(bot, remote('alice', 'xmpp'), 'hi from alice');
      await say(bot, remote('Bob Ünder', 'matrix'), 'hi from bob');
      await say(bot, remote('alice', 'xmpp'), 'alice again');
      await say(bot, undefined, 'the bot itself');
      const lines = [
        await watcher.waitForLine(/ PRIVMSG #puppets :hi from alice$/, WAIT_MS),
        await watcher.waitForLine(/ PRIVMSG #puppets :hi from bob$/, WAIT_MS),
        await watcher.waitForLine(/ PRIVMSG #puppets :alice again$/, WAIT_MS),
        await watcher.waitForLine(/ PRIVMSG #puppets :the bot itself$/, WAIT_MS),
      ];
      assert.deepEqual(lines.map((l) => /^:([^!]+)!/.exec(l)?.[1]), ['alice[xmpp]', 'Bob_Under[matrix]', 'alice[xmpp]', 'relaybot']);
      watcher.send('PRIVMSG #puppets :a human speaks');
      await waitFor(() => bot.events.find((e) => e.command === 'MESSAGE'), { timeoutMs: WAIT_MS, what: 'the human\'s MESSAGE' });
      const reported = bot.events.filter((e) => e.command === 'MESSAGE' || e.command === 'JOIN');
      assert.deepEqual(reported.map((e) => e.sender), ['watcher'], 'puppets\' JOINs and messages are not events');
      assert.deepEqual(bot.network.members(bot.channel).map((m) => m.nick).sort(), ['relaybot', 'watcher']);
    });

    it('a taken nick gets a collision-safe variant', async (t) => {
      const holder = await connectRawIrc({ host: server.host, port: server.port, nick: 'carol[xmpp]', user: 'carol', timeoutMs: WAIT_MS });
      t.after(() => holder.close());
      holder.send('JOIN #collide');
      await holder.waitForLine(/ 366 carol\[xmpp\] #collide /, WAIT_MS);
      const bot = makeBot(t, server, '#collide', { mode: 'puppets', nick: 'colbot' });
      await bot.network.connect();
      await say(bot, remote('carol', 'xmpp'), 'which carol?');
      const line = await holder.waitForLine(/ PRIVMSG #collide :which carol\?$/, WAIT_MS);
      assert.match(line, /^:carol\|1\[xmpp\]!/);
    });

    it('an idle puppet quits; the next message brings it back', async (t) => {
      const watcher = await rawInChannel(t, server, 'idlewatch', '#idle');
      const bot = makeBot(t, server, '#idle', { mode: 'puppets', nick: 'idlebot', puppets: { idleTimeoutSec: 1 } });
      await bot.network.connect();
      await say(bot, remote('dave', 'xmpp'), 'then silence');
      await watcher.waitForLine(/^:dave\[xmpp\]!\S+ PRIVMSG #idle :then silence$/, WAIT_MS);
      await watcher.waitForLine(/^:dave\[xmpp\]!\S+ QUIT /, WAIT_MS);
      await say(bot, remote('dave', 'xmpp'), 'back');
      await watcher.waitForLine(/^:dave\[xmpp\]!\S+ PRIVMSG #idle :back$/, WAIT_MS);
    });

    it('beyond the cap the bot speaks for the user with the fallback identity', async (t) => {
      const watcher = await rawInChannel(t, server, 'capwatch', '#cap');
      const bot = makeBot(t, server, '#cap', { mode: 'puppets', nick: 'capbot', puppets: { max: 1 } });
      await bot.network.connect();
      await say(bot, remote('erin', 'xmpp'), 'I have a puppet');
      await say(bot, remote('frank', 'xmpp'), 'I do not');
      assert.match(await watcher.waitForLine(/ PRIVMSG #cap :I have a puppet$/, WAIT_MS), /^:erin\[xmpp\]!/);
      assert.match(await watcher.waitForLine(/ PRIVMSG #cap :<frank> I do not$/, WAIT_MS), /^:capbot!/);
      const other = await connectRawIrc({ host: server.host, port: server.port, nick: 'counter', timeoutMs: WAIT_MS });
      t.after(() => other.close());
      other.send('WHOIS frank[xmpp]');
      await other.waitForLine(/ 401 counter frank\[xmpp\] /, WAIT_MS);
      assert.equal(textOf(watcher.lines.find((l) => l.includes('<frank>')) ?? ''), '<frank> I do not');
    });
  });
}

