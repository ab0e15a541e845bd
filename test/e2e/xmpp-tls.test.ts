/**
 * XMPP adapter login security against a real Prosody: STARTTLS with a trusted CA file, SCRAM-SHA-1
 * by default, stream management (XEP-0198) enabled; an untrusted certificate and a server without
 * TLS (with requireTls on) both fail the connect, the latter as fatal.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, startProsody, type XmppServer } from '../support/servers.js';
import { captureLog } from '../support/log-capture.js';
import { createTestNetwork, WAIT_MS } from './xmpp-test-network.js';

const run = promisify(execFile);

/** Makes a self-signed certificate for `localhost`. */
async function selfSignedCert(dir: string): Promise<{ key: string; cert: string }> {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  await run(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'],
    { timeout: WAIT_MS },
  );
  return { key, cert };
}

void describe('XMPP adapter: TLS and login', () => {
  let dir: string;
  let tlsServer: XmppServer;
  let plainServer: XmppServer;
  let cert: { key: string; cert: string };
  let directTlsPort: number;
  const users = [['bot', 'botpass']] as const;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchboard-xmpp-tls-'));
    cert = await selfSignedCert(dir);
    directTlsPort = await freePort();
    tlsServer = await startProsody({
      users,
      extraConfig: [
        'modules_enabled = { "roster"; "saslauth"; "disco"; "ping"; "register"; "posix"; "tls"; "smacks" }',
        'modules_disabled = { "s2s"; "offline" }',
        'c2s_require_encryption = true',
        'allow_unencrypted_plain_auth = false',
        `ssl = { key = ${JSON.stringify(cert.key)}; certificate = ${JSON.stringify(cert.cert)} }`,
        `c2s_direct_tls_ports = { ${directTlsPort} }`,
        `c2s_direct_tls_ssl = { key = ${JSON.stringify(cert.key)}; certificate = ${JSON.stringify(cert.cert)} }`,
      ].join('\n'),
    });
    plainServer = await startProsody({ users });
  });

  after(async () => {
    await tlsServer?.stop();
    await plainServer?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  void it('logs in over STARTTLS trusting the given CA, with SCRAM-SHA-1 and stream management', async () => {
    const captured = captureLog('info');
    const bot = createTestNetwork(tlsServer, {
      user: 'bot',
      password: 'botpass',
      rooms: [`tls@${tlsServer.mucDomain}`],
      options: { requireTls: true, saslMechanism: 'SCRAM-SHA-1', tlsCa: cert.cert },
      log: captured.log,
    });
    try {
      await bot.network.connect();
      const online = captured.lines.find((l) => l.msg === 'XMPP online');
      assert.equal(online?.encrypted, true, captured.text());
      assert.equal(online?.streamManagement, true, captured.text());
      assert.ok(bot.events.some((e) => e.command === 'ENDBURST'));
      assert.ok(!captured.text().includes('botpass'));
    } finally {
      await bot.network.disconnect({ deadlineMs: 1000 });
    }
  });

  void it('logs in with direct TLS (xmpps://) trusting the given CA', async () => {
    const captured = captureLog('info');
    const bot = createTestNetwork(tlsServer, {
      user: 'bot',
      password: 'botpass',
      rooms: [],
      options: { service: `xmpps://${tlsServer.host}:${directTlsPort}`, requireTls: true, tlsCa: cert.cert },
      log: captured.log,
    });
    try {
      await bot.network.connect();
      assert.equal(captured.lines.find((l) => l.msg === 'XMPP online')?.encrypted, true, captured.text());
    } finally {
      await bot.network.disconnect({ deadlineMs: 1000 });
    }
  });

  void it('refuses a certificate it was not told to trust', async () => {
    const bot = createTestNetwork(tlsServer, { user: 'bot', password: 'botpass', rooms: [], options: { requireTls: true } });
    try {
      await assert.rejects(bot.network.connect(), /self[- ]signed|certificate/i);
    } finally {
      await bot.network.disconnect({ deadlineMs: 0 });
    }
    assert.deepEqual(bot.losses, [], 'a failed connect rejects; it is not a lost connection');
  });

  void it('with requireTls, a server without TLS is a fatal error; wrong passwords are fatal too', async () => {
    const noTls = createTestNetwork(plainServer, { user: 'bot', password: 'botpass', rooms: [], options: { requireTls: true } });
    try {
      await assert.rejects(noTls.network.connect(), (error: Error & { fatal?: boolean }) => error.fatal === true && /not encrypted/.test(error.message));
    } finally {
      await noTls.network.disconnect({ deadlineMs: 0 });
    }
    const wrong = createTestNetwork(plainServer, { user: 'bot', password: 'nope', rooms: [] });
    try {
      await assert.rejects(wrong.network.connect(), (error: Error & { fatal?: boolean }) => error.fatal === true && /login refused/.test(error.message));
    } finally {
      await wrong.network.disconnect({ deadlineMs: 0 });
    }
  });

  void it('logs in with our SCRAM-SHA-1 (node:crypto) on a plain stream, where PLAIN is never picked; a wrong password is refused', async () => {
    const scram = { requireTls: false, saslMechanism: 'SCRAM-SHA-1' };
    const right = createTestNetwork(plainServer, { user: 'bot', password: 'botpass', rooms: [], options: scram });
    try {
      await right.network.connect();
      assert.ok(right.events.some((e) => e.command === 'ENDBURST'));
    } finally {
      await right.network.disconnect({ deadlineMs: 1000 });
    }
    const wrong = createTestNetwork(plainServer, { user: 'bot', password: 'botpasS', rooms: [], options: scram });
    try {
      await assert.rejects(wrong.network.connect(), (error: Error & { fatal?: boolean }) => error.fatal === true && /login refused/.test(error.message));
    } finally {
      await wrong.network.disconnect({ deadlineMs: 0 });
    }
  });
});
