/**
 * The IRC adapter against real ngIRCd and InspIRCd: an independent raw client (not our
 * adapter) checks what the bot sends, and the events the adapter emits for what it sends.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseIrcFormatting } from '../../src/networks/irc/format-parse.js';
import { startInspircd, startNgircd, type IrcServer } from '../support/servers.js';
import { waitFor } from '../support/wait.js';
import { captureLog } from '../support/log-capture.js';
import { makeBot, NETWORK, rawInChannel, textOf, WAIT_MS } from './irc-test-bot.js';

const servers: ReadonlyArray<[string, () => Promise<IrcServer>]> = [['ngircd', () => startNgircd()], ['inspircd', () => startInspircd()]];

for (const [kind, start] of servers) {
  describe(`IRC adapter on ${kind}`, { timeout: 120_000 }, () => {
    let server: IrcServer;
    before(async () => {
      server = await start();
    });
    after(() => server?.stop());

    it('joins, emits ENDBURST, relays formatting byte for byte and parses what others send', async (t) => {
      const alice = await rawInChannel(t, server, 'alice', '#Format');
      const bot = makeBot(t, server, '#Format');
      await bot.network.connect();
      assert.deepEqual(bot.events.at(-1), { network: NETWORK, sender: NETWORK, command: 'ENDBURST', args: { server: NETWORK } });
      await alice.waitForLine(/^:relaybot!\S+ JOIN :?#Format$/, WAIT_MS);

      await bot.network.send({
        target: { channel: bot.channel },
        kind: 'message',
        body: [
          { type: 'bold', children: [{ type: 'text', text: 'alice' }] }, { type: 'text', text: ': ' },
          { type: 'colour', fg: '#ff0000', children: [{ type: 'text', text: '5 red' }] }, { type: 'text', text: ' plain ' },
          { type: 'italic', children: [{ type: 'text', text: 'it' }] }, { type: 'code', text: 'x\r\nQUIT :injected' },
        ],
      });
      const line = await alice.waitForLine(/ PRIVMSG #Format :/, WAIT_MS);
      assert.equal(textOf(line), '\x02alice\x02: \x03045 red\x0f plain \x1dit\x1d`x`', 'code between backticks (codeStyle default)');
      const second = await alice.waitForLine(/ PRIVMSG #Format :/, WAIT_MS);
      assert.equal(textOf(second), '`QUIT :injected`', 'a line break in the body becomes a new PRIVMSG, never a raw command');

      await bot.network.send({ target: { channel: bot.channel }, kind: 'action', body: [{ type: 'text', text: 'waves' }] });
      assert.equal(textOf(await alice.waitForLine(/ PRIVMSG #Format :.ACTION /, WAIT_MS)), '\x01ACTION waves\x01');

      alice.send('PRIVMSG #Format :hi \x02bold\x02 \x0312,01blue');
      const event = await waitFor(() => bot.events.find((e) => e.command === 'MESSAGE'), { timeoutMs: WAIT_MS, what: 'MESSAGE event' });
      assert.ok(event.command === 'MESSAGE');
      assert.equal(event.sender, 'alice');
      assert.deepEqual(event.args.channel, { network: NETWORK, id: '#format', name: '#Format' });
      assert.deepEqual(event.args.message.body, parseIrcFormatting('hi \x02bold\x02 \x0312,01blue'));
      assert.equal(bot.events.filter((e) => e.command === 'MESSAGE').length, 1, 'the bot\'s own messages are not emitted');
      assert.ok(bot.network.members(bot.channel).some((m) => m.id === 'alice'));
      assert.deepEqual(bot.network.botUser(bot.channel), { network: NETWORK, id: 'relaybot', nick: 'relaybot', host: bot.network.botUser(bot.channel)?.host });
      assert.match(bot.network.botUser(bot.channel)?.host ?? '', /^~?relaybot@127\.0\.0\.1$/);
      assert.equal(bot.network.botUser({ network: NETWORK, id: '#elsewhere' }), undefined, 'not in that channel');
    });

    it('splits a long message into lines of at most 512 bytes that add up to the text', async (t) => {
      const alice = await rawInChannel(t, server, 'alice2', '#split');
      const bot = makeBot(t, server, '#split');
      await bot.network.connect();
      const words = Array.from({ length: 260 }, (_, i) => `wörd${i}`).join(' ');
      const { ids } = await bot.network.send({ target: { channel: bot.channel }, kind: 'message', body: [{ type: 'text', text: words }] });
      assert.ok(ids.length >= 3 && ids.length <= 5, `${ids.length} lines`);
      const received: string[] = [];
      for (let i = 0; i < ids.length; i++) received.push(await alice.waitForLine(/ PRIVMSG #split :/, WAIT_MS));
      for (const line of received) assert.ok(Buffer.byteLength(`${line}\r\n`) <= 512, `${Buffer.byteLength(line)} bytes`);
      assert.equal(received.map(textOf).join(' '), words, 'cut at spaces, which the line breaks replace');
    });

    it('delivers a burst of 200 messages complete and in order without being disconnected', async (t) => {
      const alice = await rawInChannel(t, server, 'alice3', '#burst');
      const bot = makeBot(t, server, '#burst');
      await bot.network.connect();
      for (let i = 0; i < 200; i++) void bot.network.send({ target: { channel: bot.channel }, kind: 'message', body: [{ type: 'text', text: `burst ${i}` }] });
      assert.ok(bot.network.queueDepth() > 0, 'the queue holds the burst');
      for (let i = 0; i < 200; i++) {
        const line = await alice.waitForLine(/ PRIVMSG #burst :burst \d+$/, WAIT_MS);
        assert.equal(textOf(line), `burst ${i}`);
      }
      assert.equal(bot.network.queueDepth(), 0);
      assert.deepEqual(bot.losses, []);
      assert.ok(!alice.lines.some((l) => /QUIT.*(Flood|flood)/.test(l)));
    });

    it('falls back to another nick when its nick is taken', async (t) => {
      const holder = await rawInChannel(t, server, 'taken', '#nicks');
      const bot = makeBot(t, server, '#nicks', { nick: 'taken' });
      await bot.network.connect();
      assert.equal(bot.network.currentNick(), 'taken_');
      await holder.waitForLine(/^:taken_!\S+ JOIN :?#nicks$/, WAIT_MS);
      await bot.network.send({ target: { channel: bot.channel }, kind: 'message', body: [{ type: 'text', text: 'still here' }] });
      await holder.waitForLine(/^:taken_!\S+ PRIVMSG #nicks :still here$/, WAIT_MS);
    });

    it('rejoins after a kick and reports the KICK', async (t) => {
      const op = await rawInChannel(t, server, 'chanop', '#kick');
      const bot = makeBot(t, server, '#kick', { rejoinDelayMs: 100 });
      await bot.network.connect();
      await op.waitForLine(/^:relaybot!\S+ JOIN :?#kick$/, WAIT_MS);
      op.send('KICK #kick relaybot :out you go');
      await op.waitForLine(/^:relaybot!\S+ JOIN :?#kick$/, WAIT_MS);
      const kick = bot.events.find((e) => e.command === 'KICK');
      assert.ok(kick?.command === 'KICK');
      assert.equal(kick.args.target.id, 'relaybot');
      assert.equal(kick.args.reason, 'out you go');
      assert.equal(kick.args.by?.id, 'chanop');
    });

    it('reports a KILL as connectionLost, and a new connect() rejoins', async (t) => {
      const oper = await rawInChannel(t, server, 'operator', '#again');
      oper.send(`OPER ${server.operName} ${server.operPassword}`);
      await oper.waitForLine(/ 381 operator /, WAIT_MS);
      const bot = makeBot(t, server, '#again');
      await bot.network.connect();
      await oper.waitForLine(/^:relaybot!\S+ JOIN :?#again$/, WAIT_MS);
      oper.send('KILL relaybot :testing reconnects');
      const loss = await waitFor(() => bot.losses[0], { timeoutMs: WAIT_MS, what: 'connectionLost' });
      assert.equal(loss.wasSuccessful, true);
      assert.match(loss.reason, /testing reconnects|Killed|kill/i);
      await assert.rejects(bot.network.send({ target: { channel: bot.channel }, kind: 'message', body: [{ type: 'text', text: 'x' }] }), /not connected/);
      await bot.network.connect();
      await oper.waitForLine(/^:relaybot!\S+ JOIN :?#again$/, WAIT_MS);
      assert.equal(bot.losses.length, 1, 'reported once');
    });

    it('emits JOIN, NICK, TOPIC, MODE, PART and QUIT for others, and decodes invalid UTF-8 as latin-1', async (t) => {
      const op = await rawInChannel(t, server, 'watcher', '#events');
      const bot = makeBot(t, server, '#events');
      await bot.network.connect();
      await op.waitForLine(/^:relaybot!\S+ JOIN :?#events$/, WAIT_MS);
      const guest = await rawInChannel(t, server, 'guest', '#events');
      // Two connections: wait for the server to have handled one's command before the other's.
      guest.send('NICK guest2');
      await op.waitForLine(/^:guest!\S+ NICK :?guest2$/, WAIT_MS);
      op.send('TOPIC #events :new topic');
      op.send('MODE #events +v guest2');
      await op.waitForLine(/ MODE #events \+v :?guest2$/, WAIT_MS);
      guest.sendBytes(Buffer.concat([Buffer.from('PRIVMSG #events :caf'), Buffer.from([0xe9]), Buffer.from('\r\n')]));
      guest.send('PART #events :later');
      const commands = ['JOIN', 'NICK', 'TOPIC', 'MODE', 'MESSAGE', 'PART'];
      await waitFor(() => (commands.every((c) => bot.events.some((e) => e.command === c)) ? true : undefined), { timeoutMs: WAIT_MS, what: `events ${commands.join(', ')}` });
      const message = bot.events.find((e) => e.command === 'MESSAGE');
      assert.ok(message?.command === 'MESSAGE');
      assert.deepEqual(message.args.message.body, [{ type: 'text', text: 'café' }]);
      const mode = bot.events.find((e) => e.command === 'MODE');
      assert.ok(mode?.command === 'MODE');
      assert.deepEqual(mode.args.modes, [{ mode: '+v', arg: 'guest2' }]);
      const order = bot.events.filter((e) => commands.includes(e.command)).map((e) => e.command);
      assert.deepEqual(order, commands);
      op.send('JOIN #events2');
      guest.send('JOIN #events');
      await waitFor(() => (bot.events.filter((e) => e.command === 'JOIN').length === 2 ? true : undefined), { timeoutMs: WAIT_MS, what: 'second JOIN' });
      await guest.close();
      const quit = await waitFor(() => bot.events.find((e) => e.command === 'QUIT'), { timeoutMs: WAIT_MS, what: 'QUIT' });
      assert.ok(quit.command === 'QUIT');
      assert.deepEqual(quit.args.channels.map((c) => c.id), ['#events']);
    });

    it('delivers what is queued before QUIT on disconnect()', async (t) => {
      const alice = await rawInChannel(t, server, 'alice4', '#flush');
      const bot = makeBot(t, server, '#flush', { flood: { burst: 1, intervalMs: 50 } });
      await bot.network.connect();
      for (let i = 0; i < 10; i++) void bot.network.send({ target: { channel: bot.channel }, kind: 'message', body: [{ type: 'text', text: `flush ${i}` }] });
      await bot.network.disconnect({ deadlineMs: 5000 });
      for (let i = 0; i < 10; i++) assert.equal(textOf(await alice.waitForLine(/ PRIVMSG #flush :/, WAIT_MS)), `flush ${i}`);
      await alice.waitForLine(/^:relaybot!\S+ QUIT :/, WAIT_MS);
      assert.deepEqual(bot.losses, [], 'disconnect() does not report a lost connection');
    });

    it('makes no catch-up attempt (the server offers no CHATHISTORY; logged once) and relays live messages as before', async (t) => {
      const captured = captureLog('info');
      const alice = await rawInChannel(t, server, 'alice5', '#nohistory');
      const bot = makeBot(t, server, ['#nohistory', '#nohistory2'], {}, captured.log);
      await bot.network.connect();
      alice.send('PRIVMSG #nohistory :said live');
      const event = await waitFor(() => bot.events.find((e) => e.command === 'MESSAGE'), { timeoutMs: WAIT_MS, what: 'MESSAGE event' });
      assert.ok(event.command === 'MESSAGE');
      assert.equal(event.args.message.delayed, undefined);
      const lines = captured.lines as readonly Record<string, unknown>[];
      assert.equal(lines.filter((l) => String(l.msg).startsWith('the IRC server offers no CHATHISTORY')).length, 1, 'logged once for two channels');
      assert.ok(!lines.some((l) => /catch up|CHATHISTORY batch/.test(String(l.msg))), 'no catch-up attempted');
    });
  });
}
