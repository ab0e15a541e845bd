import { it } from 'node:test';
import assert from 'node:assert/strict';
import { AccessVerifier } from '../../src/features/access/verifier.js';
import type { Remover } from '../../src/features/access/removal.js';
import type { ChannelRef, UserRef } from '../../src/core/refs.js';
import { captureLog } from '../support/log-capture.js';

const channel: ChannelRef = { network: 'irc', id: '#secret' };
const bot: UserRef = { network: 'irc', id: 'switchboard', nick: 'switchboard' };
const alice: UserRef = { network: 'irc', id: 'alice', nick: 'alice' };

it('never checks the bot itself, even with default deny and no predicate allowing it', async () => {
  const removed: string[] = [];
  const asked: string[] = [];
  const verifier = new AccessVerifier({
    log: captureLog().log,
    secured: [channel],
    // A predicate that denies everyone it is asked about: the bot must not even be asked.
    predicates: () => [{ name: 'deny-all', predicate: { channelAccess: (_c, user) => { asked.push(user.id); return false; } } }],
    members: () => [bot, alice],
    isBot: (c, user) => c.id === channel.id && user.id === bot.id,
    exclude: [],
    defaultAllow: false,
    passive: false,
    predicateTimeoutMs: 1000,
    // Our own removal interface (not a server): records who would be removed.
    remover: { remove: async (pair: { user: UserRef }) => { removed.push(pair.user.id); return { pair, ok: true }; } } as unknown as Remover,
  });
  const report = await verifier.verify(undefined, 'present');
  await report.removals;
  assert.deepEqual(report.outcomes.map((o) => [o.pair.user.id, o.allowed]), [['alice', false]]);
  assert.deepEqual(removed, ['alice']);
  assert.deepEqual(asked, ['alice']);
});
