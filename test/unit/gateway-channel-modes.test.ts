/**
 * IRC channel membership as XMPP roles (src/gateway/irc/channel-modes.ts): the prefix table,
 * NAMES entries, MODE lines read with the server's PREFIX and CHANMODES (unknown letters
 * included), and channel names.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_PREFIXES, flagChange, isChannelName, namesEntry, prefixChanges, roleOf } from '../../src/gateway/irc/channel-modes.js';

const CHANMODES = ['beI', 'k', 'l', 'imnpst'];

describe('gateway channel roles', () => {
  it('maps each prefix to the documented role and affiliation; the highest wins', () => {
    assert.deepEqual(roleOf(['~']), { role: 'moderator', affiliation: 'owner' });
    assert.deepEqual(roleOf(['&']), { role: 'moderator', affiliation: 'admin' });
    assert.deepEqual(roleOf(['@']), { role: 'moderator', affiliation: 'admin' });
    assert.deepEqual(roleOf(['%']), { role: 'moderator', affiliation: 'member' });
    assert.deepEqual(roleOf(['+']), { role: 'participant', affiliation: 'member' });
    assert.deepEqual(roleOf([]), { role: 'participant', affiliation: 'none' });
    assert.deepEqual(roleOf(['+', '@']), { role: 'moderator', affiliation: 'admin' });
    assert.deepEqual(roleOf(['!']), { role: 'participant', affiliation: 'member' }, 'a server\'s own prefix counts as voice');
    assert.deepEqual(roleOf([], true), { role: 'visitor', affiliation: 'none' }, '+m: no prefix, no voice');
    assert.deepEqual(roleOf(['+'], true), { role: 'participant', affiliation: 'member' });
  });

  it('role is independent of the order prefixes are held in', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom('~', '&', '@', '%', '+', '!')), (prefixes) => {
      assert.deepEqual(roleOf(prefixes), roleOf([...prefixes].reverse()));
    }));
  });

  it('splits NAMES entries (multi-prefix, userhost-in-names)', () => {
    assert.deepEqual(namesEntry('@+alice', DEFAULT_PREFIXES), { prefixes: ['@', '+'], nick: 'alice' });
    assert.deepEqual(namesEntry('bob!~b@host', DEFAULT_PREFIXES), { prefixes: [], nick: 'bob' });
    assert.deepEqual(namesEntry('@', DEFAULT_PREFIXES), { prefixes: ['@'], nick: '' });
  });

  it('reads prefix changes from MODE, skipping the parameters of other modes', () => {
    assert.deepEqual(prefixChanges('+ov-v', ['alice', 'bob', 'carol'], DEFAULT_PREFIXES, CHANMODES), [
      { nick: 'alice', symbol: '@', add: true }, { nick: 'bob', symbol: '+', add: true }, { nick: 'carol', symbol: '+', add: false },
    ]);
    // +k and +l take a parameter, -l does not, +b always does.
    assert.deepEqual(prefixChanges('+klo-lb+v', ['key', '10', 'alice', '*!*@x', 'bob'], DEFAULT_PREFIXES, CHANMODES), [
      { nick: 'alice', symbol: '@', add: true }, { nick: 'bob', symbol: '+', add: true },
    ]);
    // Unknown letters take no parameter; missing parameters give no change.
    assert.deepEqual(prefixChanges('+Zo', ['alice'], DEFAULT_PREFIXES, CHANMODES), [{ nick: 'alice', symbol: '@', add: true }]);
    assert.deepEqual(prefixChanges('+oo', ['alice'], DEFAULT_PREFIXES, CHANMODES), [{ nick: 'alice', symbol: '@', add: true }]);
  });

  it('never makes more changes than letters, whatever the line', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), fc.array(fc.string({ maxLength: 10 }), { maxLength: 20 }), (modes, args) => {
      const changes = prefixChanges(modes, args, DEFAULT_PREFIXES, CHANMODES);
      assert.ok(changes.length <= modes.length);
      for (const change of changes) assert.ok(args.includes(change.nick) && change.nick !== '');
    }));
  });

  it('reads a flag\'s last change from MODE', () => {
    assert.equal(flagChange('+mnt', 'm'), true);
    assert.equal(flagChange('+n-m', 'm'), false);
    assert.equal(flagChange('-m+m', 'm'), true);
    assert.equal(flagChange('+ov', 'm'), undefined);
  });

  it('accepts channel names of the server\'s CHANTYPES only', () => {
    assert.equal(isChannelName('#lobby', '#&'), true);
    assert.equal(isChannelName('&local', '#&'), true);
    assert.equal(isChannelName('&local', '#'), false);
    for (const bad of ['#', 'lobby', '#a b', '#a,b', '#a\u0007', `#${'x'.repeat(64)}`, '']) assert.equal(isChannelName(bad, '#&'), false, bad);
  });
});
