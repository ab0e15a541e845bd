/**
 * The relay's echo guard on real storage (SQLite in memory): ids sent in this run are known
 * without storage; ids an earlier run recorded recently are loaded at start, older ones are
 * not; the memory is bounded.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/open.js';
import { silentLogger } from '../../src/core/log.js';
import { EchoGuard } from '../../src/features/relay/echoes.js';
import type { MessageMapStore } from '../../src/store/message-map.js';

async function withMessages(now: () => number, run: (messages: MessageMapStore) => Promise<void>): Promise<void> {
  const hub = await openStore({ kind: 'sqlite', path: ':memory:' }, silentLogger(), { now });
  try {
    await run(hub.messages);
  } finally {
    await hub.close();
  }
}

const sent = (messageId: string) => ({
  source: { network: 'jabber', channel: 'room@conference.localhost', messageId: `src-${messageId}` },
  target: { network: 'irc', channel: '#lobby', messageId },
  primary: true,
});

describe('relay echo guard', () => {
  it('knows the ids it was told about, per network, and nothing else', () => withMessages(Date.now, async (messages) => {
    const guard = new EchoGuard({ messages });
    guard.sentBy('irc', 'a1');
    assert.equal(guard.isEcho('irc', 'a1'), true);
    assert.equal(guard.isEcho('jabber', 'a1'), false, 'ids are per network');
    assert.equal(guard.isEcho('irc', 'a2'), false);
  }));

  it('loads what an earlier run sent recently, and only that', () => {
    let now = 1_000_000;
    return withMessages(() => now, async (messages) => {
      await messages.recordSent(sent('long-ago'));
      now += 120_000;
      await messages.recordSent(sent('before-restart'));
      now += 1_000;
      const guard = new EchoGuard({ messages, lookBackMs: 60_000 });
      assert.equal(guard.isEcho('irc', 'before-restart'), false, 'nothing is known before load()');
      await guard.load();
      assert.equal(guard.isEcho('irc', 'before-restart'), true);
      assert.equal(guard.isEcho('irc', 'long-ago'), false);
      assert.equal(guard.isEcho('jabber', 'src-before-restart'), false, 'a source message is not an echo');
    });
  });

  it('forgets the oldest ids beyond its capacity', () => withMessages(Date.now, async (messages) => {
    const guard = new EchoGuard({ messages, capacity: 3 });
    for (const id of ['1', '2', '3']) guard.sentBy('irc', id);
    guard.sentBy('irc', '1'); // seen again: now the most recent
    guard.sentBy('irc', '4');
    assert.deepEqual(['1', '2', '3', '4'].map((id) => guard.isEcho('irc', id)), [true, false, true, true]);
  }));
});
