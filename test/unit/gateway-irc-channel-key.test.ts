/**
 * A room password as an IRC channel key (channels.ts): sent on the JOIN line when it can be one,
 * refused before anything is sent when it cannot (a space, comma or control character would add
 * a channel or a line); property: an accepted key always makes one JOIN line with exactly two
 * parameters.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LegacyRefusal } from '../../src/gateway/api.js';
import { DEFAULT_PREFIXES } from '../../src/gateway/irc/channel-modes.js';
import { IrcChannels, isChannelKey } from '../../src/gateway/irc/channels.js';

function channels(sent: string[]): IrcChannels {
  return new IrcChannels({
    send: (line) => void sent.push(line), nick: () => 'alice', mapping: () => 'rfc1459', prefixes: () => DEFAULT_PREFIXES,
    chanmodes: () => ['beI', 'k', 'l', 'imnpst'], event: () => undefined,
  });
}

describe('gateway IRC channel keys', () => {
  it('a key goes on the JOIN line; a key no JOIN line can carry is refused with nothing sent', async () => {
    const sent: string[] = [];
    const irc = channels(sent);
    void irc.join('#keyed', AbortSignal.timeout(5000), 'sesame').catch(() => undefined);
    assert.equal(sent[0], 'JOIN #keyed sesame');
    for (const bad of ['two words', 'a,#other', 'x\r\nQUIT', ':colon', 'k'.repeat(101), '']) {
      const before = sent.length;
      await assert.rejects(irc.join('#other', AbortSignal.timeout(5000), bad), (e: unknown) => e instanceof LegacyRefusal && e.condition === 'not-acceptable');
      assert.equal(sent.length, before, JSON.stringify(bad));
    }
  });

  it('property: an accepted key makes one line of exactly JOIN, the channel and the key', () => {
    fc.assert(fc.property(fc.string({ maxLength: 120 }), (key) => {
      if (!isChannelKey(key)) return;
      const sent: string[] = [];
      void channels(sent).join('#c', AbortSignal.timeout(5000), key).catch(() => undefined);
      const line = sent[0] ?? '';
      assert.ok(!/[\r\n\0]/.test(line));
      assert.deepEqual(line.split(' '), ['JOIN', '#c', key]);
    }));
  });
});
