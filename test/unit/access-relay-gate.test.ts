import { it } from 'node:test';
import assert from 'node:assert/strict';
import { RelayGate } from '../../src/features/access/relay-gate.js';
import type { AccessOutcome } from '../../src/features/access/combine.js';
import type { AccessPair } from '../../src/modules/access-predicate.js';
import type { ChannelRef, UserRef } from '../../src/core/refs.js';

const secure: ChannelRef = { network: 'irc', id: '#secure' };
const open: ChannelRef = { network: 'irc', id: '#open' };
const mallory: UserRef = { network: 'irc', id: 'mallory', nick: 'mallory' };
const alice: UserRef = { network: 'irc', id: 'alice', nick: 'alice' };

function outcome(pair: AccessPair, allowed: boolean): AccessOutcome {
  return { pair, allowed, deniedBy: allowed ? [] : ['p'], allowedBy: allowed ? ['p'] : [], basis: allowed ? 'allowed' : 'denied' };
}

/** A gate over a predicate that denies the nicks in `denied`, counting its questions; the clock is `clock.now`. */
function gateWith(denied: Set<string>, ttlMs = 1000) {
  const clock = { now: 0 };
  const asked: string[] = [];
  const gate = new RelayGate({
    secures: (channel) => channel.id === secure.id,
    decide: async (pair) => {
      asked.push(pair.user.id);
      return pair.user.id === 'excluded' ? [] : [outcome(pair, !denied.has(pair.user.id))];
    },
    ttlMs,
    now: () => clock.now,
  });
  return { gate, asked, clock };
}

it('asks the predicates about an author it has no decision for, once per user and channel, and caches the answer', async () => {
  const { gate, asked } = gateWith(new Set(['mallory']));
  assert.equal(await gate.mayRelay(mallory, secure), false);
  assert.equal(await gate.mayRelay(mallory, secure), false);
  assert.equal(await gate.mayRelay(alice, secure), true);
  assert.deepEqual(asked, ['mallory', 'alice']);
});

it('shares one question between items that arrive while it is under way', async () => {
  const { gate, asked } = gateWith(new Set(['mallory']));
  const answers = await Promise.all([gate.mayRelay(mallory, secure), gate.mayRelay(mallory, secure)]);
  assert.deepEqual(answers, [false, false]);
  assert.deepEqual(asked, ['mallory']);
});

it('never gates channels that are not secured', async () => {
  const { gate, asked } = gateWith(new Set(['mallory']));
  assert.equal(await gate.mayRelay(mallory, open), true);
  assert.deepEqual(asked, []);
});

it('a verification replaces the cached decision; an old decision is asked again after the ttl', async () => {
  const denied = new Set<string>();
  const { gate, asked, clock } = gateWith(denied, 1000);
  assert.equal(await gate.mayRelay(mallory, secure), true);
  gate.remember([outcome({ channel: secure, user: mallory }, false)]);
  assert.equal(await gate.mayRelay(mallory, secure), false, 'the join verification denied mallory');
  denied.add('mallory');
  clock.now = 999;
  assert.equal(await gate.mayRelay(mallory, secure), false);
  denied.delete('mallory');
  clock.now = 2500;
  assert.equal(await gate.mayRelay(mallory, secure), true, 'asked again after the ttl');
  assert.deepEqual(asked, ['mallory', 'mallory']);
});

it('relays a user the verifier gives no outcome for (excluded, our bot)', async () => {
  const { gate } = gateWith(new Set(['excluded']));
  assert.equal(await gate.mayRelay({ network: 'irc', id: 'excluded' }, secure), true);
});
