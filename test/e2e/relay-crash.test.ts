/**
 * Crash safety end to end: a hub in a child process relays a stream, is killed with SIGKILL
 * mid-stream and started again on the same database.
 *
 * - XMPP → a slow IRC target (flood control): every message it had accepted arrives, in order.
 *   IRC cannot tell which lines arrived, so a line written to the socket in the instant before
 *   the kill but not yet recorded as delivered is sent again: at most that one line may appear
 *   twice (docs/adr/0004-relay.md, "crash safety"). The test allows exactly that and nothing more.
 * - IRC → an XMPP room with a message archive: the delivery in flight at the kill is looked up
 *   in the room's archive by its delivery id, so every accepted message arrives exactly once.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ircConfigSchema } from '../../src/networks/irc/config.js';
import type { RawIrcClient, TestXmppClient, XmlElement } from '../support/clients.js';
import { waitFor } from '../support/wait.js';
import { killByPid, startChild } from './relay-hub-process.js';
import { BOT_NICK, bodyOf, ircText, startBridge, IRC_CHANNEL, WAIT_MS, XMPP_BOT_NICK, type BridgeSetup } from './relay-setup.js';

const COUNT = 60;
const FAST_RECONNECT = { initialDelayMs: 200, maxDelayMs: 1000, factor: 2, jitter: 0, stableAfterMs: 1000 };
const RESUMED_LOG = 'resuming relay deliveries queued before the restart';

/** The `jobs` figure of each "resuming" line the hub logged in `lines`. */
function resumedJobs(lines: readonly string[]): number[] {
  return lines.join('').split('\n').filter((l) => l.includes(RESUMED_LOG)).map((l) => (JSON.parse(l) as { jobs: number }).jobs);
}

/** What a crash test works with; filled in by the `before` hook {@link crashFixture} registers. */
interface CrashFixture {
  setup: BridgeSetup;
  alice: RawIrcClient;
  bob: TestXmppClient;
  /** The hub process running now. */
  child: ChildProcess | undefined;
  /** Everything the hub processes wrote to stderr (JSON log lines). */
  readonly stderr: string[];
}

/** Registers the hooks of a crash test: the servers, alice on IRC, bob on XMPP; at the end the hub process is killed. */
function crashFixture(options: { mucArchive?: boolean } = {}): CrashFixture {
  const fixture = { child: undefined, stderr: [] as string[] } as unknown as CrashFixture;
  before(async () => {
    fixture.setup = await startBridge(options);
    fixture.alice = await fixture.setup.ircUser('alice');
    fixture.bob = await fixture.setup.xmppUser('bob', 'bob');
  });
  after(async () => {
    await killByPid(fixture.child, 'SIGKILL');
    await fixture.setup?.stop();
  });
  return fixture;
}

describe('relay crash safety (SIGKILL mid-stream, restart)', { timeout: 180_000 }, () => {
  const fixture = crashFixture();

  it('delivers every accepted message after a SIGKILL and restart, in order, nothing lost', async (t) => {
    const { setup, alice, bob, stderr } = fixture;
    const base = setup.config();
    const config = {
      ...base,
      reconnect: FAST_RECONNECT,
      networks: base.networks.map((n) => n.name === 'irc'
        // A slow IRC target: 10 lines a second, so most of the stream is still queued at the kill.
        ? { ...n, options: ircConfigSchema.parse({ host: setup.irc.host, port: setup.irc.port, nick: BOT_NICK, flood: { burst: 1, intervalMs: 100 } }) }
        : n),
    };
    const configFile = join(setup.dir, 'hub.json');
    writeFileSync(configFile, JSON.stringify(config));
    fixture.child = await startChild(configFile, stderr);
    await alice.waitForLine(new RegExp(`^:${BOT_NICK}\\S*!\\S+ JOIN :?${IRC_CHANNEL}`, 'i'), WAIT_MS);

    for (let i = 0; i < COUNT; i++) await bob.sayInRoom(setup.room, `kill ${i}`);
    const pattern = new RegExp(`^:${BOT_NICK}\\S*!\\S+ PRIVMSG ${IRC_CHANNEL} :<bob@jabber> kill \\d+$`, 'i');
    const received: number[] = [];
    const next = async (): Promise<void> => {
      received.push(Number(/kill (\d+)$/.exec(ircText(await alice.waitForLine(pattern, 30_000)))![1]));
    };
    while (received.length < 15) await next();
    await killByPid(fixture.child, 'SIGKILL');
    const firstRunLog = stderr.length;
    fixture.child = await startChild(configFile, stderr);
    try {
      while (!received.includes(COUNT - 1)) await next();
    } catch (error) {
      throw new Error(`${(error as Error).message}\nhub log (end):\n${stderr.join('').slice(-6000)}`, { cause: error });
    }

    const duplicates = received.filter((n, i) => received.indexOf(n) !== i);
    const unique = received.filter((n, i) => received.indexOf(n) === i);
    t.diagnostic(`lines repeated after the restart: ${duplicates.length}`);
    assert.deepEqual(unique, Array.from({ length: COUNT }, (_, i) => i), 'every message, in order');
    assert.ok(duplicates.length <= 1, `at most the line in flight at the kill is repeated, got ${JSON.stringify(duplicates)}`);
    if (duplicates.length === 1) {
      // The line in flight was the last one before the kill and is the first one after it.
      const repeated = duplicates[0]!;
      assert.equal(received[received.lastIndexOf(repeated) - 1], repeated, 'the repeat comes right where the stream resumed');
    }
    const resumed = resumedJobs(stderr.slice(firstRunLog));
    assert.equal(resumed.length, 1, 'the restarted hub resumed the queue it found');
    assert.ok(resumed[0]! > 0, 'the kill came mid-stream: deliveries were still queued');
    await killByPid(fixture.child, 'SIGTERM');
  });
});

describe('relay crash safety towards an XMPP room with an archive (SIGKILL mid-stream, restart)', { timeout: 180_000 }, () => {
  const BURST = 2000;
  const fixture = crashFixture({ mucArchive: true });

  /** The numbers of the relayed lines bob has seen so far, in arrival order (repeats included). */
  function received(): number[] {
    const numbers: number[] = [];
    for (const stanza of fixture.bob.stanzas) {
      if (stanza.name !== 'message' || stanza.attrs.type !== 'groupchat') continue;
      const match = /^<alice@irc> crash (\d+)$/.exec(bodyOf(stanza) ?? '');
      if (match) numbers.push(Number(match[1]));
    }
    return numbers;
  }

  it('delivers every accepted message exactly once, in order', async () => {
    const { setup, alice, bob, stderr } = fixture;
    const configFile = join(setup.dir, 'hub-archive.json');
    writeFileSync(configFile, JSON.stringify({ ...setup.config(), reconnect: FAST_RECONNECT }));
    fixture.child = await startChild(configFile, stderr);
    const botInRoom = (s: XmlElement): boolean => s.name === 'presence' && s.attrs.from === `${setup.room}/${XMPP_BOT_NICK}` && s.attrs.type === undefined;
    await bob.waitForStanza(botInRoom, WAIT_MS);

    for (let i = 0; i < BURST; i++) alice.send(`PRIVMSG ${IRC_CHANNEL} :crash ${i}`);
    await waitFor(() => (received().length >= 300 ? true : undefined), { timeoutMs: 30_000, what: 'the first 300 relayed lines' });
    await killByPid(fixture.child, 'SIGKILL');
    const atKill = received().length;
    const firstRunLog = stderr.length;
    fixture.child = await startChild(configFile, stderr);

    // The restarted hub delivers what it had accepted; lines it had not yet read are gone with
    // its IRC connection. Wait until nothing new has arrived for 3 s.
    let last = -1;
    let stableSince = Date.now();
    await waitFor(() => {
      const now = received().length;
      if (now !== last) [last, stableSince] = [now, Date.now()];
      return Date.now() - stableSince >= 3000 ? true : undefined;
    }, { timeoutMs: 60_000, what: 'the relayed stream to settle after the restart' });

    const numbers = received();
    const hubLog = (): string => `\nhub log after the restart (end):\n${stderr.slice(firstRunLog).join('').slice(-4000)}`;
    const repeated = numbers.filter((n, i) => numbers.indexOf(n) !== i);
    assert.deepEqual(repeated, [], `nothing is delivered twice${hubLog()}`);
    const missing = Array.from({ length: Math.max(...numbers) + 1 }, (_, i) => i).filter((n) => !numbers.includes(n));
    const disorder = numbers.findIndex((n, i) => i > 0 && n < numbers[i - 1]!);
    assert.deepEqual({ missing, disorder }, { missing: [], disorder: -1 }, `in order (${atKill} before the kill), none missing${hubLog()}`);
    const resumed = resumedJobs(stderr.slice(firstRunLog));
    assert.equal(resumed.length, 1, `the restarted hub resumed the queue it found${hubLog()}`);
    assert.ok(resumed[0]! > 0, 'the kill came mid-stream: deliveries were still queued');
    const checked = stderr.slice(firstRunLog).join('').split('\n').filter((l) => l.includes('checked unconfirmed deliveries'));
    assert.equal(checked.length, 1, `the restarted hub asked the room's archive about the deliveries that may have been in flight${hubLog()}`);
    assert.ok(numbers.length > atKill, `the restarted hub delivered what was left (${atKill} before the kill, ${numbers.length} in all)`);
    await killByPid(fixture.child, 'SIGTERM');
  });
});
