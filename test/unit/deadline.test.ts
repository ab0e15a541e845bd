import { it } from 'node:test';
import assert from 'node:assert/strict';
import { raceDeadline } from '../../src/core/deadline.js';

it('raceDeadline settles like the work, or with the timeout value when the work is too slow', async () => {
  assert.equal(await raceDeadline(Promise.resolve('done'), 1000, 'late'), 'done');
  assert.equal(await raceDeadline(new Promise(() => {}), 5, 'late'), 'late');
  await assert.rejects(raceDeadline(Promise.reject(new Error('boom')), 1000, 'late'), /boom/);
});
