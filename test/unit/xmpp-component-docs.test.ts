/**
 * docs/networks/xmpp-component.md stays copy-paste ready: its Prosody Component block and its
 * ejabberd listener are the ones the test harnesses write, and its YAML example is a valid
 * xmpp-component config.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ejabberdComponentListener, ejabberdConfig } from '../support/configs/ejabberd.js';
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

  it('shows the ejabberd component listener the tests configure', () => {
    const block = fenced('yaml').find((b) => b.includes('ejabberd_service'));
    assert.equal(block, ejabberdComponentListener({ ip: '127.0.0.1', port: 5347, domain: 'irc.example.org', secret: 'COMPONENT-SECRET' }));
    // …and that listener is what the harness's whole ejabberd.yml holds.
    const generated = ejabberdConfig({
      domain: 'example.org', mucDomain: 'conference.example.org', c2sPort: 5222, componentPort: 5347,
      componentDomain: 'irc.example.org', componentSecret: 'COMPONENT-SECRET',
    });
    assert.ok(generated.includes(`listen:\n`) && generated.includes(block ?? '<none>'));
    const listen = (parse(generated) as { listen: Record<string, unknown>[] }).listen;
    assert.deepEqual(listen.find((l) => l.module === 'ejabberd_service'), {
      port: 5347, ip: '127.0.0.1', module: 'ejabberd_service', hosts: { 'irc.example.org': { password: 'COMPONENT-SECRET' } },
    });
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
