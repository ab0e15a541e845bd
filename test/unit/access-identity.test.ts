/**
 * Identity patterns and the ready-made predicates (allow list, deny list, member of).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ChannelRef, UserRef } from '../../src/core/refs.js';
import { globToRegExp, IdentityPatternError, matchesIdentity, parseIdentityPattern } from '../../src/features/access/identity.js';
import { allowListPredicate, denyListPredicate, memberOfPredicate } from '../../src/features/access/builtin-predicates.js';

const ircAlice: UserRef = { network: 'irc', id: 'alice', nick: 'Alice', host: 'al@staff.example.org', account: 'alice' };
const ircMallory: UserRef = { network: 'irc', id: 'mallory', nick: 'mallory', host: 'm@evil.example.net' };
const xmppAlice: UserRef = { network: 'xmpp', id: 'staff@muc.test/Alice', nick: 'Alice', account: 'alice@example.org' };
const xmppAnon: UserRef = { network: 'xmpp', id: 'staff@muc.test/ghost', nick: 'ghost' };
const lobby: ChannelRef = { network: 'irc', id: '#lobby' };
const p = parseIdentityPattern;

describe('identity patterns', () => {
  it('reads each form', () => {
    assert.equal(p('irc:account:alice').kind, 'account');
    assert.equal(p('irc:nick:al*').kind, 'nick');
    assert.equal(p('irc:*!*@staff.example.org').kind, 'mask');
    assert.equal(p('xmpp:*@example.org').kind, 'account');
    assert.equal(p('irc:mallory').kind, 'nick');
    assert.equal(p('*:nick:x').network, '*');
  });

  it('refuses what it cannot read, saying what to write', () => {
    for (const bad of ['mallory', ':x', 'irc:', 'irc:a!b', 'irc:a!b@c!d']) {
      assert.throws(() => p(bad), IdentityPatternError, bad);
    }
  });

  it('matches IRC masks, accounts, JIDs and nicks, ignoring case', () => {
    assert.equal(matchesIdentity(p('irc:*!*@STAFF.example.org'), ircAlice), true);
    assert.equal(matchesIdentity(p('irc:*!*@staff.example.org'), ircMallory), false);
    assert.equal(matchesIdentity(p('irc:account:ALICE'), ircAlice), true);
    assert.equal(matchesIdentity(p('irc:alice'), ircAlice), true);
    assert.equal(matchesIdentity(p('xmpp:*@example.org'), xmppAlice), true);
    assert.equal(matchesIdentity(p('xmpp:nick:alice'), xmppAlice), true);
  });

  it('never matches a field the network did not give, nor another network', () => {
    assert.equal(matchesIdentity(p('irc:account:*'), ircMallory), false);
    assert.equal(matchesIdentity(p('xmpp:*@*'), xmppAnon), false);
    assert.equal(matchesIdentity(p('irc:*!*@*'), { network: 'irc', id: 'x', nick: 'x' }), false);
    assert.equal(matchesIdentity(p('xmpp:alice'), ircAlice), false);
    assert.equal(matchesIdentity(p('*:alice'), ircAlice), true);
  });

  it('a glob without wildcards matches exactly that text (any characters, including regex specials)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 12 }).filter((s) => !/[*?]/.test(s)), fc.string({ maxLength: 12 }), (literal, other) => {
      const re = globToRegExp(literal);
      assert.equal(re.test(literal), true);
      if (other.toLowerCase() !== literal.toLowerCase()) assert.equal(re.test(other), false);
    }));
  });
});

describe('ready-made predicates', () => {
  it('an allow list allows the listed and denies everyone else', () => {
    const predicate = allowListPredicate([p('irc:account:alice')]);
    assert.equal(predicate.channelAccess?.(lobby, ircAlice), true);
    assert.equal(predicate.channelAccess?.(lobby, ircMallory), false);
  });

  it('a deny list denies the listed and abstains for everyone else', () => {
    const predicate = denyListPredicate([p('irc:*!*@evil.example.net')]);
    assert.equal(predicate.channelAccess?.(lobby, ircMallory), false);
    assert.equal(predicate.channelAccess?.(lobby, ircAlice), undefined);
  });

  describe('member of another channel', () => {
    const staffIrc: ChannelRef = { network: 'irc', id: '#staff' };
    const people = [[p('irc:account:alice'), p('xmpp:alice@example.org')]];
    const withMembers = (list: readonly UserRef[]) => memberOfPredicate({ channel: staffIrc, people, members: () => list });

    it('same network: the same id or the same account is the same person', () => {
      const predicate = withMembers([{ network: 'irc', id: 'alice', nick: 'alice' }]);
      assert.equal(predicate.channelAccess?.(lobby, ircAlice), true);
      assert.equal(predicate.channelAccess?.(lobby, ircMallory), false);
      const byAccount = withMembers([{ network: 'irc', id: 'alice_away', account: 'ALICE' }]);
      assert.equal(byAccount.channelAccess?.(lobby, ircAlice), true);
    });

    it('across networks only a people entry links two identities', () => {
      const predicate = withMembers([ircAlice]);
      const room: ChannelRef = { network: 'xmpp', id: 'staff@muc.test' };
      assert.equal(predicate.channelAccess?.(room, xmppAlice), true);
      assert.equal(predicate.channelAccess?.(room, { ...xmppAlice, account: 'alice@elsewhere.org' }), false);
      assert.equal(predicate.channelAccess?.(room, xmppAnon), false);
    });

    it('abstains while the other channel is unknown (no members)', () => {
      assert.equal(withMembers([]).channelAccess?.(lobby, ircMallory), undefined);
    });
  });
});
