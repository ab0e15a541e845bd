/**
 * Recovering from a server restart, against real ngIRCd and InspIRCd restarted by the harness
 * (stopped by PID, started again with the same config on the same port):
 * - the adapter alone reports the loss once through connectionLost, and the next connect()
 *   (the test playing the hub) brings the bot back into its channel;
 * - in a real Hub, the supervisor's reconnect policy does the reconnecting by itself.
 * A raw client (not our adapter) checks that the bot is back and can talk.
 */
import { hubBase } from '../support/hub-config.js';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hub } from '../../src/app/hub.js';
import type { HubConfig } from '../../src/config/types.js';
import { ircConfigSchema } from '../../src/networks/irc/config.js';
import { builtinProtocols } from '../../src/networks/registry.js';
import { startInspircd, startNgircd, type IrcServer } from '../support/servers.js';
import { captureLog } from '../support/log-capture.js';
import { waitFor } from '../support/wait.js';
import { channelRef, makeBot, NETWORK, rawInChannel, textOf, WAIT_MS } from './irc-test-bot.js';

const servers: ReadonlyArray<[string, () => Promise<IrcServer>]> = [['ngircd', () => startNgircd()], ['inspircd', () => startInspircd()]];

/** A hub with one IRC network (the bot) and one bridge holding `channel`; nothing else. */
function hubConfig(dir: string, server: IrcServer, channel: string): HubConfig {
  return {
    ...hubBase(dir, { reconnect: { initialDelayMs: 200, maxDelayMs: 1000, stableAfterMs: 60_000 }, shutdownMs: 2000 }),
    networks: [{ name: NETWORK, protocol: 'irc', options: ircConfigSchema.parse({ host: server.host, port: server.port, nick: 'hubbot', flood: { burst: 10, intervalMs: 10 } }) }],
    bridges: [{ name: 'only', channels: [channelRef(channel)], options: {} }],
    modules: [],
  };
}

for (const [kind, start] of servers) {
  describe(`IRC adapter recovering from a ${kind} restart`, { timeout: 110_000 }, () => {
    let server: IrcServer;
    let dir: string;
    before(async () => {
      server = await start();
      dir = mkdtempSync(join(tmpdir(), 'sb-irc-recovery-'));
    });
    after(async () => {
      await server?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('reports connectionLost once; connect() again rejoins the channel', async (t) => {
      const watcher = await rawInChannel(t, server, 'watcher', '#restart');
      const bot = makeBot(t, server, '#restart');
      await bot.network.connect();
      await watcher.waitForLine(/^:relaybot!\S+ JOIN :?#restart$/, WAIT_MS);
      const pid = server.pid;
      await server.restart();
      assert.notEqual(server.pid, pid, 'a new server process');
      const loss = await waitFor(() => bot.losses[0], { timeoutMs: WAIT_MS, what: 'connectionLost' });
      assert.equal(loss.wasSuccessful, true);
      assert.notEqual(loss.fatal, true, 'a restart is worth retrying');
      await bot.network.connect();
      const back = await rawInChannel(t, server, 'watcher2', '#restart');
      assert.ok(back.lines.some((l) => / 353 watcher2 . #restart :.*\brelaybot\b/.test(l)), 'the bot is in the channel again');
      await bot.network.send({ target: { channel: bot.channel }, kind: 'message', body: [{ type: 'text', text: 'back again' }] });
      assert.equal(textOf(await back.waitForLine(/^:relaybot!\S+ PRIVMSG #restart :/, WAIT_MS)), 'back again');
      assert.equal(bot.losses.length, 1, 'reported once');
    });

    it('in a running hub, the reconnect policy brings the bot back into its bridged channel', async (t) => {
      const captured = captureLog('info');
      const hub = await Hub.start({ config: hubConfig(dir, server, '#hubchan'), log: captured.log, protocols: builtinProtocols() });
      t.after(() => hub.stop());
      await hub.ready;
      assert.equal(hub.health().networks[NETWORK]?.state, 'connected');
      await server.restart();
      await waitFor(() => {
        const status = hub.health().networks[NETWORK];
        return status && status.reconnects >= 1 && status.state === 'connected' ? status : undefined;
      }, { timeoutMs: 30_000, what: 'the hub to reconnect the IRC network' });
      assert.ok(captured.lines.some((l) => l.msg === 'network disconnected; will retry' && l.wasSuccessful === true), 'the loss went through the supervisor');
      const watcher = await rawInChannel(t, server, 'hubwatch', '#hubchan');
      assert.ok(watcher.lines.some((l) => / 353 hubwatch . #hubchan :.*\bhubbot\b/.test(l)), 'the bot rejoined the bridged channel');
      const handle = hub.network(NETWORK);
      assert.ok(handle);
      await handle.send({ target: { channel: channelRef('#hubchan') }, kind: 'message', body: [{ type: 'text', text: 'reconnected by the hub' }] });
      assert.equal(textOf(await watcher.waitForLine(/^:hubbot!\S+ PRIVMSG #hubchan :/, WAIT_MS)), 'reconnected by the hub');
    });
  });
}
