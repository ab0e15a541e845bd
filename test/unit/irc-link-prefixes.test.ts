/**
 * Prefix modes carried to virtual clients: the relay's mapping from a standing to mode letters,
 * the members a MODE event names, the link's memory of the wanted letters, and the changes
 * that bring a member from what it holds to what it should hold.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_MODE_TARGETS, modeTargets, prefixModesFor } from '../../src/features/relay/prefixes.js';
import { prefixChanges, WantedPrefixes } from '../../src/networks/irc-link/prefixes.js';

const alice = { network: 'jabber', id: 'room@muc/alice', nick: 'alice' };
const isPrefix = (m: string) => 'qaohv'.includes(m);

describe('relay prefix modes', () => {
  it('maps a standing to the configured letter, none for none or unknown', () => {
    const mapping = { op: 'o', voice: 'v' };
    assert.deepEqual(prefixModesFor('op', mapping), ['o']);
    assert.deepEqual(prefixModesFor('voice', mapping), ['v']);
    assert.deepEqual(prefixModesFor('none', mapping), []);
    assert.deepEqual(prefixModesFor(undefined, mapping), []);
    assert.deepEqual(prefixModesFor('op', { op: '', voice: 'v' }), []);
  });

  it('looks at the distinct arguments of a MODE event, at most MAX_MODE_TARGETS', () => {
    assert.deepEqual(modeTargets([{ mode: '+o', arg: 'a' }, { mode: '+v', arg: 'a' }, { mode: '+m' }, { mode: '-o', arg: 'b' }]), ['a', 'b']);
    const many = Array.from({ length: 100 }, (_, i) => ({ mode: '+v', arg: `n${i}` }));
    assert.equal(modeTargets(many).length, MAX_MODE_TARGETS);
  });
});

describe('irc-link prefix modes', () => {
  it('remembers the wanted letters per person and channel, forgets and renames them', () => {
    const wanted = new WantedPrefixes();
    wanted.set(alice, '#a', ['o', 'o']);
    wanted.set(alice, '#b', ['v']);
    assert.deepEqual(wanted.get(alice, '#a'), ['o']);
    wanted.set(alice, '#a', []);
    assert.deepEqual(wanted.get(alice, '#a'), []);
    assert.equal(wanted.size, 1);
    const renamed = { ...alice, id: 'room@muc/alicia', nick: 'alicia' };
    wanted.rename(alice, renamed);
    assert.deepEqual([wanted.get(alice, '#b'), wanted.get(renamed, '#b')], [[], ['v']]);
    wanted.set(alice, '#c', ['o']);
    wanted.forget(renamed, '#b');
    assert.equal(wanted.size, 1);
    wanted.forgetNetwork('jabber');
    assert.equal(wanted.size, 0);
  });

  it('takes a member from what the relay wanted before to what it wants now, leaving other prefix modes alone', () => {
    assert.deepEqual(prefixChanges(new Set(['v']), ['v'], ['o'], 'n', isPrefix), [{ mode: '-v', arg: 'n' }, { mode: '+o', arg: 'n' }]);
    assert.deepEqual(prefixChanges(new Set(['v']), [], ['o'], 'n', isPrefix), [{ mode: '+o', arg: 'n' }], 'a +v given on the ircd stays');
    assert.deepEqual(prefixChanges(new Set(['o']), ['o'], ['o'], 'n', isPrefix), []);
    assert.deepEqual(prefixChanges(new Set(), [], ['x', 'v'], 'n', isPrefix), [{ mode: '+v', arg: 'n' }], 'unknown letters are left out');
    const letters = fc.subarray([...'qaohv']);
    fc.assert(fc.property(letters, letters, fc.array(fc.constantFrom(...'qaohvxyz')), (held, before, want) => {
      const after = new Set(held);
      for (const { mode } of prefixChanges(new Set(held), before, want, 'n', isPrefix)) {
        if (mode.startsWith('+')) after.add(mode.slice(1));
        else after.delete(mode.slice(1));
      }
      const wanted = new Set(want.filter(isPrefix));
      for (const m of wanted) assert.ok(after.has(m), `${m} wanted`);
      for (const m of before) if (!wanted.has(m)) assert.ok(!after.has(m), `${m} no longer wanted`);
      for (const m of held) if (!before.includes(m) && !wanted.has(m)) assert.ok(after.has(m), `${m} left alone`);
    }));
  });
});
