/**
 * Bridge validation: channel refs, configured networks, at least two channels, one bridge per channel.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { validateBridges } from '../../src/config/bridges.js';

const networks = ['libera', 'jabber'];

test('list and mapping forms give the same channels; other keys become options', () => {
  const result = validateBridges(
    {
      a: ['libera:#a', 'jabber:a@muc.example.org'],
      b: { channels: ['libera:#b', 'jabber:b@muc.example.org:with:colons'], relayJoins: false },
    },
    networks,
  );
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.bridges, [
    { name: 'a', channels: [{ network: 'libera', id: '#a' }, { network: 'jabber', id: 'a@muc.example.org' }], options: {} },
    { name: 'b', channels: [{ network: 'libera', id: '#b' }, { network: 'jabber', id: 'b@muc.example.org:with:colons' }], options: { relayJoins: false } },
  ]);
});

test('bad refs, unknown networks, short bridges, bad names and repeats are each reported at their path', () => {
  const { problems } = validateBridges(
    {
      'bad name': ['libera:#x', 'jabber:x@m'],
      short: { channels: ['libera:#short'] },
      refs: ['nocolon', ':#lead', 'libera:', 'irc:#x', 'libera:#dup', 'libera:#DUP', 'libera:#x'],
    },
    networks,
  );
  assert.deepEqual(problems, [
    { path: ['bridges', 'bad name'], reason: 'invalid bridge name: must start with a letter and contain only letters, digits, "_" or "-" (at most 32 characters)' },
    { path: ['bridges', 'short', 'channels'], reason: 'a bridge links at least 2 channels, found 1' },
    { path: ['bridges', 'refs', 0], reason: 'not "network:channel" (e.g. "libera:#lobby" or "jabber:lobby@conference.example.org")' },
    { path: ['bridges', 'refs', 1], reason: 'not "network:channel" (e.g. "libera:#lobby" or "jabber:lobby@conference.example.org")' },
    { path: ['bridges', 'refs', 2], reason: 'not "network:channel" (e.g. "libera:#lobby" or "jabber:lobby@conference.example.org")' },
    { path: ['bridges', 'refs', 3], reason: 'unknown network "irc"; configured networks: libera, jabber' },
    { path: ['bridges', 'refs', 5], reason: 'channel "libera:#DUP" is listed twice in this bridge' },
    {
      path: ['bridges', 'refs', 6],
      reason: 'channel "libera:#x" is in both bridge "bad name" and bridge "refs"; a channel may belong to only one bridge, merge the bridges or remove it from one',
    },
  ]);
});

test('with no networks configured the message says so', () => {
  const { problems } = validateBridges({ a: ['libera:#a', 'libera:#b'] }, []);
  assert.equal(problems[0]?.reason, 'unknown network "libera"; no networks are configured');
});

test('entries of the wrong shape are left to the schema', () => {
  assert.deepEqual(validateBridges({ a: 5, b: { chans: [] }, c: [1, 2] }, networks), {
    bridges: [{ name: 'c', channels: [], options: {} }],
    problems: [],
  });
});

test('property: every channel ends up in exactly one bridge, and each repeat is one problem', () => {
  const ref = fc.tuple(fc.constantFrom(...networks), fc.constantFrom('#a', '#A', '#b', 'room@muc', 'ROOM@muc', '#c')).map(([n, c]) => `${n}:${c}`);
  const bridgeNames = fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/), { minLength: 1, maxLength: 5 });
  const input = bridgeNames.chain((names) => fc.tuple(...names.map((name) => fc.array(ref, { minLength: 2, maxLength: 6 }).map((list) => [name, list] as const))));
  fc.assert(
    fc.property(input, (entries) => {
      const { bridges, problems } = validateBridges(Object.fromEntries(entries), networks);
      const all = entries.flatMap(([, list]) => list.map((text) => text.toLowerCase()));
      const distinct = new Set(all);
      const placed = bridges.flatMap((bridge) => bridge.channels.map((channel) => `${channel.network}:${channel.id}`.toLowerCase()));
      assert.equal(placed.length, distinct.size, 'each distinct channel is placed once');
      assert.deepEqual(new Set(placed), distinct);
      assert.equal(problems.length, all.length - distinct.size, 'one problem per repeat');
    }),
  );
});
