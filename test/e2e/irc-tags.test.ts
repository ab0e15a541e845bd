/**
 * The IRC hop marker against real servers: on InspIRCd (message-tags through ircv3_ctctags) an
 * independent raw client that negotiated message-tags sees the client tag on what the bot
 * relays, and a tag a configured peer bridge sends arrives as `relayed: true` (from anyone else it
 * means nothing); on ngIRCd (no message-tags) relayed
 * messages go out without the tag and nothing breaks.
 */
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { validateEvent } from '../../src/core/catalog-validate.js';
import { RELAYED_TAG } from '../../src/networks/irc/tags.js';
import { startInspircd, startNgircd, type IrcServer } from '../support/servers.js';
import type { RawIrcClient } from '../support/clients.js';
import { waitFor } from '../support/wait.js';
import { connectTagged, makeBot, rawInChannel, textOf, WAIT_MS } from './irc-test-bot.js';

/** A raw client that negotiated message-tags and joined `channel`; closed after the test. */
async function taggedInChannel(t: TestContext, server: IrcServer, nick: string, channel: string): Promise<RawIrcClient> {
  const client = await connectTagged(server, nick, channel);
  t.after(() => client.close());
  return client;
}

/** The tag names in front of a received line. */
function tagsOf(line: string): string[] {
  if (!line.startsWith('@')) return [];
  return line.slice(1, line.indexOf(' ')).split(';').map((tag) => tag.split('=', 1)[0] as string);
}

/** A received line without its tag section, as the 512-byte budget counts it. */
function withoutTags(line: string): string {
  return line.startsWith('@') ? line.slice(line.indexOf(' ') + 1) : line;
}

describe('IRC hop marker on InspIRCd (message-tags)', { timeout: 120_000 }, () => {
  let server: IrcServer;
  before(async () => {
    server = await startInspircd();
  });
  after(() => server?.stop());

  it('tags relayed messages (each line of a split one), not others, and reads the tag others send', async (t) => {
    const alice = await taggedInChannel(t, server, 'alice', '#Tags');
    const mallory = await taggedInChannel(t, server, 'mallory', '#Tags');
    const bot = makeBot(t, server, '#Tags', { peerBridges: ['alice!*@*'] });
    await bot.network.connect();
    await alice.waitForLine(/ JOIN :?#Tags$/, WAIT_MS);

    await bot.network.send({ target: { channel: bot.channel }, kind: 'message', body: [{ type: 'text', text: 'bridged' }], relayed: true });
    const tagged = await alice.waitForLine(/ PRIVMSG #Tags :bridged$/, WAIT_MS);
    assert.ok(tagsOf(tagged).includes(RELAYED_TAG), tagged);

    await bot.network.send({ target: { channel: bot.channel }, kind: 'message', body: [{ type: 'text', text: 'own words' }] });
    const untagged = await alice.waitForLine(/ PRIVMSG #Tags :own words$/, WAIT_MS);
    assert.ok(!tagsOf(untagged).includes(RELAYED_TAG), untagged);

    const words = Array.from({ length: 200 }, (_, i) => `wörd${i}`).join(' ');
    const { ids } = await bot.network.send({ target: { channel: bot.channel }, kind: 'action', body: [{ type: 'text', text: words }], relayed: true });
    assert.ok(ids.length >= 2, `${ids.length} lines`);
    const parts: string[] = [];
    for (const _ of ids) {
      const line = await alice.waitForLine(/ PRIVMSG #Tags :.ACTION /, WAIT_MS);
      assert.ok(tagsOf(line).includes(RELAYED_TAG), 'every line carries the tag');
      assert.ok(Buffer.byteLength(`${withoutTags(line)}\r\n`) <= 512, `${Buffer.byteLength(withoutTags(line))} bytes besides the tags`);
      parts.push(textOf(line).slice('\x01ACTION '.length, -1));
    }
    assert.equal(parts.join(' '), words);

    alice.send(`@${RELAYED_TAG} PRIVMSG #Tags :from another bridge`);
    alice.send('PRIVMSG #Tags :typed by alice');
    await waitFor(() => (bot.events.filter((e) => e.command === 'MESSAGE').length >= 2 ? true : undefined), { timeoutMs: WAIT_MS, what: 'alice\'s two messages' });
    mallory.send(`@${RELAYED_TAG} PRIVMSG #Tags :mallory hiding`);
    const messages = await waitFor(() => {
      const found = bot.events.filter((e) => e.command === 'MESSAGE');
      return found.length >= 3 ? found : undefined;
    }, { timeoutMs: WAIT_MS, what: 'three MESSAGE events' });
    assert.deepEqual(messages.map((e) => (e.command === 'MESSAGE' ? [e.args.message.body, e.args.message.relayed] : [])), [
      [[{ type: 'text', text: 'from another bridge' }], true],
      [[{ type: 'text', text: 'typed by alice' }], undefined],
      [[{ type: 'text', text: 'mallory hiding' }], undefined],
    ], 'the tag counts only from a configured peer bridge');
    for (const event of messages) assert.doesNotThrow(() => validateEvent(event), 'the events pass the catalog');
  });
});

describe('IRC hop marker on ngIRCd (no message-tags)', { timeout: 120_000 }, () => {
  let server: IrcServer;
  before(async () => {
    server = await startNgircd();
  });
  after(() => server?.stop());

  it('sends relayed messages without the tag, and they arrive', async (t) => {
    const alice = await rawInChannel(t, server, 'alice', '#plain');
    const bot = makeBot(t, server, '#plain');
    await bot.network.connect();
    await bot.network.send({ target: { channel: bot.channel }, kind: 'message', body: [{ type: 'text', text: 'bridged one' }], relayed: true });
    await bot.network.send({ target: { channel: bot.channel }, kind: 'notice', body: [{ type: 'text', text: 'bridged two' }], relayed: true });
    const first = await alice.waitForLine(/ PRIVMSG #plain :bridged one$/, WAIT_MS);
    const second = await alice.waitForLine(/ NOTICE #plain :bridged two$/, WAIT_MS);
    assert.ok(!first.startsWith('@') && !second.startsWith('@'));
    assert.equal(bot.losses.length, 0);
  });
});
