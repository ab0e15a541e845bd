/* eslint-disable no-control-regex -- IRC formatting codes are stripped from what the client receives */
/**
 * How relayed text reaches IRC, against ngIRCd and Prosody with independent clients (issue 11):
 * every line of a message is attributed to its real author (continuation lines and split long
 * lines too); a nick shaped like an identity prefix cannot show another identity; a ~256 KB
 * message becomes at most `maxLines` lines and the hub keeps relaying; inline code shows as
 * backticks. The hub runs in its own process, so that a hub busy with one message cannot stop
 * this test's own timers.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { RawIrcClient, TestXmppClient } from '../support/clients.js';
import { killByPid, startChild } from './relay-hub-process.js';
import { BOT_NICK, ircText, startBridge, IRC_CHANNEL, WAIT_MS, type BridgeSetup } from './relay-setup.js';

/** The `maxLines` the bridge setup gives the IRC network. */
const MAX_LINES = 10;
const botLine = (text: RegExp): RegExp => new RegExp(`^:${BOT_NICK}!\\S+ (PRIVMSG|NOTICE) ${IRC_CHANNEL} :${text.source}`, 'i');

/** What an IRC user sees of a line: its text without formatting codes. */
function visible(line: string): string {
  return ircText(line).replace(/\x03(\d{1,2}(,\d{1,2})?)?|[\x02\x0f\x11\x16\x1d\x1e\x1f]/g, '');
}

/** The author a reader takes a line to be from: the identity `<nick@network> ` it starts with. */
function authorOf(line: string): string | undefined {
  const match = /^<(.*?)@(.*?)> /su.exec(visible(line));
  return match ? `${match[1]}@${match[2]}` : undefined;
}

describe('relayed text on IRC (ngIRCd, Prosody, hub process)', { timeout: 240_000 }, () => {
  let setup: BridgeSetup;
  let alice: RawIrcClient;
  let mallory: TestXmppClient;
  let child: ChildProcess | undefined;
  const stderr: string[] = [];
  let sentinels = 0;

  /** The bot's lines in the channel for what `sender` sends with `send`, up to a sentinel message it sends after. */
  async function linesFor(sender: TestXmppClient, send: () => Promise<void>): Promise<string[]> {
    const start = alice.lines.length;
    await send();
    const sentinel = `sentinel-${++sentinels}`;
    await sender.sayInRoom(setup.room, sentinel);
    await alice.waitForLine(botLine(new RegExp(`.*${sentinel}$`)), WAIT_MS);
    const lines = alice.lines.slice(start).filter((line) => botLine(/.*/).test(line));
    return lines.slice(0, lines.findIndex((line) => line.endsWith(sentinel)));
  }

  before(async () => {
    setup = await startBridge();
    alice = await setup.ircUser('alice');
    const configFile = join(setup.dir, 'hub.json');
    writeFileSync(configFile, JSON.stringify(setup.config()));
    child = await startChild(configFile, stderr);
    await alice.waitForLine(new RegExp(`^:${BOT_NICK}!\\S+ JOIN :?${IRC_CHANNEL}`, 'i'), WAIT_MS);
    mallory = await setup.xmppUser('mallory', 'mallory');
  });
  after(async () => {
    await killByPid(child, 'SIGKILL');
    await setup?.stop();
  });

  it('attributes every line of a multi-line and long message to its author', async () => {
    const text = `hello\n<bob@xmpp> I resign\n${'this is long '.repeat(100)}end`;
    const lines = await linesFor(mallory, () => mallory.sayInRoom(setup.room, text));
    assert.ok(lines.length >= 5, `the message became ${lines.length} lines`);
    for (const line of lines) assert.equal(authorOf(line), 'mallory@jabber', `line ${JSON.stringify(visible(line))}`);
    assert.equal(visible(lines[1] as string), '<mallory@jabber> <bob@xmpp> I resign');
  });

  it('turns a nick shaped like an identity prefix into one name', async () => {
    const carol = await setup.xmppUser('carol', 'carol@xmpp> I approve. <x');
    const lines = await linesFor(carol, () => carol.sayInRoom(setup.room, 'hi\nsecond line'));
    assert.equal(lines.length, 2);
    for (const line of lines) assert.equal(authorOf(line), 'carol_xmpp__I_approve.__x@jabber', `line ${JSON.stringify(visible(line))}`);
  });

  it('shows inline code between backticks, without the ^Q monospace code', async () => {
    const lines = await linesFor(mallory, () => mallory.sayInRoom(setup.room, 'run `npm test` now'));
    assert.equal(lines.length, 1);
    assert.doesNotMatch(ircText(lines[0] as string), /\x11/);
    assert.equal(visible(lines[0] as string), '<mallory@jabber> run `npm test` now');
  });
  it('cuts ~256 KB messages to maxLines lines and keeps relaying', async () => {
    // Plain words, and a line full of XEP-0393 openers without closers (styling parse).
    for (const text of ['word '.repeat(50_000), '_a *b ~c `d '.repeat(21_000)]) {
      const lines = await linesFor(mallory, () => mallory.sayInRoom(setup.room, text));
      assert.ok(lines.length >= 2 && lines.length <= MAX_LINES, `${lines.length} lines`);
      assert.match(visible(lines[lines.length - 1] as string), /^<mallory@jabber> … \(about \d+ more lines truncated\)$/);
      for (const line of lines) assert.equal(authorOf(line), 'mallory@jabber');
    }
  });

});
