import { it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BUILTIN_DEFAULTS } from '../../src/features/relay/config.js';
import { applyRules } from '../../src/features/relay/rules.js';
import { deliveryId } from '../../src/features/relay/deliver.js';
import type { MessageJob } from '../../src/features/relay/jobs.js';
import type { Message } from '../../src/core/message.js';

const message = (relayed?: boolean): Message => ({
  id: 'm1', channel: { network: 'irc', id: '#a' }, author: { network: 'irc', id: 'alice', nick: 'alice' },
  kind: 'message', body: [{ type: 'text', text: 'hi' }], attachments: [], ts: 1, ...(relayed === undefined ? {} : { relayed }),
});

it('does not relay a message that already crossed another bridge, unless relayRelayed', () => {
  assert.equal(applyRules(message(true), BUILTIN_DEFAULTS), null);
  assert.notEqual(applyRules(message(true), { ...BUILTIN_DEFAULTS, relayRelayed: true }), null);
  assert.notEqual(applyRules(message(false), BUILTIN_DEFAULTS), null);
  assert.notEqual(applyRules(message(), BUILTIN_DEFAULTS), null);
});

it('gives one delivery the same id every time, and different deliveries different ids', () => {
  const job = (messageId: string, target: string): MessageJob => ({
    op: 'message', bridge: 'lobby', target: { network: 'xmpp', id: target },
    source: { network: 'irc', channel: '#a', messageId }, message: { ...message(), id: messageId },
  });
  fc.assert(fc.property(fc.string(), fc.string(), fc.string(), fc.string(), (m1, t1, m2, t2) => {
    const a = deliveryId(job(m1, t1));
    assert.equal(a, deliveryId(JSON.parse(JSON.stringify(job(m1, t1))) as MessageJob), 'stable across a restart (jobs are stored as JSON)');
    assert.match(a, /^sb-[0-9a-f]{32}$/);
    if (m1 !== m2 || t1 !== t2) assert.notEqual(a, deliveryId(job(m2, t2)));
  }));
});
