import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NetworkSupervisor } from '../../src/core/supervisor.js';
import { ReconnectPolicy } from '../../src/core/reconnect.js';
import type { Network, NetworkState } from '../../src/core/network.js';
import { captureLog } from '../support/log-capture.js';
import { waitFor } from '../support/wait.js';

/**
 * A scripted Network: each connect() takes the next outcome from a list. This stands in for
 * our own adapter interface (the supervisor's only collaborator), not for a chat server.
 */
function scriptedNetwork(outcomes: Array<'ok' | 'fail' | 'fatal' | 'hang'>) {
  const calls: string[] = [];
  const network: Network = {
    name: 'net', protocol: 'test',
    capabilities: { edits: false, deletes: false, reactions: false, replies: false, threads: false, attachments: false, typing: false, formatting: 'plain' },
    async connect() {
      const outcome = outcomes.shift() ?? 'ok';
      calls.push(`connect:${outcome}`);
      if (outcome === 'fail') throw new Error('connection refused');
      if (outcome === 'fatal') throw Object.assign(new Error('bad password'), { fatal: true });
      if (outcome === 'hang') await new Promise(() => {});
    },
    async disconnect(options) { calls.push(`disconnect:${options?.deadlineMs ?? '-'}`); },
    async send() { return { ids: [] }; },
    queueDepth: () => 0,
    async join() {}, async part() {}, members: () => [],
  };
  return { network, calls };
}

const fastPolicy = () =>
  new ReconnectPolicy({ initialDelayMs: 5, maxDelayMs: 20, factor: 2, jitter: 0, stableAfterMs: 60_000 });

describe('NetworkSupervisor', () => {
  it('retries a failed first attempt with backoff and reports DISCONNECT wasSuccessful=false', async () => {
    const { network, calls } = scriptedNetwork(['fail', 'fail', 'ok']);
    const disconnects: Array<[boolean, string]> = [];
    const states: NetworkState[] = [];
    let retries = 0;
    const supervisor = new NetworkSupervisor(network, {
      log: captureLog().log, policy: fastPolicy(),
      onDisconnect: (ok, reason) => void disconnects.push([ok, reason]),
      onRetry: () => void retries++,
      onState: (s) => void states.push(s),
    });
    assert.equal(await supervisor.start(), false);
    await waitFor(() => supervisor.status.state === 'connected' || undefined, { timeoutMs: 2000, what: 'connected' });
    assert.deepEqual(disconnects, [[false, 'connection refused'], [false, 'connection refused']]);
    assert.equal(retries, 2);
    assert.equal(supervisor.status.reconnects, 2);
    assert.deepEqual(calls.filter((c) => c.startsWith('connect')), ['connect:fail', 'connect:fail', 'connect:ok']);
    assert.deepEqual(states, ['connecting', 'reconnecting', 'connecting', 'reconnecting', 'connecting', 'connected']);
    await supervisor.stop(100);
  });

  it('reconnects after a lost connection and reports wasSuccessful=true', async () => {
    const { network, calls } = scriptedNetwork(['ok', 'ok']);
    const disconnects: Array<[boolean, string]> = [];
    const supervisor = new NetworkSupervisor(network, {
      log: captureLog().log, policy: fastPolicy(), onDisconnect: (ok, reason) => void disconnects.push([ok, reason]),
    });
    assert.equal(await supervisor.start(), true);
    supervisor.connectionLost({ wasSuccessful: true, reason: 'ping timeout' });
    assert.equal(supervisor.status.state, 'reconnecting');
    assert.equal(supervisor.status.lastError, 'ping timeout');
    await waitFor(() => supervisor.status.state === 'connected' || undefined, { timeoutMs: 2000, what: 'reconnected' });
    assert.deepEqual(disconnects, [[true, 'ping timeout']]);
    assert.equal(calls.filter((c) => c === 'connect:ok').length, 2);
    await supervisor.stop(100);
  });

  it('stops retrying after a fatal failure', async () => {
    const { network, calls } = scriptedNetwork(['fatal', 'ok']);
    const supervisor = new NetworkSupervisor(network, { log: captureLog().log, policy: fastPolicy(), onDisconnect: () => {} });
    assert.equal(await supervisor.start(), false);
    assert.equal(supervisor.status.state, 'failed');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(calls.filter((c) => c.startsWith('connect')), ['connect:fatal']);
  });

  it('counts a hanging connect as failed after the connect timeout and closes it', async () => {
    const { network, calls } = scriptedNetwork(['hang', 'ok']);
    const disconnects: string[] = [];
    const supervisor = new NetworkSupervisor(network, {
      log: captureLog().log, policy: fastPolicy(), connectTimeoutMs: 30,
      onDisconnect: (_ok, reason) => void disconnects.push(reason),
    });
    assert.equal(await supervisor.start(), false);
    assert.match(disconnects[0] ?? '', /timed out after 30 ms/);
    assert.ok(calls.includes('disconnect:0'), 'the hanging attempt was closed');
    await waitFor(() => supervisor.status.state === 'connected' || undefined, { timeoutMs: 2000, what: 'connected' });
    await supervisor.stop(100);
  });

  it('stop() cancels a pending retry and flushes with the deadline', async () => {
    const { network, calls } = scriptedNetwork(['ok', 'ok']);
    const supervisor = new NetworkSupervisor(network, {
      log: captureLog().log,
      policy: new ReconnectPolicy({ initialDelayMs: 10_000, maxDelayMs: 10_000, factor: 2, jitter: 0, stableAfterMs: 1 }),
      onDisconnect: () => {},
    });
    await supervisor.start();
    supervisor.connectionLost({ wasSuccessful: true, reason: 'gone' });
    await supervisor.stop(1234);
    assert.equal(supervisor.status.state, 'stopped');
    assert.deepEqual(calls, ['connect:ok', 'disconnect:1234']);
    supervisor.connectionLost({ wasSuccessful: true, reason: 'late' });
    assert.equal(supervisor.status.state, 'stopped');
  });
});
