/**
 * The access rules: channel intersection, the default bulk check, deny on conflict, abstain →
 * default, and the failure policy for predicates that throw, time out or answer nonsense.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ChannelRef, UserRef } from '../../src/core/refs.js';
import { askPredicate, combineAnswers, scopeChannels, type AskOptions, type PredicateAnswer } from '../../src/features/access/combine.js';
import { channelKey, pairKey } from '../../src/features/access/keys.js';
import type { AccessDecision, AccessMembers, AccessPair, AccessPredicate } from '../../src/modules/access-predicate.js';

const channel = (network: string, id: string): ChannelRef => ({ network, id });
const user = (network: string, id: string): UserRef => ({ network, id, nick: id });
const lobby = channel('irc', '#lobby');
const staff = channel('xmpp', 'staff@conference.test');
const alice = user('irc', 'alice');
const bob = user('irc', 'bob');
const carol = user('xmpp', 'staff@conference.test/carol');

function options(policy: AskOptions['policy'] = 'abstain', errors: Array<{ error: unknown; pairs: readonly AccessPair[] }> = []): AskOptions {
  return { name: 'p', policy, timeoutMs: 1000, onError: (error, pairs) => errors.push({ error, pairs }) };
}

const members: AccessMembers = new Map([[lobby, [alice, bob]], [staff, [carol]]]);
const keys = (...pairs: AccessPair[]) => new Set(pairs.map(pairKey));

describe('scopeChannels (the intersection rule)', () => {
  const channelArb = fc.record({ network: fc.constantFrom('irc', 'xmpp'), id: fc.constantFrom('#a', '#B', '#b', 'r@c', 'R@C') });
  const listArb = fc.array(channelArb, { maxLength: 6 });

  it('keeps only secured channels that every given list names, and ignores lists that are not given', () => {
    fc.assert(fc.property(listArb, fc.option(listArb, { nil: undefined }), fc.option(listArb, { nil: null }), (secured, scope, interested) => {
      const result = scopeChannels(secured, scope, interested).map(channelKey);
      const expected = [...new Set(secured.map(channelKey))].filter((k) =>
        (scope === undefined || scope.map(channelKey).includes(k)) && (interested === null || interested.map(channelKey).includes(k)));
      assert.deepEqual(result, expected);
    }));
  });

  it('does not depend on the order of the narrowing lists', () => {
    fc.assert(fc.property(listArb, listArb, listArb, (secured, a, b) => {
      assert.deepEqual(scopeChannels(secured, a, b), scopeChannels(secured, b, a));
    }));
  });

  it('compares channel ids without regard to case (#Staff is #staff)', () => {
    assert.deepEqual(scopeChannels([channel('irc', '#Staff')], [channel('irc', '#staff')]), [channel('irc', '#Staff')]);
    assert.deepEqual(scopeChannels([channel('irc', '#staff')], [channel('xmpp', '#staff')]), []);
  });

  it('an empty list narrows to nothing (unlike undefined)', () => {
    assert.deepEqual(scopeChannels([lobby, staff], []), []);
    assert.deepEqual(scopeChannels([lobby, staff], undefined), [lobby, staff]);
  });
});

describe('combineAnswers (deny wins, then allow, then the default)', () => {
  const pairs: AccessPair[] = [{ channel: lobby, user: alice }, { channel: lobby, user: bob }, { channel: staff, user: carol }];
  const decisionArb = fc.constantFrom<AccessDecision>(true, false, undefined);

  it('matches the rule for any answers of any number of predicates', () => {
    fc.assert(fc.property(fc.array(fc.array(decisionArb, { minLength: 3, maxLength: 3 }), { maxLength: 5 }), fc.boolean(), (table, defaultAllow) => {
      const answers: PredicateAnswer[] = table.map((row, i) => ({
        name: `p${i}`,
        allowed: keys(...pairs.filter((_, j) => row[j] === true)),
        denied: keys(...pairs.filter((_, j) => row[j] === false)),
      }));
      const outcomes = combineAnswers(pairs, answers, defaultAllow);
      pairs.forEach((_, j) => {
        const column = table.map((row) => row[j]);
        const expected = column.includes(false) ? false : column.includes(true) ? true : defaultAllow;
        assert.equal(outcomes[j]?.allowed, expected);
        assert.deepEqual(outcomes[j]?.deniedBy, table.flatMap((row, i) => (row[j] === false ? [`p${i}`] : [])));
      });
    }));
  });

  it('a pair one predicate puts in both sets is denied', () => {
    const pair = pairs[0]!;
    const [outcome] = combineAnswers([pair], [{ name: 'confused', allowed: keys(pair), denied: keys(pair) }], true);
    assert.equal(outcome?.allowed, false);
    assert.equal(outcome?.basis, 'denied');
  });

  it('when every predicate abstains, the default decides and says so', () => {
    const [allowed] = combineAnswers([pairs[0]!], [{ name: 'quiet', allowed: new Set(), denied: new Set() }], true);
    const [denied] = combineAnswers([pairs[0]!], [], false);
    assert.deepEqual([allowed?.allowed, allowed?.basis, denied?.allowed, denied?.basis], [true, 'default', false, 'default']);
  });
});

describe('askPredicate', () => {
  it('without channelAccessMulti asks channelAccess for every pair, in order, and sorts the answers', async () => {
    const asked: string[] = [];
    const predicate: AccessPredicate = {
      channelAccess(c, u) {
        asked.push(`${c.id} ${u.id}`);
        return u.id === 'alice' ? true : u.id === 'bob' ? false : undefined;
      },
    };
    const answer = await askPredicate(predicate, members, options());
    assert.deepEqual(asked, ['#lobby alice', '#lobby bob', 'staff@conference.test staff@conference.test/carol']);
    assert.deepEqual(answer.allowed, keys({ channel: lobby, user: alice }));
    assert.deepEqual(answer.denied, keys({ channel: lobby, user: bob }));
  });

  it('uses channelAccessMulti when given, keeps only pairs it was asked about, and accepts pairs by value', async () => {
    let calls = 0;
    const predicate: AccessPredicate = {
      channelAccess: () => assert.fail('the single check must not be called when the bulk one exists'),
      channelAccessMulti(m) {
        calls++;
        assert.equal(m, members);
        return {
          allowed: [{ channel: channel('irc', '#LOBBY'), user: user('irc', 'alice') }],
          denied: [{ channel: lobby, user: user('irc', 'mallory') }, { channel: staff, user: carol }],
        };
      },
    };
    const answer = await askPredicate(predicate, members, options());
    assert.equal(calls, 1);
    assert.deepEqual(answer.allowed, keys({ channel: lobby, user: alice }));
    assert.deepEqual(answer.denied, keys({ channel: staff, user: carol }));
  });

  for (const policy of ['deny', 'abstain'] as const) {
    it(`a channelAccess that throws for one pair: that pair is ${policy === 'deny' ? 'denied' : 'undecided'}, the others stand, logged once`, async () => {
      const errors: Array<{ error: unknown; pairs: readonly AccessPair[] }> = [];
      const predicate: AccessPredicate = {
        channelAccess(_c, u) {
          if (u.id === 'bob') throw new Error('directory down');
          return true;
        },
      };
      const answer = await askPredicate(predicate, members, options(policy, errors));
      assert.deepEqual(answer.allowed, keys({ channel: lobby, user: alice }, { channel: staff, user: carol }));
      assert.deepEqual(answer.denied, policy === 'deny' ? keys({ channel: lobby, user: bob }) : new Set());
      assert.equal(errors.length, 1);
      assert.match(String(errors[0]?.error), /directory down/);
      assert.deepEqual(errors[0]?.pairs, [{ channel: lobby, user: bob }]);
    });

    it(`a channelAccessMulti that throws loses all its decisions (${policy})`, async () => {
      const errors: Array<{ error: unknown; pairs: readonly AccessPair[] }> = [];
      const predicate: AccessPredicate = { channelAccessMulti: () => Promise.reject(new Error('boom')) };
      const answer = await askPredicate(predicate, members, options(policy, errors));
      assert.equal(answer.allowed.size, 0);
      assert.equal(answer.denied.size, policy === 'deny' ? 3 : 0);
      assert.equal(errors.length, 1);
      assert.equal(errors[0]?.pairs.length, 3);
    });
  }

  it('an answer that is not a decision counts as a throw', async () => {
    const errors: Array<{ error: unknown; pairs: readonly AccessPair[] }> = [];
    const predicate = { channelAccess: () => 'yes' } as unknown as AccessPredicate;
    const answer = await askPredicate(predicate, new Map([[lobby, [alice]]]), options('deny', errors));
    assert.deepEqual(answer.denied, keys({ channel: lobby, user: alice }));
    assert.match(String(errors[0]?.error), /expected true, false or undefined/);
  });

  it('bulk answers that are not pairs count as a throw', async () => {
    for (const bad of [undefined, { allowed: 3 }, { denied: [{ user: alice }] }]) {
      const errors: Array<{ error: unknown; pairs: readonly AccessPair[] }> = [];
      const predicate = { channelAccessMulti: () => bad } as unknown as AccessPredicate;
      const answer = await askPredicate(predicate, new Map([[lobby, [alice]]]), options('deny', errors));
      assert.equal(errors.length, 1, JSON.stringify(bad));
      assert.deepEqual(answer.denied, keys({ channel: lobby, user: alice }));
    }
  });

  it('a predicate that never answers fails after the time limit', async () => {
    const errors: Array<{ error: unknown; pairs: readonly AccessPair[] }> = [];
    const predicate: AccessPredicate = { channelAccess: () => new Promise<AccessDecision>(() => undefined) };
    const answer = await askPredicate(predicate, new Map([[lobby, [alice]]]), { ...options('deny', errors), timeoutMs: 20 });
    assert.deepEqual(answer.denied, keys({ channel: lobby, user: alice }));
    assert.match(String(errors[0]?.error), /did not answer within 20 ms/);
  });
});
