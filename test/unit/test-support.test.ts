/**
 * Unit tests of the test harness's pure parts: bounded waiting and the start-retry rule.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StartError, startWithRetries } from '../support/server-base.js';
import { waitFor, withTimeout } from '../support/wait.js';

test('waitFor resolves with the first defined probe value, including falsy ones', async () => {
  let calls = 0;
  const value = await waitFor(() => (++calls < 3 ? undefined : 0), { timeoutMs: 5000, intervalMs: 1, what: 'third call' });
  assert.equal(value, 0);
  assert.equal(calls, 3);
  assert.equal(await waitFor(async () => '', { timeoutMs: 5000, what: 'empty string' }), '');
});

test('waitFor times out with a message naming what was awaited', async () => {
  await assert.rejects(waitFor(() => undefined, { timeoutMs: 30, intervalMs: 5, what: 'the moon' }), {
    message: 'timed out after 30ms waiting for the moon',
  });
});

test('waitFor fails at once with the error of a throwing probe', async () => {
  let calls = 0;
  await assert.rejects(
    waitFor(
      () => {
        calls++;
        throw new Error('probe broke');
      },
      { timeoutMs: 5000, what: 'x' },
    ),
    /probe broke/,
  );
  assert.equal(calls, 1);
});

test('withTimeout passes through values and rejections, and times out otherwise', async () => {
  assert.equal(await withTimeout(Promise.resolve(42), 5000, 'answer'), 42);
  await assert.rejects(withTimeout(Promise.reject(new Error('own error')), 5000, 'x'), /own error/);
  await assert.rejects(withTimeout(new Promise(() => undefined), 20, 'never'), {
    message: 'timed out after 20ms waiting for never',
  });
});

function startError(log: string): StartError {
  return new StartError(`failed: ${log}`, { log, pid: 1, dir: '/nonexistent' });
}

test('startWithRetries retries a start whose log shows a port taken meanwhile, up to 3 attempts', async () => {
  const logs = [
    "Can't bind socket to address 127.0.0.1:26993 - Address already in use!", // ngIRCd
    '127.0.0.1:26993: Address already in use.', // InspIRCd
    'Failed to open server port 26993 on 127.0.0.1, this port is in use by another application', // Prosody
  ];
  for (const log of logs) {
    let attempts = 0;
    const result = await startWithRetries(async () => {
      if (++attempts < 3) throw startError(log);
      return 'started';
    });
    assert.equal(result, 'started', log);
    assert.equal(attempts, 3, log);

    attempts = 0;
    await assert.rejects(
      startWithRetries(async () => {
        attempts++;
        throw startError(log);
      }),
      StartError,
    );
    assert.equal(attempts, 3, `gives up after 3 attempts: ${log}`);
  }
});

test('startWithRetries does not retry other failures', async () => {
  for (const failure of [startError('Unable to load module foo'), new Error('Address already in use')]) {
    let attempts = 0;
    await assert.rejects(
      startWithRetries(async () => {
        attempts++;
        throw failure;
      }),
      (error) => error === failure,
    );
    assert.equal(attempts, 1);
  }
});
