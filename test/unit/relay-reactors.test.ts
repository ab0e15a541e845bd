import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Reactors } from '../../src/features/relay/reactors.js';
import type { ChannelRef } from '../../src/core/refs.js';

const lobby: ChannelRef = { network: 'jabber', id: 'lobby@conference.localhost' };
const other: ChannelRef = { network: 'jabber2', id: 'Other@conference.localhost' };
const message = { network: 'irc', channel: '#lobby', messageId: 'm-1' };

it('a withdrawal reports the channels where others still react with the same emoji', () => {
  const reactors = new Reactors();
  assert.deepEqual(reactors.record(message, '👍', lobby, 'alice', false), []);
  assert.deepEqual(reactors.record(message, '👍', other, 'dave', false), [lobby]);
  assert.deepEqual(reactors.record(message, '🎉', lobby, 'bob', false), [], 'another emoji is counted apart');
  assert.deepEqual(reactors.record(message, '👍', lobby, 'alice', true), [other]);
  assert.deepEqual(reactors.record(message, '👍', { ...other, id: 'other@conference.localhost' }, 'dave', true), [], 'channel ids compare case-insensitively');
});

it('the same person reacting twice counts once; withdrawing something never added changes nothing', () => {
  const reactors = new Reactors();
  reactors.record(message, '👍', lobby, 'alice', false);
  reactors.record(message, '👍', lobby, 'alice', false);
  assert.deepEqual(reactors.record(message, '👍', lobby, 'bob', true), [lobby]);
  assert.deepEqual(reactors.record(message, '👍', lobby, 'alice', true), []);
});
