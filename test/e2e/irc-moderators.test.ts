/**
 * Who the IRC adapter counts as a channel moderator (Network.isModerator), against real
 * ngIRCd and InspIRCd: the channel operator is, an ordinary member is not until given +o,
 * and a channel the bot is not in cannot tell.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInspircd, startNgircd, type IrcServer } from '../support/servers.js';
import { waitFor } from '../support/wait.js';
import { channelRef, makeBot, NETWORK, rawInChannel, WAIT_MS } from './irc-test-bot.js';

const servers: ReadonlyArray<[string, () => Promise<IrcServer>]> = [['ngircd', () => startNgircd()], ['inspircd', () => startInspircd()]];

for (const [kind, start] of servers) {
  describe(`IRC moderators on ${kind}`, { timeout: 60_000 }, () => {
    let server: IrcServer;
    before(async () => {
      server = await start();
    });
    after(() => server?.stop());

    it('the channel operator is a moderator, a member is not until given +o', async (t) => {
      // alice creates the channel (its operator) before the bot and bob join.
      const alice = await rawInChannel(t, server, 'alice', '#mods');
      const bot = makeBot(t, server, '#mods');
      await bot.network.connect();
      await rawInChannel(t, server, 'bob', '#mods');
      const user = (nick: string) => ({ network: NETWORK, id: nick, nick });
      await waitFor(() => (bot.network.members(bot.channel).some((m) => m.id === 'bob') ? true : undefined), { timeoutMs: WAIT_MS, what: 'bob in the member list' });
      assert.equal(bot.network.isModerator(bot.channel, user('alice')), true);
      assert.equal(bot.network.isModerator(bot.channel, user('bob')), false);
      assert.equal(bot.network.isModerator(bot.channel, user('relaybot')), false, 'the bot did not create the channel');
      alice.send('MODE #mods +o bob');
      await waitFor(() => (bot.network.isModerator(bot.channel, user('bob')) ? true : undefined), { timeoutMs: WAIT_MS, what: 'bob to be a moderator after +o' });
      assert.equal(bot.network.isModerator(channelRef('#elsewhere'), user('alice')), undefined, 'the bot is not in that channel');
    });
  });
}
