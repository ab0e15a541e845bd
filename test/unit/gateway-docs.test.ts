/**
 * docs/gateway.md shows the ejabberd listener the gateway's e2e suite runs against: the block is
 * the harness's own `ejabberd_service` listener (test/support/configs/ejabberd.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ejabberdComponentListener } from '../support/configs/ejabberd.js';

const DOC = readFileSync(new URL('../../../docs/gateway.md', import.meta.url), 'utf8');

describe('docs/gateway.md', () => {
  it('shows the ejabberd_service listener the tests configure', () => {
    const section = DOC.slice(DOC.indexOf('## ejabberd'));
    const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    assert.equal(block, `listen:\n${ejabberdComponentListener({ ip: '127.0.0.1', port: 5347, domain: 'irc.example.org', secret: 'the same secret as password:' })}`);
  });
});
