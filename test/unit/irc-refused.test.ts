/**
 * Channels refusing our messages (src/networks/irc/refused.ts): which numerics count, logging
 * once per refusal, clearing on a state change, and probing with a fake clock (no timing).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ircLineParser } from 'irc-framework';
import { parseSendRefusal, RefusedChannels, type SendRefusal } from '../../src/networks/irc/refused.js';

const isChannel = (name: string): boolean => name.startsWith('#');
const moderated: SendRefusal = { channel: '#Mod', numeric: '404', reason: 'Cannot send to channel' };

function tracker() {
  let now = 1_000;
  const refused = new RefusedChannels({ retryAfterMs: 60_000, quietAfterMs: 30_000, now: () => now });
  return { refused, advance: (ms: number) => { now += ms; } };
}

void describe('IRC send refusals', () => {
  void it('reads the numerics that refuse a message to a channel, and nothing else', () => {
    const parse = (line: string) => parseSendRefusal(ircLineParser(line), isChannel);
    assert.deepEqual(parse(':irc.test 404 bot #Mod :Cannot send to channel'), moderated);
    assert.deepEqual(parse(':irc.test 401 bot #gone :No such nick or channel name'), { channel: '#gone', numeric: '401', reason: 'No such nick or channel name' });
    assert.deepEqual(parse(':irc.test 403 bot #gone'), { channel: '#gone', numeric: '403', reason: '403' });
    assert.equal(parse(':irc.test 401 bot alice :No such nick'), undefined, 'a private target is not a channel');
    assert.equal(parse(':irc.test 482 bot #Mod :You are not channel operator'), undefined);
    assert.equal(parse(':irc.test 404 bot'), undefined);
    assert.equal(parse(':alice!a@h PRIVMSG #Mod :404'), undefined);
  });

  void it('reports a refusal as new once, and keeps refusing until cleared', () => {
    const { refused } = tracker();
    assert.equal(refused.current('#mod'), undefined);
    assert.equal(refused.refused('#mod', moderated), true, 'the first refusal is to be logged');
    assert.equal(refused.refused('#mod', moderated), false, 'a repeat is not');
    assert.deepEqual(refused.current('#mod'), moderated);
    assert.equal(refused.current('#other'), undefined, 'other channels are unaffected');
    refused.clear('#mod');
    assert.equal(refused.current('#mod'), undefined);
    assert.equal(refused.refused('#mod', moderated), true, 'after a state change a new refusal is logged again');
    refused.clearAll();
    assert.equal(refused.size, 0);
  });

  void it('lets one probe through after the retry time; a refused probe refuses on silently', () => {
    const { refused, advance } = tracker();
    refused.refused('#mod', moderated);
    advance(59_999);
    assert.deepEqual(refused.current('#mod'), moderated);
    advance(1);
    assert.equal(refused.current('#mod'), undefined, 'the probe may go');
    assert.equal(refused.current('#mod'), undefined, 'while probing, sends go');
    assert.equal(refused.refused('#mod', moderated), false, 'refused again: not logged again');
    assert.deepEqual(refused.current('#mod'), moderated);
  });

  void it('forgets a refusal once a probe went unrefused for the quiet time', () => {
    const { refused, advance } = tracker();
    refused.refused('#mod', moderated);
    advance(60_000);
    assert.equal(refused.current('#mod'), undefined);
    advance(30_000);
    assert.equal(refused.current('#mod'), undefined);
    assert.equal(refused.size, 0);
    assert.equal(refused.refused('#mod', moderated), true, 'a later refusal is a new one');
  });
});
