import { it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { byServer, inverseModes, passesClaim } from '../../src/features/relay/claim.js';

it('a claim lets only its networks change the channel; no claim lets every network', () => {
  assert.equal(passesClaim([], 'irc'), true);
  assert.equal(passesClaim(['jabber'], 'jabber'), true);
  assert.equal(passesClaim(['jabber'], 'irc'), false);
  assert.equal(byServer('irc.example.org'), true);
  assert.equal(byServer('alice'), false);
});

it('the undoing changes flip each sign, last first, keeping arguments', () => {
  assert.deepEqual(inverseModes([{ mode: '+m' }, { mode: '+o', arg: 'bob' }, { mode: '-b', arg: '*!*@x' }]),
    [{ mode: '+b', arg: '*!*@x' }, { mode: '-o', arg: 'bob' }, { mode: '-m' }]);
  assert.deepEqual(inverseModes([{ mode: '+l', arg: '10' }, { mode: '+k', arg: 'secret' }]), [{ mode: '-k', arg: 'secret' }, { mode: '-l' }]);
  assert.deepEqual(inverseModes([{ mode: '-l' }, { mode: '-k' }]), [], 'an old limit or key that is not known cannot be put back');
});

it('undoing twice gives back the changes that can be undone', () => {
  const change = fc.record({ sign: fc.constantFrom('+', '-'), letter: fc.constantFrom('m', 'n', 't', 'o', 'v', 'b'), arg: fc.constantFrom('x', 'y') })
    .map(({ sign, letter, arg }) => ('ovb'.includes(letter) ? { mode: `${sign}${letter}`, arg } : { mode: `${sign}${letter}` }));
  fc.assert(fc.property(fc.array(change, { maxLength: 8 }), (changes) => {
    assert.deepEqual(inverseModes(inverseModes(changes)), changes);
  }));
});
