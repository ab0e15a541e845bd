/**
 * PendingRecords: lookups of a message's copies wait for the records still under way for it
 * (by source or by copy id), and the bookkeeping empties once they settle.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PendingRecords } from '../../src/features/relay/pending-records.js';

describe('PendingRecords', () => {
  it('waits for the records under way of a source message and of its copies, and forgets them once settled', async () => {
    const pending = new PendingRecords();
    let record!: () => void;
    const recorded = new Promise<void>((resolve) => (record = resolve));
    pending.add({ network: 'jabber', messageId: 'm1' }, 'irc', ['c1', 'c2'], recorded);
    const order = [] as string[];
    const bySource = pending.settled('jabber', 'm1').then(() => order.push('source'));
    const byCopy = pending.settled('irc', 'c2').then(() => order.push('copy'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(order.length, 0, 'nothing settles before the record');
    order.push('recorded');
    record();
    await Promise.all([bySource, byCopy]);
    assert.deepEqual(order, ['recorded', 'source', 'copy']);
    assert.equal(pending.size, 0);
  });

  it('does not wait for unrelated messages, and a failed record ends the wait too', async () => {
    const pending = new PendingRecords();
    const failed = Promise.reject(new Error('not confirmed'));
    failed.catch(() => undefined);
    pending.add({ network: 'jabber', messageId: 'm2' }, 'irc', ['c3'], failed);
    await pending.settled('jabber', 'other');
    await pending.settled('jabber', 'm2');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(pending.size, 0);
  });
});
