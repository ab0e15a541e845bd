/**
 * The shared body of the IRC smoke tests: two clients, one channel message, then stop by PID.
 */
import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import type { TestContext } from 'node:test';
import { connectRawIrc } from './irc-client.js';
import { processAlive } from './process-gone.js';
import type { IrcServer } from './irc-servers.js';
import { withTimeout } from './wait.js';

/**
 * Connects two raw clients, joins both to a channel, checks a PRIVMSG from one reaches the other
 * (and only once), then stops the server and checks its process is gone and its dir removed.
 */
export async function ircChannelSmoke(t: TestContext, server: IrcServer): Promise<void> {
  const [alice, bob] = await Promise.all([
    connectRawIrc({ host: server.host, port: server.port, nick: 'alice' }),
    connectRawIrc({ host: server.host, port: server.port, nick: 'bob' }),
  ]);
  t.after(() => Promise.all([alice.close(), bob.close()]));

  alice.send('JOIN #smoke');
  await alice.waitForLine(/^:alice!\S+ JOIN :?#smoke$/, 5000);
  bob.send('JOIN #smoke');
  await bob.waitForLine(/^:bob!\S+ JOIN :?#smoke$/, 5000);
  await alice.waitForLine(/^:bob!\S+ JOIN :?#smoke$/, 5000);

  const text = `hello from alice ${Date.now()}`;
  alice.send(`PRIVMSG #smoke :${text}`);
  const line = await bob.waitForLine(/ PRIVMSG #smoke :/, 5000);
  assert.match(line, /^(@\S+ )?:alice!\S+ PRIVMSG #smoke :/);
  assert.ok(line.endsWith(`:${text}`), `bob got the exact text: ${line}`);
  assert.ok(!alice.lines.some((l) => l.includes(text)), 'the sender does not get its own message echoed');

  const pid = server.pid;
  assert.ok(processAlive(pid), `server pid ${pid} runs`);
  await server.stop();
  assert.equal(processAlive(pid), false, `server pid ${pid} is gone after stop()`);
  await withTimeout(bob.closed, 5000, "bob's connection to close after the server stopped");
  await assert.rejects(access(server.dir), 'temp dir removed');
  await server.stop(); // idempotent
}
