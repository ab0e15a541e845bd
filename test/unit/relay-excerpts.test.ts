/**
 * The relay's quotes on real storage (SQLite in memory): they survive a restart (a new
 * Excerpts on the same store), an edit replaces the quote, and pruning forgets old ones only.
 * The store and the excerpts share one clock (pruning goes by when the store wrote an entry).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/open.js';
import { silentLogger } from '../../src/core/log.js';
import { Excerpts } from '../../src/features/relay/excerpts.js';

const at = (messageId: string) => ({ network: 'irc', messageId });
const DAY = 86_400_000;

type Kv = ReturnType<Awaited<ReturnType<typeof openStore>>['kv']>;

/** A clock the test moves: `clock.now` ms since the epoch. */
interface Clock { now: number }

async function withStore(run: (store: Kv, clock: Clock) => Promise<void>): Promise<void> {
  const clock: Clock = { now: 1_000 * DAY };
  const hub = await openStore({ kind: 'sqlite', path: ':memory:' }, silentLogger(), { now: () => clock.now });
  try {
    await run(hub.kv('module:relay'), clock);
  } finally {
    await hub.close();
  }
}

describe('relay excerpts', () => {
  it('are found again after a restart (a new instance on the same store)', () => withStore(async (store) => {
    await new Excerpts(store).remember(at('m1'), { nick: 'alice', text: 'lunch?' });
    const restarted = new Excerpts(store);
    assert.deepEqual(await restarted.get(at('m1')), { nick: 'alice', text: 'lunch?' });
    assert.equal(await restarted.get(at('m2')), undefined);
    assert.equal(await restarted.get({ network: 'jabber', messageId: 'm1' }), undefined, 'ids are per network');
  }));

  it('an edit replaces the quote with one entry, kept for another retention period', () => withStore(async (store, clock) => {
    const excerpts = new Excerpts(store, () => clock.now);
    await excerpts.remember(at('m1'), { nick: 'alice', text: 'teh typo' });
    clock.now += 10 * DAY;
    await excerpts.remember(at('m1'), { nick: 'alice', text: 'the typo' });
    assert.deepEqual(await new Excerpts(store).get(at('m1')), { nick: 'alice', text: 'the typo' });
    assert.deepEqual(await store.keys(), ['excerpt/irc/m1'], 'one stored entry per message');
    clock.now += 25 * DAY;
    assert.equal(await excerpts.prune(30 * DAY), 0, 'taken 35 days ago, edited 25 days ago: kept');
    clock.now += 6 * DAY;
    assert.equal(await excerpts.prune(30 * DAY), 1);
    assert.deepEqual(await store.keys(), []);
  }));

  it('pruning forgets the old ones only, also in the memory cache', () => withStore(async (store, clock) => {
    const excerpts = new Excerpts(store, () => clock.now);
    await excerpts.remember(at('old'), { nick: 'a', text: 'old' });
    clock.now += 20 * DAY;
    await excerpts.remember(at('new'), { nick: 'b', text: 'new' });
    clock.now += 15 * DAY;
    assert.equal(await excerpts.prune(30 * DAY), 1);
    assert.equal(await excerpts.get(at('old')), undefined);
    assert.deepEqual(await excerpts.get(at('new')), { nick: 'b', text: 'new' });
    assert.equal(await excerpts.prune(30 * DAY), 0);
  }));

  it('pruning also removes the time index entries older builds wrote, by age', () => withStore(async (store, clock) => {
    // What a build before schema version 6 left: the excerpt and its time index entry.
    const taken = clock.now;
    await store.set('excerpt/irc/m1', { nick: 'a', text: 'hi', at: taken });
    await store.set(`excerpt-at/${String(taken).padStart(15, '0')}/irc/m1`, 1);
    await store.set('unrelated', 1);
    await store.set('excerpts-of-something-else', 1);
    clock.now += 10 * DAY;
    const excerpts = new Excerpts(store, () => clock.now);
    assert.deepEqual(await excerpts.get(at('m1')), { nick: 'a', text: 'hi' });
    clock.now += 25 * DAY;
    assert.equal(await excerpts.prune(30 * DAY), 1);
    assert.deepEqual(await store.keys(), ['excerpts-of-something-else', 'unrelated'], 'other keys of the namespace stay, whatever their age');
  }));

  it('ids with slashes and odd characters stay apart', () => withStore(async (store) => {
    const excerpts = new Excerpts(store);
    await excerpts.remember({ network: 'irc', messageId: 'a/b' }, { nick: 'x', text: '1' });
    await excerpts.remember({ network: 'irc/a', messageId: 'b' }, { nick: 'y', text: '2' });
    const fresh = new Excerpts(store);
    assert.equal((await fresh.get({ network: 'irc', messageId: 'a/b' }))?.text, '1');
    assert.equal((await fresh.get({ network: 'irc/a', messageId: 'b' }))?.text, '2');
  }));
});
