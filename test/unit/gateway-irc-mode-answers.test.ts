/**
 * The server's answer to a MODE sent from XMPP (mode-answers.ts): the echo resolves, a refusal
 * numeric naming the channel rejects with the server's words (and is not reported elsewhere),
 * other channels' numerics are left alone, no answer times out, requests wait their turn, a lost
 * connection refuses what waits; the ban list is collected up to RPL_ENDOFBANLIST and bounded.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LegacyRefusal } from '../../src/gateway/api.js';
import { MAX_BANS, ModeAnswers } from '../../src/gateway/irc/mode-answers.js';

const fold = (name: string): string => name.toLowerCase();

async function rejection(promise: Promise<unknown>): Promise<LegacyRefusal> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LegacyRefusal) return error;
    throw error;
  }
  throw new Error('it did not reject');
}

describe('MODE answers (mode-answers.ts)', () => {
  it('the echo resolves; a 482 for the channel rejects with the server words; another channel\'s is not taken', async () => {
    const answers = new ModeAnswers();
    const sent: string[] = [];
    const done = answers.request('#a', () => void sent.push('one'), 5000);
    await Promise.resolve();
    assert.deepEqual(sent, ['one']);
    answers.echoed('#a');
    await done;
    const refused = answers.request('#a', () => void sent.push('two'), 5000);
    await new Promise((r) => setImmediate(r));
    assert.equal(answers.refused('482', ['alice', '#B', 'not yours'], fold), false);
    assert.equal(answers.refused('482', ['alice', '#A', 'You are not channel operator'], fold), true);
    const error = await rejection(refused);
    assert.equal(error.condition, 'forbidden');
    assert.match(error.message, /You are not channel operator/);
    assert.equal(answers.refused('482', ['alice', '#A', 'late'], fold), false, 'nothing waits any more');
  });

  it('requests wait their turn; no answer times out; a lost connection refuses what waits', async (t) => {
    const answers = new ModeAnswers();
    const sent: string[] = [];
    // The module's timers do not hold the process: this one keeps the test's loop alive meanwhile.
    const alive = setTimeout(() => undefined, 5000);
    t.after(() => clearTimeout(alive));
    const first = answers.request('#a', () => void sent.push('first'), 20);
    const second = answers.request('#b', () => void sent.push('second'), 5000);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(sent, ['first']);
    assert.equal((await rejection(first)).condition, 'remote-server-timeout');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(sent, ['first', 'second']);
    answers.clear('the IRC connection closed');
    assert.equal((await rejection(second)).condition, 'service-unavailable');
  });

  it('collects the ban list up to 368, bounded', async () => {
    const answers = new ModeAnswers();
    const list = answers.bans('#a', () => undefined, 5000);
    for (let i = 0; i < MAX_BANS + 5; i++) assert.equal(answers.banLine('367', ['alice', '#a', `m${i}!*@*`, 'carol!c@h', '1'], fold), true);
    answers.banLine('368', ['alice', '#a', 'End of list'], fold);
    const bans = await list;
    assert.equal(bans.length, MAX_BANS);
    assert.deepEqual(bans[0], { mask: 'm0!*@*', by: 'carol' });
    assert.equal(answers.banLine('367', ['alice', '#a', 'x'], fold), false);
  });
});
