/**
 * Crash safety end to end: a hub in a child process relays a stream from XMPP to a slow IRC
 * target (flood control), is killed with SIGKILL mid-stream and started again on the same
 * database. Every message it had accepted arrives, in order; nothing is lost.
 *
 * IRC cannot tell which lines arrived, so a line written to the socket in the instant before
 * the kill but not yet recorded as delivered is sent again: at most that one line may appear
 * twice (docs/adr/0004-relay.md, "crash safety"). The test allows exactly that and nothing more.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ircConfigSchema } from '../../src/networks/irc/config.js';
import type { RawIrcClient, TestXmppClient } from '../support/clients.js';
import { withTimeout } from '../support/wait.js';
import { BOT_NICK, ircText, startBridge, IRC_CHANNEL, WAIT_MS, type BridgeSetup } from './relay-setup.js';

const CHILD = fileURLToPath(new URL('./relay-hub-child.js', import.meta.url));
const COUNT = 60;

/** Starts the hub process and resolves once it printed READY. */
async function startChild(configFile: string, stderr: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CHILD, configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      if (chunk.includes('READY')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`hub process exited with ${code}: ${stderr.join('').slice(-2000)}`)));
  });
  await withTimeout(ready, 30_000, 'the hub process to be ready');
  return child;
}

function killByPid(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, signal);
  return withTimeout(exited, 10_000, `hub process ${child.pid} to exit`);
}

describe('relay crash safety (SIGKILL mid-stream, restart)', { timeout: 180_000 }, () => {
  let setup: BridgeSetup;
  let alice: RawIrcClient;
  let bob: TestXmppClient;
  let child: ChildProcess | undefined;
  const stderr: string[] = [];

  before(async () => {
    setup = await startBridge();
    alice = await setup.ircUser('alice');
    bob = await setup.xmppUser('bob', 'bob');
  });
  after(async () => {
    await killByPid(child, 'SIGKILL');
    await setup?.stop();
  });

  it('delivers every accepted message after a SIGKILL and restart, in order, nothing lost', async () => {
    const base = setup.config();
    const config = {
      ...base,
      reconnect: { initialDelayMs: 200, maxDelayMs: 1000, factor: 2, jitter: 0, stableAfterMs: 1000 },
      networks: base.networks.map((n) => n.name === 'irc'
        // A slow IRC target: 10 lines a second, so most of the stream is still queued at the kill.
        ? { ...n, options: ircConfigSchema.parse({ host: setup.irc.host, port: setup.irc.port, nick: BOT_NICK, flood: { burst: 1, intervalMs: 100 } }) }
        : n),
    };
    const configFile = join(setup.dir, 'hub.json');
    writeFileSync(configFile, JSON.stringify(config));
    child = await startChild(configFile, stderr);
    await alice.waitForLine(new RegExp(`^:${BOT_NICK}\\S*!\\S+ JOIN :?${IRC_CHANNEL}`, 'i'), WAIT_MS);

    for (let i = 0; i < COUNT; i++) await bob.sayInRoom(setup.room, `kill ${i}`);
    const pattern = new RegExp(`^:${BOT_NICK}\\S*!\\S+ PRIVMSG ${IRC_CHANNEL} :<bob@jabber> kill \\d+$`, 'i');
    const received: number[] = [];
    const next = async (): Promise<void> => {
      received.push(Number(/kill (\d+)$/.exec(ircText(await alice.waitForLine(pattern, 30_000)))![1]));
    };
    while (received.length < 15) await next();
    await killByPid(child, 'SIGKILL');
    const firstRunLog = stderr.length;
    child = await startChild(configFile, stderr);
    try {
      while (!received.includes(COUNT - 1)) await next();
    } catch (error) {
      throw new Error(`${(error as Error).message}\nhub log (end):\n${stderr.join('').slice(-6000)}`, { cause: error });
    }

    const duplicates = received.filter((n, i) => received.indexOf(n) !== i);
    const unique = received.filter((n, i) => received.indexOf(n) === i);
    assert.deepEqual(unique, Array.from({ length: COUNT }, (_, i) => i), 'every message, in order');
    assert.ok(duplicates.length <= 1, `at most the line in flight at the kill is repeated, got ${JSON.stringify(duplicates)}`);
    if (duplicates.length === 1) {
      // The line in flight was the last one before the kill and is the first one after it.
      const repeated = duplicates[0]!;
      assert.equal(received[received.lastIndexOf(repeated) - 1], repeated, 'the repeat comes right where the stream resumed');
    }
    const resumed = stderr.slice(firstRunLog).join('').split('\n').filter((l) => l.includes('resuming relay deliveries queued before the restart'));
    assert.equal(resumed.length, 1, 'the restarted hub resumed the queue it found');
    assert.ok((JSON.parse(resumed[0]!) as { jobs: number }).jobs > 0, 'the kill came mid-stream: deliveries were still queued');
    await killByPid(child, 'SIGTERM');
  });
});
