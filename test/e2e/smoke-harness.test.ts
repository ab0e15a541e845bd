/**
 * Tests of the harness itself against real servers: failed starts clean up and explain, no server
 * outlives its test process, stop() escalates to SIGKILL, options reach the server, and the raw
 * IRC client behaves.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectRawIrc } from '../support/clients.js';
import { Daemon } from '../support/daemon.js';
import { processAlive } from '../support/process-gone.js';
import { startInspircd, startNgircd, startProsody, StartError, type RunningServer } from '../support/servers.js';
import { waitFor, withTimeout } from '../support/wait.js';

async function assertFailedStartCleanedUp(start: Promise<RunningServer>, logPattern: RegExp): Promise<void> {
  const error = await start.then(
    async (server) => {
      await server.stop(); // so that a wrong success does not leave a server running
      assert.fail(`the start should have failed; the server's log:\n${await server.logs()}`);
    },
    (e: unknown) => e,
  );
  assert.ok(error instanceof StartError, String(error));
  assert.match(error.message, /failed to start/);
  assert.match(error.message, logPattern, 'the server log is part of the message');
  assert.equal(processAlive(error.pid), false, `pid ${error.pid} is gone`);
  assert.equal(existsSync(error.dir), false, `${error.dir} is removed`);
}

test('a server that cannot start fails fast with its log, and leaves no process or dir behind', async () => {
  await assertFailedStartCleanedUp(startInspircd({ extraConfig: '<module name="no_such_module">' }), /no_such_module/);
  await assertFailedStartCleanedUp(startProsody({ extraConfig: 'modules_enabled = { "no_such_module" }' }), /no_such_module/);
});

interface ChildServers {
  readonly pids: number[];
  readonly dirs: string[];
  readonly child: ReturnType<typeof spawn>;
  /** Settles when the child has exited. */
  readonly exited: Promise<unknown>;
}

/** Runs a child node process that starts servers, prints their pids and dirs as JSON, then does `then`. */
async function serversOfChild(then: 'exit' | 'hang'): Promise<ChildServers> {
  const servers = new URL('../support/servers.js', import.meta.url).href;
  const script = `
    const { startNgircd, startProsody } = await import(${JSON.stringify(servers)});
    const servers = [await startNgircd(), await startProsody()];
    console.log(JSON.stringify({ pids: servers.map((s) => s.pid), dirs: servers.map((s) => s.dir) }));
    if (${JSON.stringify(then)} === 'exit') process.exit(0);
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const reported = await waitFor(() => (output.includes('\n') ? (JSON.parse(output) as Pick<ChildServers, 'pids' | 'dirs'>) : undefined), {
    timeoutMs: 20_000,
    what: 'the child to report its servers',
  });
  return { ...reported, child, exited };
}

test('servers are killed and their dirs removed when the test process exits without stopping them', async (t) => {
  const { pids, dirs, child, exited } = await serversOfChild('exit');
  t.after(() => child.kill('SIGKILL'));
  for (const pid of pids) {
    await waitFor(() => (processAlive(pid) ? undefined : true), { timeoutMs: 5000, what: `server pid ${pid} to be gone` });
  }
  await withTimeout(exited, 5000, 'the child to exit');
  for (const dir of dirs) assert.equal(existsSync(dir), false, `${dir} removed`);
});

test('servers are killed when the test process itself is SIGKILLed (parent-death signal)', async (t) => {
  const { pids, dirs, child } = await serversOfChild('hang');
  t.after(() => child.kill('SIGKILL'));
  // Nothing in the child can run after SIGKILL, so its temp dirs are ours to remove.
  t.after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
  assert.ok(pids.every(processAlive), 'servers run while the child runs');
  child.kill('SIGKILL');
  for (const pid of pids) {
    await waitFor(() => (processAlive(pid) ? undefined : true), { timeoutMs: 5000, what: `server pid ${pid} to be gone` });
  }
});

test('stop() sends SIGKILL to a process that ignores SIGTERM', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-daemon-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const daemon = Daemon.start({
    name: 'stubborn',
    command: process.execPath,
    args: ['-e', "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('up'); setInterval(() => {}, 1000)"],
    cwd: dir,
    logFile: join(dir, 'log'),
  });
  t.after(() => daemon.stop());
  // Only once it has printed 'up' is its SIGTERM handler installed.
  await waitFor(() => (readFileSync(join(dir, 'log'), 'utf8').includes('up') ? true : undefined), {
    timeoutMs: 10_000,
    what: 'the stubborn process to start',
  });
  await withTimeout(daemon.stop(200), 10_000, 'stop');
  assert.equal(daemon.exit?.signal, 'SIGKILL');
  assert.match(readFileSync(join(dir, 'log'), 'utf8'), /ignoring SIGTERM/, 'SIGTERM was sent first');
  assert.equal(processAlive(daemon.pid), false);
});

test('ngircd nickLength is applied: a longer nick is refused', async (t) => {
  const server = await startNgircd({ nickLength: 9 });
  t.after(() => server.stop());
  const ok = await connectRawIrc({ host: server.host, port: server.port, nick: 'ninechars' });
  await ok.close();
  await assert.rejects(connectRawIrc({ host: server.host, port: server.port, nick: 'tencharsxx' }), /registration of tencharsxx refused: .* 432 /);
});

test('raw IRC client: refuses CR/LF, finds lines that arrived earlier, answers PING, explains timeouts', async (t) => {
  const server = await startNgircd({ extraConfig: '[Limits]\n\tPingTimeout = 1\n\tPongTimeout = 10\n' });
  t.after(() => server.stop());
  const client = await connectRawIrc({ host: server.host, port: server.port, nick: 'rawtest' });
  t.after(() => client.close());

  assert.throws(() => client.send('PRIVMSG #x :a\r\nQUIT'), /CR, LF or NUL/);
  assert.throws(() => client.send('PRIVMSG #x :a\0b'), /CR, LF or NUL/);

  // The MOTD end arrived during registration, before this call: it is still found, but only once.
  await client.waitForLine(/ 376 rawtest /, 1000);
  await assert.rejects(client.waitForLine(/ 376 rawtest /, 50), /timed out after 50ms .*last lines received/s);

  // The server pings an idle client after PingTimeout; an answered PING keeps the connection.
  await client.waitForLine(/^PING /, 10_000);
  client.send('PING :still-there');
  await client.waitForLine(/ PONG .*still-there/, 5000);
});

test('ngircd restart(): same port, new pid, clients are dropped and can register again', async (t) => {
  const server = await startNgircd();
  t.after(() => server.stop());
  const before = await connectRawIrc({ host: server.host, port: server.port, nick: 'early' });
  const oldPid = server.pid;
  const oldPort = server.port;

  await server.restart();
  assert.notEqual(server.pid, oldPid);
  assert.equal(processAlive(oldPid), false, 'old process gone');
  assert.equal(server.port, oldPort);
  await withTimeout(before.closed, 5000, 'the old connection to drop');

  const after = await connectRawIrc({ host: server.host, port: server.port, nick: 'late' });
  await after.close();
  await server.stop();
  await assert.rejects(server.restart(), /cannot be restarted/);
});

test('ngircd link block: a pseudo-server sending peerSends is answered with serverSends', async (t) => {
  const server = await startNgircd();
  t.after(() => server.stop());
  const peer = await connectRawIrc({ host: server.host, port: server.port, nick: 'link', register: false });
  t.after(() => peer.close());
  peer.send(`PASS ${server.link.peerSends} 0210-IRC+ harness|0.1:CMSX`);
  peer.send(`SERVER ${server.link.peerName} 1 :harness pseudo-server`);
  await peer.waitForLine(new RegExp(`^:${server.serverName} PASS ${server.link.serverSends} 0210-IRC\\+`), 5000);
  await peer.waitForLine(new RegExp(`^:${server.serverName} SERVER ${server.serverName} 1 `), 5000);
});

test('inspircd link block: a pseudo-server on linkPort sending peerSends is answered with serverSends', async (t) => {
  const server = await startInspircd();
  t.after(() => server.stop());
  assert.ok(server.linkPort !== undefined);
  const peer = await connectRawIrc({ host: server.host, port: server.linkPort, nick: 'link', register: false });
  t.after(() => peer.close());
  await peer.waitForLine(/^CAPAB START 1205/, 5000);
  peer.send('CAPAB START 1205');
  peer.send('CAPAB CAPABILITIES :CASEMAPPING=rfc1459');
  peer.send('CAPAB END');
  peer.send(`SERVER ${server.link.peerName} ${server.link.peerSends} 0 1HN :harness pseudo-server`);
  await peer.waitForLine(new RegExp(`^SERVER ${server.serverName.replace(/\./g, '\\.')} ${server.link.serverSends} 0 0AA `), 5000);
  peer.send(`:1HN SQUIT 1HN :bye`);
});
