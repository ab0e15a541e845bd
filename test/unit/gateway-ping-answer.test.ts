/** Whether a ping's rejection shows the person's resource online (src/gateway/xmpp/ping-answer.ts). */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { pingErrorShowsOnline } from '../../src/gateway/xmpp/ping-answer.js';

/** What @xmpp/iq's caller rejects with on an error reply: a StanzaError with its condition. */
const stanzaError = (condition: string): Error => Object.assign(new Error(condition), { name: 'StanzaError', condition, type: 'cancel' });

it("a client's own refusal of the ping shows it online; the server's errors for a gone resource and a timeout do not", () => {
  assert.equal(pingErrorShowsOnline(stanzaError('feature-not-implemented')), true);
  assert.equal(pingErrorShowsOnline(stanzaError('not-allowed')), true);
  for (const condition of ['service-unavailable', 'recipient-unavailable', 'item-not-found', 'remote-server-not-found']) {
    assert.equal(pingErrorShowsOnline(stanzaError(condition)), false, condition);
  }
  assert.equal(pingErrorShowsOnline(new Error('timed out')), false);
  assert.equal(pingErrorShowsOnline({ condition: '' }), false);
  assert.equal(pingErrorShowsOnline(undefined), false);
  assert.equal(pingErrorShowsOnline('feature-not-implemented'), false);
});
