/**
 * Finding the XMPP server through DNS SRV records (RFC 6120 §3.2, XEP-0368), against a real DNS
 * server (dnsmasq on a loopback port) and a real Prosody on a random, non-default port: a network
 * configured with only a `jid` connects through the records; dead targets are skipped; a DNS
 * server that never answers gives one clear error per round and the hub's reconnect policy.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NetworkSupervisor } from '../../src/core/supervisor.js';
import { ReconnectPolicy } from '../../src/core/reconnect.js';
import { startProsody, freePort, type XmppServer } from '../support/servers.js';
import { startDnsmasq, startSilentDnsServer, type DnsServer, type SrvEntry } from '../support/dns-server.js';
import { captureLog } from '../support/log-capture.js';
import { waitFor, withTimeout } from '../support/wait.js';
import { createTestNetwork, WAIT_MS } from './xmpp-test-network.js';

/** The JID domain: only the test DNS server knows it. */
const DOMAIN = 'srv.switchboard.test';

const run = promisify(execFile);

/** A TCP server that accepts connections and never says anything (a TLS handshake hangs). */
async function startMuteServer(): Promise<{ port: number; accepted: () => number; close: () => Promise<void> }> {
  let accepted = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('unexpected listen address');
  return {
    port: address.port,
    accepted: () => accepted,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

void describe('XMPP adapter: the server found through DNS SRV records', () => {
  let prosody: XmppServer;
  const started: Array<() => Promise<void>> = [];

  before(async () => {
    prosody = await startProsody({ domain: DOMAIN, users: [['bot', 'botpass']] });
  });

  after(async () => {
    for (const stop of started.reverse()) await stop().catch(() => undefined);
    await prosody?.stop();
  });

  async function dnsWith(srv: readonly SrvEntry[], hosts: ReadonlyArray<readonly [string, string]>): Promise<DnsServer> {
    const dns = await startDnsmasq({ domains: [DOMAIN], srv, hosts });
    started.push(() => dns.stop());
    return dns;
  }

  /** An adapter for bot@DOMAIN with no `service`: only the DNS servers say where to connect. */
  function srvNetwork(dnsServer: string, extra: Record<string, unknown> = {}, log = captureLog('info')) {
    const bot = createTestNetwork(prosody, {
      user: 'bot',
      password: 'botpass',
      rooms: [],
      options: { service: undefined, dns: { servers: [dnsServer], timeoutMs: 500, tries: 1 }, ...extra },
      log: log.log,
    });
    started.push(() => bot.network.disconnect({ deadlineMs: 1000 }));
    return { bot, log };
  }

  void it('connects with only a jid, through the _xmpp-client SRV record, to Prosody on a non-default port', async () => {
    const dns = await dnsWith(
      [{ name: `_xmpp-client._tcp.${DOMAIN}`, target: `xmpp.${DOMAIN}`, port: prosody.port, priority: 10, weight: 5 }],
      [[`xmpp.${DOMAIN}`, '127.0.0.1']],
    );
    assert.notEqual(prosody.port, 5222);
    const { bot, log } = srvNetwork(dns.address);
    await bot.network.connect();
    await bot.waitForEvent((e) => e.command === 'ENDBURST', 'ENDBURST');
    const online = log.lines.find((l) => l.msg === 'XMPP online');
    assert.equal(online?.jid, `bot@${DOMAIN}`);
    const queries = await dns.logs();
    assert.match(queries, new RegExp(`query\\[SRV\\] _xmpp-client\\._tcp\\.${DOMAIN.replaceAll('.', '\\.')}`));
    assert.match(queries, new RegExp(`query\\[A\\] xmpp\\.${DOMAIN.replaceAll('.', '\\.')}`));
  });

  void it('skips targets that refuse, do not answer or do not resolve, in priority order, and logs no error for them', async () => {
    const mute = await startMuteServer();
    started.push(() => mute.close());
    const deadPort = await freePort(); // nothing listens there: connection refused
    const dns = await dnsWith(
      [
        // Direct TLS to a server that never answers the handshake (XEP-0368): the connect timeout.
        { name: `_xmpps-client._tcp.${DOMAIN}`, target: `mute.${DOMAIN}`, port: mute.port, priority: 1 },
        { name: `_xmpp-client._tcp.${DOMAIN}`, target: `dead.${DOMAIN}`, port: deadPort, priority: 2 },
        { name: `_xmpp-client._tcp.${DOMAIN}`, target: `nowhere.${DOMAIN}`, port: prosody.port, priority: 3 },
        { name: `_xmpp-client._tcp.${DOMAIN}`, target: `xmpp.${DOMAIN}`, port: prosody.port, priority: 4 },
      ],
      [[`mute.${DOMAIN}`, '127.0.0.1'], [`dead.${DOMAIN}`, '127.0.0.1'], [`xmpp.${DOMAIN}`, '127.0.0.1']],
    );
    const { bot, log } = srvNetwork(dns.address, { connectTimeoutMs: 500 });
    await bot.network.connect();
    await bot.waitForEvent((e) => e.command === 'ENDBURST', 'ENDBURST');
    const queries = await dns.logs();
    // Tried in priority order: the mute and dead hosts were resolved before the working one.
    const order = [`mute.${DOMAIN}`, `dead.${DOMAIN}`, `nowhere.${DOMAIN}`, `xmpp.${DOMAIN}`].map((host) => queries.indexOf(`query[A] ${host}`));
    assert.ok(order.every((index, i) => index >= 0 && (i === 0 || index > (order[i - 1] ?? 0))), `resolved in order: ${order.join(', ')}\n${queries}`);
    const warnings = log.lines.filter((l) => (l.level as number) >= 40);
    assert.deepEqual(warnings, []);
  });

  void it('fails a round where no target connects with one error naming each attempt', async () => {
    const deadPort = await freePort();
    const dns = await dnsWith(
      [
        { name: `_xmpp-client._tcp.${DOMAIN}`, target: `dead.${DOMAIN}`, port: deadPort, priority: 1 },
        { name: `_xmpps-client._tcp.${DOMAIN}`, target: `nowhere.${DOMAIN}`, port: deadPort, priority: 2 },
      ],
      [[`dead.${DOMAIN}`, '127.0.0.1']],
    );
    const { bot } = srvNetwork(dns.address);
    await assert.rejects(bot.network.connect(), (error: Error) => {
      assert.equal(
        error.message,
        `could not connect to any server: xmpp://dead.${DOMAIN}:${deadPort} (127.0.0.1): connect ECONNREFUSED 127.0.0.1:${deadPort}; ` +
          `xmpps://nowhere.${DOMAIN}:${deadPort}: DNS address query for nowhere.${DOMAIN}: no such name`,
      );
      return true;
    });
  });

  void it('stops the round when the adapter is disconnected while a target is being tried', async () => {
    const mute = await startMuteServer();
    started.push(() => mute.close());
    const dns = await dnsWith(
      [{ name: `_xmpps-client._tcp.${DOMAIN}`, target: `mute.${DOMAIN}`, port: mute.port }, { name: `_xmpp-client._tcp.${DOMAIN}`, target: `xmpp.${DOMAIN}`, port: prosody.port, priority: 1 }],
      [[`mute.${DOMAIN}`, '127.0.0.1'], [`xmpp.${DOMAIN}`, '127.0.0.1']],
    );
    const { bot, log } = srvNetwork(dns.address, { connectTimeoutMs: 60_000 });
    const connecting = bot.network.connect();
    connecting.catch(() => undefined);
    await waitFor(() => mute.accepted() > 0 || undefined, { timeoutMs: WAIT_MS, what: 'the TLS target to be tried' });
    await bot.network.disconnect({ deadlineMs: 0 });
    // Without the abort, the round would sit out the 60 s connect timeout: far beyond this wait.
    await assert.rejects(withTimeout(connecting, WAIT_MS, 'connect() to give up'), /^Error: connect cancelled$/);
    assert.equal(log.lines.some((l) => l.msg === 'XMPP online'), false);
  });

  void it('reports a DNS server that never answers once per attempt, and the reconnect policy retries', async () => {
    const silent = await startSilentDnsServer();
    started.push(() => silent.close());
    const captured = captureLog('info');
    const { bot } = srvNetwork(silent.address, {}, captured);
    const supervisor = new NetworkSupervisor(bot.network, {
      log: captured.log,
      policy: new ReconnectPolicy({ initialDelayMs: 50, maxDelayMs: 100, factor: 2, jitter: 0, stableAfterMs: 60_000 }),
      onDisconnect: () => undefined,
    });
    started.push(() => supervisor.stop(1000));
    assert.equal(await supervisor.start(), false);
    const retries = () => captured.lines.filter((l) => l.msg === 'network disconnected; will retry');
    await waitFor(() => retries().length >= 2 || undefined, { timeoutMs: WAIT_MS, what: 'two failed connect rounds' });
    await supervisor.stop(1000);
    for (const line of retries()) {
      assert.match(String(line.reason), new RegExp(`^DNS SRV query for _xmpps?-client\\._tcp\\.${DOMAIN.replaceAll('.', '\\.')}: no answer from the DNS server \\(timed out\\)$`));
    }
    const warnings = captured.lines.filter((l) => (l.level as number) >= 40 && l.msg !== 'network disconnected; will retry');
    assert.deepEqual(warnings, [], 'nothing else logged');
    assert.ok(silent.queries() >= 4, `the DNS server was asked (${silent.queries()} queries)`);
    assert.equal(supervisor.status.state, 'stopped');
  });
});

void describe('XMPP adapter: TLS through SRV targets checks the JID domain', () => {
  let dir: string;
  let prosody: XmppServer;
  let directTlsPort: number;
  let ca: string;
  const stops: Array<() => Promise<void>> = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchboard-xmpp-srv-tls-'));
    const key = join(dir, 'key.pem');
    ca = join(dir, 'cert.pem');
    // The certificate names the JID domain only, not the SRV targets' host names.
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', ca, '-days', '2', '-subj', `/CN=${DOMAIN}`, '-addext', `subjectAltName=DNS:${DOMAIN}`], { timeout: WAIT_MS });
    directTlsPort = await freePort();
    const ssl = `{ key = ${JSON.stringify(key)}; certificate = ${JSON.stringify(ca)} }`;
    prosody = await startProsody({
      domain: DOMAIN,
      users: [['bot', 'botpass']],
      extraConfig: [
        'modules_enabled = { "roster"; "saslauth"; "disco"; "ping"; "register"; "posix"; "tls" }',
        'modules_disabled = { "s2s"; "offline" }',
        'c2s_require_encryption = true',
        'allow_unencrypted_plain_auth = false',
        `ssl = ${ssl}`,
        `c2s_direct_tls_ports = { ${directTlsPort} }`,
        `c2s_direct_tls_ssl = ${ssl}`,
      ].join('\n'),
    });
  });

  after(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await prosody?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function connectThrough(srv: SrvEntry): Promise<Record<string, unknown> | undefined> {
    const dns = await startDnsmasq({ domains: [DOMAIN, 'targets.test'], srv: [srv], hosts: [[srv.target, '127.0.0.1']] });
    stops.push(() => dns.stop());
    const captured = captureLog('info');
    const bot = createTestNetwork(prosody, {
      user: 'bot',
      password: 'botpass',
      rooms: [],
      options: { service: undefined, dns: { servers: [dns.address], timeoutMs: 500, tries: 1 }, requireTls: true, saslMechanism: 'SCRAM-SHA-1', tlsCa: ca },
      log: captured.log,
    });
    stops.push(() => bot.network.disconnect({ deadlineMs: 1000 }));
    await bot.network.connect();
    return captured.lines.find((l) => l.msg === 'XMPP online');
  }

  void it('direct TLS (_xmpps-client, XEP-0368) to a target named otherwise', async () => {
    const online = await connectThrough({ name: `_xmpps-client._tcp.${DOMAIN}`, target: 'direct.targets.test', port: directTlsPort });
    assert.equal(online?.encrypted, true);
  });

  void it('STARTTLS (_xmpp-client) to a target named otherwise', async () => {
    const online = await connectThrough({ name: `_xmpp-client._tcp.${DOMAIN}`, target: 'starttls.targets.test', port: prosody.port });
    assert.equal(online?.encrypted, true);
  });
});
