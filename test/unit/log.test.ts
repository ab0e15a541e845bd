import { it } from 'node:test';
import assert from 'node:assert/strict';
import { captureLog } from '../support/log-capture.js';
import { isPrettyFormat } from '../../src/core/log.js';

it('redacts secret fields at any depth we log them', () => {
  const capture = captureLog();
  capture.log.info({ password: 'p1', network: { options: { saslPassword: 'p2', sasl: { password: 'p3' } } }, token: 'p4' }, 'x');
  capture.log.child({ module: 'm' }).warn({ config: { nickservPassword: 'p5', componentSecret: 'p6', paste: { headers: { Authorization: 'p7' } } } }, 'y');
  const text = capture.text();
  for (const secret of ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7']) assert.ok(!text.includes(`"${secret}"`), `${secret} leaked: ${text}`);
  assert.equal(capture.lines[0]?.password, '[redacted]');
  assert.equal(capture.lines[1]?.module, 'm');
});

it('log.format: pretty and json are forced; auto is pretty only on a terminal', () => {
  assert.equal(isPrettyFormat('pretty', false), true);
  assert.equal(isPrettyFormat('json', true), false);
  assert.equal(isPrettyFormat('auto', true), true);
  assert.equal(isPrettyFormat('auto', false), false);
});
