/**
 * The server link (`protocol: irc-link`, `ircd: ngircd`) against a real ngIRCd: the adapter links
 * as a server with the link block the harness writes (test/support/configs/ngircd.ts, the one
 * docs/networks/irc-link.md shows), and independent raw clients on ngIRCd check what it does.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { startNgircd } from '../support/servers.js';
import { channelRef, makeLink } from '../support/link-network.js';
import { checkOperKill, commonLinkTests, describeOnIrcd, say, WAIT_MS, type LinkIrcdTraits } from './irc-link-cases.js';
import { rawInChannel } from './irc-test-bot.js';

/** The default nick template is PyLink's `{nick}/{network}`: ngIRCd refuses `/`, so it becomes `|`. */
const NGIRCD: LinkIrcdTraits = {
  ircd: 'ngircd', label: 'ngIRCd', separator: '|', burstJoin: 'NJOIN', modeEvents: false, noIgnoredLines: false,
  wrongPasswordReason: /the ircd closed the link: .*password/i,
};

describeOnIrcd('server link on ngIRCd', 120_000, () => startNgircd(), (server) => {
  commonLinkTests(NGIRCD, server);

  it('an oper KILL of a virtual client or of the service client is reported, and both come back; a kicked service client rejoins', (t) => checkOperKill(t, NGIRCD, server()));

  it('a service nick someone holds gives the service client another nick, and the link still comes up', async (t) => {
    const squatter = await rawInChannel(t, server(), 'Switchboard', '#squat');
    const link = makeLink(t, 'ngircd', server(), ['#squat']);
    await link.network.connect();
    assert.match(await squatter.waitForLine(/^:Switchboard_!\S+ JOIN :?#squat$/, WAIT_MS), /switchboard@bridge\.ngircd\.test/);
    assert.equal(link.network.botUser(channelRef('#squat'))?.nick, 'Switchboard_');
  });

  it('beyond maxVirtualClients the service client speaks for people, with their nick in front', async (t) => {
    const henry = await rawInChannel(t, server(), 'henry', '#cap');
    const link = makeLink(t, 'ngircd', server(), ['#cap'], { maxVirtualClients: 1 });
    await link.network.connect();
    await say(link, '#cap', 'ivy', 'first');
    await say(link, '#cap', 'jack', 'second');
    assert.match(await henry.waitForLine(/PRIVMSG #cap :first$/, WAIT_MS), /^:ivy\|jabber!/);
    assert.match(await henry.waitForLine(/PRIVMSG #cap :<jack> second$/, WAIT_MS), /^:Switchboard!/);
  });
});
