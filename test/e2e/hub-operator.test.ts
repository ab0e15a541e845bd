/**
 * What an operator meets running the real `switchboard` process: it waits for a signal even
 * with nothing to connect, its shutdown keeps to `shutdown.deadlineMs` when a server freezes,
 * its HTTP server refuses foreign Host headers (DNS rebinding), its database is private to its
 * owner, and it warns about credentials sent without TLS.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { startNgircd, startProsody, freePort, type IrcServer, type XmppServer } from '../support/servers.js';
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectRawIrc, connectXmppClient } from '../support/clients.js';
import { waitFor } from '../support/wait.js';
import { makeTempDir, startSwitchboard, type SwitchboardProcess } from '../support/switchboard-process.js';

let irc: IrcServer;
let xmpp: XmppServer;
before(async () => {
  [irc, xmpp] = await Promise.all([startNgircd(), startProsody({ users: [['hubbot', 'hubpass']] })]);
});
after(async () => {
  await Promise.all([irc?.stop(), xmpp?.stop()]);
});

/** Waits until the process has logged `message` (JSON lines on stdout). */
function waitForLog(sb: SwitchboardProcess, message: RegExp, timeoutMs = 20_000): Promise<string> {
  return waitFor(() => sb.stdout().split('\n').find((line) => message.test(line)), {
    timeoutMs,
    what: `log line ${message} (stdout: ${sb.stdout().slice(-1500)}; stderr: ${sb.stderr().slice(-500)})`,
  });
}

describe('switchboard run, as an operator meets it (real process, real ngIRCd and Prosody)', () => {
  it('with no networks and http: false keeps running until SIGTERM, then exits 0', async (t) => {
    const sb = startSwitchboard('storage: { path: ./state.db }\nhttp: false\n');
    t.after(() => sb.cleanup());
    await waitForLog(sb, /"msg":"ready"/);
    // Node ends a process whose event loop is empty (exit 13, "unsettled top-level await").
    const early = await Promise.race([sb.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 1500))]);
    assert.equal(early, 'still running', `exited early: ${JSON.stringify(early)} ${sb.stderr()}`);
    sb.child.kill('SIGTERM');
    const { code } = await sb.waitForExit(10_000);
    assert.equal(code, 0, sb.stderr());
    assert.match(sb.stdout(), /"msg":"stopped"/);
  });

  it('warns about credentials sent without TLS, and keeps to shutdown.deadlineMs when both servers freeze (SIGSTOP) with messages in flight', async (t) => {
    const deadlineMs = 2000;
    const room = `frozen@${xmpp.mucDomain}`;
    const ircUser = await connectRawIrc({ host: irc.host, port: irc.port, nick: 'icy' });
    t.after(() => ircUser.close());
    ircUser.send('JOIN #frozen');
    await ircUser.waitForLine(/ 366 icy #frozen /, 5000);
    await xmpp.registerUser('frosty', 'pw');
    const xmppUser = await connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: 'frosty', password: 'pw' });
    t.after(() => xmppUser.close());
    await xmppUser.joinRoom(room, 'frosty');

    const httpPort = await freePort();
    const sb = startSwitchboard(`storage: { path: ./state.db }
http: { listen: "127.0.0.1:${httpPort}" }
shutdown: { deadlineMs: ${deadlineMs} }
networks:
  irc: { protocol: irc, host: ${irc.host}, port: ${irc.port}, nick: frozenbot, nickservPassword: hunter2-nickserv }
  xmpp:
    protocol: xmpp
    jid: hubbot@${xmpp.domain}
    password: hubpass
    service: "xmpp://${xmpp.host}:${xmpp.port}"
    requireTls: false
    saslMechanism: PLAIN
bridges:
  frozen: ["irc:#frozen", "xmpp:${room}"]
modules:
  - module: relay
`);
    t.after(() => sb.cleanup());
    await waitForLog(sb, /"connected":2,"failed":0,"msg":"ready"/);
    // Both credentials cross the network in clear: run says so at start, naming the option, never the secret.
    assert.match(sb.stdout(), /"field":"networks\.irc\.nickservPassword","msg":"the NickServ password is sent in clear because tls is off; set tls: true/);
    assert.match(sb.stdout(), /"field":"networks\.xmpp\.requireTls","msg":"with saslMechanism PLAIN and requireTls false, the password is sent in clear/);
    assert.doesNotMatch(sb.stdout(), /hunter2|hubpass/);

    // The bridge works: the bot is in both rooms and relays.
    await ircUser.waitForLine(/^:frozenbot!\S+ JOIN :?#frozen/, 10_000);
    await xmppUser.waitForStanza((s) => s.is('presence') && s.attrs.from === `${room}/switchboard`, 10_000);
    ircUser.send('PRIVMSG #frozen :before the freeze');
    await xmppUser.waitForStanza((s) => s.is('message') && /before the freeze/.test(s.getChildText('body') ?? ''), 10_000);

    // Prosody freezes first: what icy says next is taken in by the hub and stays in flight to it.
    const frozen: number[] = [];
    const thaw = () => frozen.splice(0).forEach((pid) => process.kill(pid, 'SIGCONT'));
    t.after(thaw);
    try {
      frozen.push(xmpp.pid);
      process.kill(xmpp.pid, 'SIGSTOP');
      for (let i = 0; i < 3; i++) ircUser.send(`PRIVMSG #frozen :during the freeze ${i}`);
      await waitFor(async () => {
        const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
        return /switchboard_events_in_total\{network="irc",command="MESSAGE"\} 4/.test(metrics) || undefined;
      }, { timeoutMs: 10_000, what: 'the hub to take in the three messages' });
      frozen.push(irc.pid);
      process.kill(irc.pid, 'SIGSTOP');

      const stopAt = Date.now();
      sb.child.kill('SIGTERM');
      const { code } = await sb.waitForExit(deadlineMs * 10);
      const tookMs = Date.now() - stopAt;
      t.diagnostic(`shutdown took ${tookMs} ms (deadline ${deadlineMs} ms)`);
      assert.equal(code, 0, sb.stderr());
      assert.equal(sb.stderr(), '');
      // A correctness bound, not a benchmark: the deadline plus a generous margin for process exit.
      assert.ok(tookMs < deadlineMs + 1000, `shutdown took ${tookMs} ms with shutdown.deadlineMs ${deadlineMs}`);
    } finally {
      thaw();
    }
  });

  it('creates the database and its WAL files readable by their owner only, and narrows an existing wider one', async (t) => {
    const fresh = startSwitchboard('storage: { path: ./state.db }\nhttp: false\n');
    t.after(() => fresh.cleanup());
    await waitForLog(fresh, /"msg":"ready"/);
    for (const name of ['state.db', 'state.db-wal', 'state.db-shm']) {
      assert.equal(modeOf(join(fresh.dir, name)), '600', name);
    }
    fresh.child.kill('SIGTERM');
    assert.equal((await fresh.waitForExit(10_000)).code, 0, fresh.stderr());

    const dir = makeTempDir();
    for (const name of ['old.db', 'old.db-wal']) {
      writeFileSync(join(dir, name), '');
      chmodSync(join(dir, name), 0o644);
    }
    const old = startSwitchboard('storage: { path: ./old.db }\nhttp: false\n', { dir });
    t.after(() => old.cleanup());
    await waitForLog(old, /"msg":"ready"/);
    assert.equal(modeOf(join(dir, 'old.db')), '600');
    assert.equal(modeOf(join(dir, 'old.db-wal')), '600');
    assert.equal(modeOf(join(dir, 'old.db-shm')), '600');
    assert.match(old.stdout(), /"was":"0644","now":"0600","msg":"the database file was readable by others; narrowed it to its owner"/);
  });

  it('answers only requests whose Host is its listen address or a name in http.hosts (DNS rebinding)', async (t) => {
    const port = await freePort();
    const sb = startSwitchboard(`storage: { path: ./state.db }\nhttp: { listen: "127.0.0.1:${port}" }\n`);
    t.after(() => sb.cleanup());
    await waitForLog(sb, /"msg":"ready"/);
    for (const path of ['/health', '/metrics', '/nothing-here']) {
      const rebound = await get(port, path, `rebind.attacker.example:${port}`);
      assert.equal(rebound.status, 421, path);
      assert.match(rebound.body, /^421 Misdirected Request: this server answers only for Host 127\.0\.0\.1:\d+, localhost:\d+, \[::1\]:\d+; add the name to http\.hosts/);
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) assert.equal((await get(port, '/health', host)).status, 200, host);
    assert.equal((await get(port, '/health', 'localhost')).status, 421, 'the port is part of the listen address');
    // The lines reach the pipe in order: once the last refusal's line is in, the earlier ones are too.
    await waitForLog(sb, /"host":"localhost".*Host not accepted/, 5000);
    const refusals = sb.stdout().split('\n').filter((line) => line.includes('Host not accepted'));
    assert.equal(refusals.filter((line) => line.includes('rebind.attacker.example')).length, 1, 'each refused Host is logged once');

    const named = await freePort();
    const proxied = startSwitchboard(`storage: { path: ./state.db }\nhttp: { listen: "127.0.0.1:${named}", hosts: [switchboard.example.org] }\n`);
    t.after(() => proxied.cleanup());
    await waitForLog(proxied, /"msg":"ready"/);
    assert.equal((await get(named, '/health', 'switchboard.example.org')).status, 200);
    assert.equal((await get(named, '/metrics', 'switchboard.example.org:443')).status, 200);
    assert.equal((await get(named, '/health', 'other.example.org')).status, 421);
  });
});

/** GET `path` from 127.0.0.1:`port` with the given Host header (fetch does not let a caller set Host). */
function get(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path, headers: { host }, timeout: 5000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${path} timed out`)));
    request.on('error', reject);
    request.end();
  });
}

function modeOf(path: string): string {
  return (statSync(path).mode & 0o777).toString(8);
}
