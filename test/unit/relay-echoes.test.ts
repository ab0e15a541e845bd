/**
 * The relay's echo guard on real storage (SQLite in memory): ids sent in this run are known
 * without storage; ids sent by an earlier run are found in the message map during the look-back
 * window after the start, and not after it; the memory is bounded.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/open.js';
import { silentLogger } from '../../src/core/log.js';
import { EchoGuard } from '../../src/features/relay/echoes.js';
import type { MessageMapStore } from '../../src/store/message-map.js';

async function withMessages(run: (messages: MessageMapStore) => Promise<void>): Promise<void> {
  const hub = await openStore({ kind: 'sqlite', path: ':memory:' }, silentLogger());
  try {
    await run(hub.messages);
  } finally {
    await hub.close();
  }
}

describe('relay echo guard', () => {
  it('knows the ids it was told about, per network, and nothing else', () => withMessages(async (messages) => {
    const guard = new EchoGuard({ messages });
    guard.sentBy('irc', 'a1');
    assert.equal(await guard.isEcho('irc', 'a1'), true);
    assert.equal(await guard.isEcho('jabber', 'a1'), false, 'ids are per network');
    assert.equal(await guard.isEcho('irc', 'a2'), false);
  }));

  it('asks the message map about ids of an earlier run during the look-back window only', () => withMessages(async (messages) => {
    await messages.recordSent({
      source: { network: 'jabber', channel: 'room@conference.localhost', messageId: 'src-1' },
      target: { network: 'irc', channel: '#lobby', messageId: 'before-restart' },
      primary: true,
    });
    let now = 1_000_000;
    const guard = new EchoGuard({ messages, now: () => now, lookBackMs: 60_000 });
    assert.equal(await guard.isEcho('irc', 'before-restart'), true);
    assert.equal(await guard.isEcho('irc', 'src-1'), false, 'a source message is not an echo');
    now += 60_000;
    assert.equal(await guard.isEcho('irc', 'before-restart'), false, 'after the window only this run counts');
    guard.sentBy('irc', 'after');
    assert.equal(await guard.isEcho('irc', 'after'), true);
  }));

  it('forgets the oldest ids beyond its capacity', () => withMessages(async (messages) => {
    const guard = new EchoGuard({ messages, capacity: 3, lookBackMs: 0 });
    for (const id of ['1', '2', '3']) guard.sentBy('irc', id);
    guard.sentBy('irc', '1'); // seen again: now the most recent
    guard.sentBy('irc', '4');
    assert.deepEqual(
      await Promise.all(['1', '2', '3', '4'].map((id) => guard.isEcho('irc', id))),
      [true, false, true, true],
    );
  }));
});
