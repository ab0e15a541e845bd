/**
 * docs/networks/xmpp-component.md stays copy-paste ready: its Prosody Component block is the one
 * the test harness writes, and its YAML example is a valid xmpp-component config.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { prosodyConfig } from '../support/configs/prosody.js';
import { xmppComponentConfigSchema } from '../../src/networks/xmpp-component/config.js';

const DOC = readFileSync(new URL('../../../docs/networks/xmpp-component.md', import.meta.url), 'utf8');

function fenced(language: string): string[] {
  return [...DOC.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1] ?? '');
}

describe('docs/networks/xmpp-component.md', () => {
  it('shows the Prosody Component block the tests configure', () => {
    const [block] = fenced('lua');
    const generated = prosodyConfig({
      dir: '/tmp/x', domain: 'example.org', mucDomain: 'conference.example.org', c2sPort: 5222, componentPort: 5347,
      componentDomain: 'irc.example.org', componentSecret: 'COMPONENT-SECRET',
    });
    const section = /^Component "irc\.example\.org"\n(?: {2}.*\n)+/m.exec(generated)?.[0];
    assert.equal(block, section);
  });

  it('has a YAML example that is a valid xmpp-component config for the same domain', () => {
    const [yaml] = fenced('yaml');
    const networks = (parse(yaml ?? '') as { networks: Record<string, Record<string, unknown>> }).networks;
    const { protocol, ...options } = networks.jabber ?? {};
    assert.equal(protocol, 'xmpp-component');
    const config = xmppComponentConfigSchema.parse({ ...options, password: 'COMPONENT-SECRET' });
    assert.equal(config.domain, 'irc.example.org');
  });
});
