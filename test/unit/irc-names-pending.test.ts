/** NamesPending: the adapter's wait for the member lists of the channels it just joined. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NamesPending } from '../../src/networks/irc/names-pending.js';

const fold = (channel: string): string => channel.toLowerCase();
/** Resolves to 'settled' or 'waiting' after the current turn. */
async function stateOf(promise: Promise<void>): Promise<'settled' | 'waiting'> {
  return Promise.race([promise.then(() => 'settled' as const), new Promise<'waiting'>((resolve) => setImmediate(() => resolve('waiting')))]);
}

describe('NamesPending', () => {
  it('settles at once when no list is pending', async () => {
    assert.equal(await stateOf(new NamesPending(fold).settled(60_000)), 'settled');
  });

  it('waits until every joined channel\'s list ended (366), whatever the case the server uses', async () => {
    const names = new NamesPending(fold);
    names.joined('#Lobby');
    names.joined('#dev');
    const settled = names.settled(60_000);
    names.ended('#LOBBY');
    assert.equal(await stateOf(settled), 'waiting');
    names.ended('#other'); // not ours: changes nothing
    assert.equal(await stateOf(settled), 'waiting');
    names.ended('#dev');
    assert.equal(await stateOf(settled), 'settled');
  });

  it('gives up after the wait, and wakes waiters when the connection ends', async () => {
    const names = new NamesPending(fold);
    names.joined('#lobby');
    const late = names.settled(1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(await stateOf(late), 'settled');
    const waiting = names.settled(60_000);
    names.clear();
    assert.equal(await stateOf(waiting), 'settled');
  });
});
