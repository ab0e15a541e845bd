/**
 * Which TOPIC events the relay treats as the topic learnt on joining (never relayed): the
 * adapter's `initial` flag when set, the fallback guess only when it is missing.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { TopicArgs } from '../../src/core/catalog.js';
import { isJoinTimeTopic, JOIN_TOPIC_GRACE_MS } from '../../src/features/relay/topics.js';

const channel = { network: 'irc', id: '#lobby' };
const UP = 1_000_000;

describe('relay join-time topics', () => {
  it('follows the adapter\'s `initial` flag whenever it is set, whatever the timing', () => {
    fc.assert(fc.property(
      fc.boolean(), fc.string(), fc.option(fc.string(), { nil: undefined }), fc.option(fc.string(), { nil: undefined }),
      fc.integer({ min: -10_000, max: 10_000 }), fc.option(fc.constant(UP), { nil: undefined }),
      (initial, text, oldText, setter, offset, upSince) => {
        const args: TopicArgs = { channel, text, initial, ...(oldText === undefined ? {} : { oldText }), ...(setter === undefined ? {} : { setter }) };
        assert.equal(isJoinTimeTopic(args, UP + offset, upSince), initial);
      },
    ));
  });

  describe('without the flag (adapters that do not set it yet)', () => {
    it('a change with a previous topic is relayed; the same text again is not', () => {
      assert.equal(isJoinTimeTopic({ channel, text: 'new', oldText: 'old', setter: 'alice' }, UP + 10, UP), false);
      assert.equal(isJoinTimeTopic({ channel, text: 'same', oldText: 'same', setter: 'alice' }, UP + 10_000, UP), true);
    });

    it('no previous topic: join-time when there is no setter, or right after the (re)connect', () => {
      assert.equal(isJoinTimeTopic({ channel, text: 't' }, UP + 60_000, UP), true);
      assert.equal(isJoinTimeTopic({ channel, text: 't', setter: 'alice' }, UP + JOIN_TOPIC_GRACE_MS - 1, UP), true);
      assert.equal(isJoinTimeTopic({ channel, text: 't', setter: 'alice' }, UP + JOIN_TOPIC_GRACE_MS, UP), false);
      assert.equal(isJoinTimeTopic({ channel, text: 't', setter: 'alice' }, UP, undefined), true, 'not connected: cannot be a live change');
    });
  });
});
