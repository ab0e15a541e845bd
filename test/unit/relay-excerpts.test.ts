/**
 * The relay's quotes on real storage (SQLite in memory): they survive a restart (a new
 * Excerpts on the same store), an edit replaces the quote, and pruning forgets old ones only.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/open.js';
import { silentLogger } from '../../src/core/log.js';
import { Excerpts } from '../../src/features/relay/excerpts.js';

const at = (messageId: string) => ({ network: 'irc', messageId });
const DAY = 86_400_000;

async function withStore(run: (store: ReturnType<Awaited<ReturnType<typeof openStore>>['kv']>) => Promise<void>): Promise<void> {
  const hub = await openStore({ kind: 'sqlite', path: ':memory:' }, silentLogger());
  try {
    await run(hub.kv('module:relay'));
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

  it('an edit replaces the quote, and leaves one entry to prune', () => withStore(async (store) => {
    let now = 1_000 * DAY;
    const excerpts = new Excerpts(store, () => now);
    await excerpts.remember(at('m1'), { nick: 'alice', text: 'teh typo' });
    now += 1_000;
    await excerpts.remember(at('m1'), { nick: 'alice', text: 'the typo' });
    assert.deepEqual(await new Excerpts(store).get(at('m1')), { nick: 'alice', text: 'the typo' });
    now += 31 * DAY;
    assert.equal(await excerpts.prune(30 * DAY), 1);
    assert.deepEqual(await store.keys(), []);
  }));

  it('pruning forgets the old ones only, also in the memory cache', () => withStore(async (store) => {
    let now = 1_000 * DAY;
    const excerpts = new Excerpts(store, () => now);
    await excerpts.remember(at('old'), { nick: 'a', text: 'old' });
    now += 20 * DAY;
    await excerpts.remember(at('new'), { nick: 'b', text: 'new' });
    now += 15 * DAY;
    assert.equal(await excerpts.prune(30 * DAY), 1);
    assert.equal(await excerpts.get(at('old')), undefined);
    assert.deepEqual(await excerpts.get(at('new')), { nick: 'b', text: 'new' });
    assert.equal(await excerpts.prune(30 * DAY), 0);
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
