/**
 * The gateway's sessions without servers: login pacing (the start-up spread), the states a
 * session shows, retries with backoff, no retry after a refusal another try cannot fix, and a
 * logout during a login.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../src/core/log.js';
import { ALLOW_ALL_ACCOUNT_HOOKS } from '../../src/core/account-hooks.js';
import { LegacyRefusal, type LegacySession, type SessionEvents } from '../../src/gateway/api.js';
import { LoginPacer } from '../../src/gateway/login-pacer.js';
import { UserSession, type SessionHost } from '../../src/gateway/session.js';
import type { SessionStatus } from '../../src/gateway/xmpp/presence.js';
import { waitFor } from '../support/wait.js';

describe('login pacer', () => {
  it('starts logins in order, at most one per interval', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const pacer = new LoginPacer(100);
    const started: number[] = [];
    for (let i = 0; i < 5; i++) pacer.enqueue(() => started.push(i));
    assert.deepEqual(started, [0]);
    t.mock.timers.tick(99);
    assert.deepEqual(started, [0]);
    t.mock.timers.tick(1);
    assert.deepEqual(started, [0, 1]);
    for (let i = 0; i < 3; i++) t.mock.timers.tick(100);
    assert.deepEqual(started, [0, 1, 2, 3, 4]);
    pacer.stop();
  });

  it('a withdrawn login never starts; nothing starts after stop', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const pacer = new LoginPacer(100);
    const started: string[] = [];
    pacer.enqueue(() => started.push('a'));
    const withdraw = pacer.enqueue(() => started.push('b'));
    pacer.enqueue(() => started.push('c'));
    withdraw();
    t.mock.timers.tick(100);
    pacer.stop();
    pacer.enqueue(() => started.push('d'));
    t.mock.timers.tick(1000);
    assert.deepEqual(started, ['a', 'c']);
  });
});

/** A legacy session whose logins are scripted: each login takes the next outcome. */
class ScriptedLegacy implements LegacySession {
  logins = 0;
  logouts = 0;
  readonly aborted: unknown[] = [];
  constructor(private readonly outcomes: Array<'ok' | 'fail' | 'refuse' | 'hang'>) {}
  contactKey(id: string): string {
    return id.toLowerCase();
  }
  login(signal: AbortSignal): Promise<string> {
    const outcome = this.outcomes[this.logins++] ?? 'hang';
    if (outcome === 'ok') return Promise.resolve('Connected as test');
    if (outcome === 'fail') return Promise.reject(new LegacyRefusal('the server is down', 'remote-server-not-found'));
    if (outcome === 'refuse') return Promise.reject(new LegacyRefusal('wrong password', 'not-authorized'));
    return new Promise((_, reject) => signal.addEventListener('abort', () => {
      this.aborted.push(signal.reason);
      reject(signal.reason as Error);
    }));
  }
  async logout(): Promise<void> {
    this.logouts++;
  }
  async onText(): Promise<string | undefined> {
    return undefined;
  }
}

function session(legacy: ScriptedLegacy, statuses: SessionStatus[]): UserSession {
  const host: SessionHost = {
    log: silentLogger(),
    pacer: new LoginPacer(0),
    retry: { initialDelayMs: 1, maxDelayMs: 5, factor: 2, jitter: 0, stableAfterMs: 1000 },
    domain: 'gw.example',
    network: 'gw',
    hooks: ALLOW_ALL_ACCOUNT_HOOKS,
    maxContacts: 10,
    loginTimeoutMs: 5000,
    status: (_jid, status, changed) => {
      if (changed) statuses.push(status);
    },
  };
  const events = (): SessionEvents => ({ text: () => undefined, friendRequest: () => undefined, chatState: () => undefined, presence: () => undefined, lost: () => undefined, profile: () => undefined, room: () => undefined });
  return new UserSession({ jid: 'a@example.org', data: {}, secret: undefined, preferences: {} }, host, () => legacy, events);
}

describe('user session', () => {
  it('shows logging in, then the error, retries with backoff, then connected', async () => {
    const statuses: SessionStatus[] = [];
    const legacy = new ScriptedLegacy(['fail', 'fail', 'ok']);
    const s = session(legacy, statuses);
    s.start();
    await waitFor(() => (s.ready ? true : undefined), { timeoutMs: 2000, what: 'the session to log in' });
    assert.equal(legacy.logins, 3);
    assert.deepEqual(statuses.map((x) => x.state), ['logging-in', 'error', 'logging-in', 'error', 'logging-in', 'connected']);
    assert.deepEqual(statuses.at(-1), { state: 'connected', text: 'Connected as test' });
    await s.close('test');
  });

  it('does not retry a refusal another try cannot fix, until re-login', async () => {
    const statuses: SessionStatus[] = [];
    const legacy = new ScriptedLegacy(['refuse', 'ok']);
    const s = session(legacy, statuses);
    s.start();
    await waitFor(() => (s.status.state === 'error' ? true : undefined), { timeoutMs: 2000, what: 'the refusal' });
    assert.match((s.status as { text: string }).text, /wrong password.*re-login/);
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(legacy.logins, 1);
    await s.relogin();
    await waitFor(() => (s.ready ? true : undefined), { timeoutMs: 2000, what: 'the re-login' });
    await s.close('test');
  });

  it('closing during a login aborts it, logs out and never logs in again', async () => {
    const statuses: SessionStatus[] = [];
    const legacy = new ScriptedLegacy(['hang', 'ok']);
    const s = session(legacy, statuses);
    s.start();
    await waitFor(() => (legacy.logins === 1 ? true : undefined), { timeoutMs: 2000, what: 'the login to start' });
    await s.close('unregistered');
    assert.equal(legacy.aborted.length, 1);
    assert.equal(s.status.state, 'logged-out');
    assert.ok(legacy.logouts >= 1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(legacy.logins, 1);
  });
});
