#!/usr/bin/env node
// npm run demo: local ngIRCd and Prosody on loopback, and Switchboard bridging #lobby with
// lobby@conference.localhost. Installs the servers with apt-get when missing (as root).
// Ctrl-C stops everything. `--exit-when-ready` stops as soon as every network is connected
// (used by the test suite to check the demo works).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_SERVERS, ensurePackages } from './system-packages.mjs';

const root = new URL('..', import.meta.url).pathname;
const exitWhenReady = process.argv.includes('--exit-when-ready');

async function main() {
  ensurePackages(DEMO_SERVERS, 'demo');
  const { startNgircd, startProsody, freePort } = await import('../dist/test/support/servers.js');
  const irc = await startNgircd();
  const xmpp = await startProsody({ users: [['switchboard', 'bridge-secret'], ['alice', 'alice'], ['bob', 'bob']] });
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-demo-'));
  const httpPort = await freePort();
  const config = join(dir, 'switchboard.yaml');
  writeFileSync(config, `# Written by npm run demo
storage: { path: ${join(dir, 'switchboard.db')} }
http: { listen: "127.0.0.1:${httpPort}" }
networks:
  irc:
    protocol: irc
    host: ${irc.host}
    port: ${irc.port}
    nick: switchboard
  xmpp:
    protocol: xmpp
    jid: switchboard@${xmpp.domain}
    password: "\${DEMO_XMPP_PASSWORD}"
    service: "xmpp://${xmpp.host}:${xmpp.port}"
    nick: switchboard
    requireTls: false       # loopback test server without TLS
    saslMechanism: PLAIN    # SCRAM costs ~1.5 s per login; fine on loopback only
bridges:
  lobby: ["irc:#lobby", "xmpp:lobby@${xmpp.mucDomain}"]
modules:
  - module: relay
`);

  let stopping = false;
  const child = spawn(process.execPath, [join(root, 'bin/switchboard.js'), 'run', '-c', config], {
    stdio: 'inherit',
    env: { ...process.env, DEMO_XMPP_PASSWORD: 'bridge-secret' },
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));

  async function cleanup() {
    await Promise.allSettled([irc.stop(), xmpp.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
  async function stop() {
    if (stopping) return;
    stopping = true;
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    await cleanup();
    process.exit(code);
  }
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  void exited.then(async (code) => {
    if (stopping) return;
    console.error(`demo: switchboard exited with code ${code}`);
    await cleanup();
    process.exit(code || 1);
  });

  let health;
  try {
    health = await waitForHealth(httpPort, 60_000);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    stopping = true;
    child.kill('SIGKILL');
    await exited;
    await cleanup();
    process.exit(1);
  }
  console.log(`
────────────────────────────────────────────────────────────────────────
Switchboard is running (health: http://127.0.0.1:${httpPort}/health → ${health.status}).
  IRC:  connect any client to ${irc.host} port ${irc.port}, then /join #lobby
        e.g.  irssi -c ${irc.host} -p ${irc.port} -n alice
  XMPP: log in as alice@${xmpp.domain} (password: alice) at ${xmpp.host}:${xmpp.port},
        no TLS, then join lobby@${xmpp.mucDomain}
Ctrl-C stops Switchboard and both servers.
────────────────────────────────────────────────────────────────────────`);
  if (exitWhenReady) await stop();
}

async function waitForHealth(port, timeoutMs) {
  const end = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < end) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      const body = await response.json();
      last = JSON.stringify(body);
      if (body.status === 'ok') return body;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`demo: Switchboard did not become healthy within ${timeoutMs} ms (last: ${last})`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
