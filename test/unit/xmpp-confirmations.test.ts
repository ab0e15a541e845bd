/**
 * Confirmations of room messages, with mocked timers: the echo timeout, and a message expected
 * again (sent again) whose new wait must not be ended by the first wait's timer.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Confirmations } from '../../src/networks/xmpp/confirmations.js';

const ROOM = 'room@conf.test';

void describe('Confirmations', () => {
  void it('fails a wait when no echo comes in time', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const confirmations = new Confirmations(1000);
    const waiting = confirmations.expect(ROOM, 'a');
    t.mock.timers.tick(1000);
    await assert.rejects(waiting, /no echo of message a/);
    assert.equal(confirmations.size, 0);
  });

  void it('a message expected again ends the first wait, and only its own timer ends the new one', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const confirmations = new Confirmations(1000);
    const first = confirmations.expect(ROOM, 'a');
    t.mock.timers.tick(600);
    const again = confirmations.expect(ROOM, 'a');
    await assert.rejects(first, /sent again before its echo arrived/);
    let settled = false;
    void again.then(() => (settled = true), () => (settled = true));
    t.mock.timers.tick(600); // past the first wait's timeout, before the new one's
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false, 'the first timer does not end the new wait');
    confirmations.echoed(ROOM, 'a');
    await again;
  });
});
