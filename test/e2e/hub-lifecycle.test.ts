/**
 * The whole process: `switchboard run` against a real ngIRCd, health and metrics over HTTP,
 * graceful shutdown that flushes queued messages, and start failures that leave nothing
 * half-started.
 */
import { describe, it, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startNgircd, freePort, type IrcServer } from '../support/servers.js';
import { connectRawIrc, type RawIrcClient } from '../support/clients.js';
import { waitFor } from '../support/wait.js';
import { makeTempDir, startSwitchboard, writeModule } from '../support/switchboard-process.js';

let irc: IrcServer;
before(async () => {
  irc = await startNgircd();
});
after(async () => {
  await irc?.stop();
});

/** A module that joins #flush when ready and queues ten numbered messages there. */
const FLUSH_MODULE = `
export default {
  name: 'flusher',
  setup(api) {
    api.onReady(async () => {
      const network = api.network('irc');
      const channel = { network: 'irc', id: '#flush' };
      await network.join(channel);
      for (let i = 0; i < 10; i++) {
        await network.send({ target: { channel }, kind: 'message', body: [{ type: 'text', text: 'flush ' + i }] });
      }
    });
  },
};
`;

function ircNetwork(name: string, nick: string, extra = ''): string {
  return `  ${name}:\n    protocol: irc\n    host: ${irc.host}\n    port: ${irc.port}\n    nick: ${nick}\n${extra}`;
}

async function watcher(nick: string, channel: string): Promise<RawIrcClient> {
  const client = await connectRawIrc({ host: irc.host, port: irc.port, nick });
  client.send(`JOIN ${channel}`);
  await client.waitForLine(new RegExp(` 366 ${nick} ${channel} `), 5000);
  return client;
}

describe('switchboard run (real process, real ngIRCd)', () => {
  it('serves health and metrics, and on SIGTERM delivers every queued message before quitting, exit 0', async (t) => {
    const watch = await watcher('watchA', '#flush');
    t.after(() => watch.close());
    const dir = makeTempDir();
    const modulePath = writeModule(dir, 'flusher.mjs', FLUSH_MODULE);
    const httpPort = await freePort();
    const sb = startSwitchboard(
      `storage: { path: ./state.db }
http: { listen: "127.0.0.1:${httpPort}" }
shutdown: { deadlineMs: 15000 }
networks:
${ircNetwork('irc', 'flushbot', '    flood: { burst: 1, intervalMs: 150 }\n')}
modules:
  - module: ${modulePath}
`,
      { dir },
    );
    t.after(() => sb.cleanup());

    const health = await waitFor(
      async () => {
        const response = await fetch(`http://127.0.0.1:${httpPort}/health`).catch(() => undefined);
        if (!response) return undefined;
        const body = (await response.json()) as { status: string; networks: Record<string, { state: string; protocol: string }> };
        return body.status === 'ok' ? { code: response.status, body } : undefined;
      },
      { timeoutMs: 20000, what: `/health ok (stderr: ${sb.stderr().slice(-500)})` },
    );
    assert.equal(health.code, 200);
    assert.equal(health.body.networks.irc?.state, 'connected');
    assert.equal(health.body.networks.irc?.protocol, 'irc');

    // The queue drains at ~7 lines/s: stop as soon as the first line is out, with most still queued.
    await watch.waitForLine(/PRIVMSG #flush :flush 0$/, 10000);
    const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    assert.match(metrics, /switchboard_events_in_total\{network="irc",command="ENDBURST"\} 1/);
    assert.match(metrics, /switchboard_network_up\{network="irc"\} 1/);
    sb.child.kill('SIGTERM');

    for (let i = 1; i < 10; i++) await watch.waitForLine(new RegExp(`PRIVMSG #flush :flush ${i}$`), 10000);
    await watch.waitForLine(/^:flushbot!\S+ QUIT/, 10000);
    const { code } = await sb.waitForExit(15000);
    assert.equal(code, 0, sb.stderr());
    const order = watch.lines.filter((l) => l.includes('PRIVMSG #flush')).map((l) => l.replace(/.*:flush /, ''));
    assert.deepEqual(order, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('refuses to start when the HTTP port is taken: exit 2 naming http.listen, no network touched', async (t) => {
    const watch = await watcher('watchB', '#busy');
    t.after(() => watch.close());
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const port = (blocker.address() as { port: number }).port;
    const sb = startSwitchboard(`storage: { path: ./state.db }
http: { listen: "127.0.0.1:${port}" }
networks:
${ircNetwork('irc', 'busyA')}
${ircNetwork('irc2', 'busyB')}
bridges:
  busy: ["irc:#busy", "irc2:#busy2"]
modules:
  - module: relay
`);
    t.after(() => sb.cleanup());
    const { code } = await sb.waitForExit(15000);
    assert.equal(code, 2);
    assert.match(sb.stderr(), /http\.listen/);
    assert.match(sb.stderr(), new RegExp(`127\\.0\\.0\\.1:${port}`));
    // Had a network connected, busyA would have joined #busy; check with WHOIS too.
    watch.send('WHOIS busyA');
    await watch.waitForLine(/ 401 watchB busya /i, 5000);
    assert.ok(!watch.lines.some((l) => l.includes('busyA!')), 'busyA never appeared');
  });

  it('refuses an unusable storage path with exit 2 naming storage.path', async (t) => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'a-file'), 'not a directory');
    const sb = startSwitchboard(`storage: { path: ./a-file/sub/state.db }
http: false
networks:
${ircNetwork('irc', 'storebot')}
`, { dir });
    t.after(() => sb.cleanup());
    const { code } = await sb.waitForExit(15000);
    assert.equal(code, 2);
    assert.match(sb.stderr(), /storage\.path/);
    assert.match(sb.stderr(), /ENOTDIR/);
  });

  it('refuses a module whose setup throws, and one that cannot be loaded, with exit 2 naming it', async (t) => {
    const dir = makeTempDir();
    const broken = writeModule(dir, 'broken.mjs', `export default { name: 'broken', setup() { throw new Error('no database for me'); } };`);
    const sb = startSwitchboard(`storage: { path: ./state.db }
http: false
networks: {}
modules:
  - module: ./missing.mjs
`, { dir });
    t.after(() => sb.cleanup());
    assert.equal((await sb.waitForExit(15000)).code, 2);
    assert.match(sb.stderr(), /modules\[0\] \(\.\/missing\.mjs\).*cannot load/);

    const dir2 = makeTempDir();
    const sb2 = startSwitchboard(`storage: { path: ./state.db }
http: false
networks: {}
modules:
  - module: ${broken}
`, { dir: dir2 });
    t.after(() => sb2.cleanup());
    assert.equal((await sb2.waitForExit(15000)).code, 2);
    assert.match(sb2.stderr(), /setup of module broken failed: no database for me/);
  });
});
