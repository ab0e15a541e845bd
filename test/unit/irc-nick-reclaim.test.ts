import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ServerSupport } from '../../src/networks/irc/isupport.js';
import { NickReclaimer } from '../../src/networks/irc/nick-reclaim.js';

function harness(tokens: string[]) {
  const support = new ServerSupport();
  support.update(tokens);
  const sent: string[] = [];
  let nick = 'Wanted_';
  const reclaimer = new NickReclaimer({
    wanted: 'Wanted', intervalMs: 3_600_000, support: () => support, currentNick: () => nick, send: (line) => sent.push(line),
  });
  return { reclaimer, sent, setNick: (n: string) => { nick = n; } };
}

describe('IRC nick reclaim', () => {
  it('without MONITOR: asks ISON, and sends NICK once the nick is not online', (t) => {
    const h = harness(['CASEMAPPING=rfc1459']);
    t.after(() => h.reclaimer.stop());
    h.reclaimer.start();
    assert.deepEqual(h.sent, ['ISON Wanted']);
    h.reclaimer.handle({ command: '303', params: ['Wanted_', 'wANTED'] });
    assert.deepEqual(h.sent, ['ISON Wanted'], 'still online (compared with CASEMAPPING)');
    h.reclaimer.handle({ command: '303', params: ['Wanted_', ''] });
    assert.deepEqual(h.sent, ['ISON Wanted', 'NICK Wanted']);
    h.setNick('wanted');
    h.reclaimer.nickChanged();
    assert.equal(h.reclaimer.watching, false, 'done once the nick is back');
    h.reclaimer.handle({ command: '303', params: ['wanted', ''] });
    assert.equal(h.sent.length, 2);
  });

  it('with MONITOR: watches the nick, sends NICK when it goes offline, and unwatches after', () => {
    const h = harness(['MONITOR=100']);
    h.reclaimer.start();
    assert.deepEqual(h.sent, ['MONITOR + Wanted']);
    h.reclaimer.handle({ command: '730', params: ['Wanted_', 'Wanted!u@h'] });
    h.reclaimer.handle({ command: '731', params: ['Wanted_', 'someoneelse'] });
    assert.deepEqual(h.sent, ['MONITOR + Wanted'], 'online, or another nick offline: nothing to do');
    h.reclaimer.handle({ command: '731', params: ['Wanted_', 'other,Wanted'] });
    assert.deepEqual(h.sent, ['MONITOR + Wanted', 'NICK Wanted']);
    h.setNick('Wanted');
    h.reclaimer.nickChanged();
    assert.deepEqual(h.sent, ['MONITOR + Wanted', 'NICK Wanted', 'MONITOR - Wanted']);
    assert.equal(h.reclaimer.watching, false);
  });

  it('does nothing when the bot has its nick, or after stop()', () => {
    const h = harness([]);
    h.setNick('WANTED');
    h.reclaimer.start();
    assert.deepEqual(h.sent, []);
    h.setNick('Wanted_');
    h.reclaimer.start();
    h.reclaimer.stop();
    h.reclaimer.handle({ command: '303', params: ['Wanted_', ''] });
    assert.deepEqual(h.sent, ['ISON Wanted']);
  });
});
