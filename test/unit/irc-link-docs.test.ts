/**
 * docs/networks/irc-link.md stays copy-paste ready: its ngIRCd, InspIRCd and ircd-hybrid link
 * blocks are the ones the test harness writes, and its YAML examples are valid configs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ngircdConfig } from '../support/configs/ngircd.js';
import { hybridLinkBlocks } from '../support/configs/hybrid.js';
import { inspircdConfig } from '../support/configs/inspircd.js';
import { ircLinkConfigSchema } from '../../src/networks/irc-link/config.js';

const DOC = readFileSync(new URL('../../../docs/networks/irc-link.md', import.meta.url), 'utf8');

function fenced(language: string): string[] {
  return [...DOC.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1] ?? '');
}

describe('docs/networks/irc-link.md', () => {
  it('shows the ngIRCd [Server] block the tests configure', () => {
    const [block] = fenced('ini');
    const generated = ngircdConfig({
      serverName: 'irc.example.org', port: 6667, nickLength: 30, operName: 'o', operPassword: 'p',
      link: { peerName: 'bridge.example.org', peerSends: 'LINK-PASSWORD-TO-NGIRCD', serverSends: 'LINK-PASSWORD-FROM-NGIRCD' },
    });
    const section = /^\[Server\]\n(?:\t.*\n)+/m.exec(generated)?.[0];
    assert.equal(block, section);
  });

  it('shows the InspIRCd link lines the tests configure (module, server bind, link, U-line)', () => {
    const [block] = fenced('xml');
    const generated = inspircdConfig({
      serverName: 'irc.example.org', dir: '/tmp', port: 6667, linkPort: 7000, operName: 'o', operPassword: 'p',
      link: { peerName: 'bridge.example.org', peerSends: 'LINK-PASSWORD-TO-INSPIRCD', serverSends: 'LINK-PASSWORD-FROM-INSPIRCD' },
    });
    const lines = [/^<module name="spanningtree">$/m, /^<bind [^\n]*type="servers">$/m, /^<link [^>]*>$/m, /^<uline [^\n]*>$/m].map((pattern) => pattern.exec(generated)?.[0]);
    assert.equal(block, `${lines.join('\n')}\n`);
  });

  it('has YAML examples that are valid irc-link configs, with the names the link blocks use', () => {
    const [ngircd, inspircd] = fenced('yaml').slice(0, 2).map((yaml) => Object.values((parse(yaml) as { networks: Record<string, Record<string, unknown>> }).networks)[0]);
    const secrets = { sendPassword: 'LINK-PASSWORD-TO', receivePassword: 'LINK-PASSWORD-FROM' };
    const first = ircLinkConfigSchema.parse({ ...ngircd, ...secrets });
    assert.deepEqual([first.ircd, first.serverName], ['ngircd', 'bridge.example.org']);
    const second = ircLinkConfigSchema.parse({ ...inspircd, ...secrets });
    assert.deepEqual([second.ircd, second.serverName, second.port, second.sid], ['inspircd', 'bridge.example.org', 7000, '1SB']);
  });

  it('shows the ircd-hybrid listen {} and connect {} blocks the tests configure, and a valid hybrid config', () => {
    const [block] = fenced('conf');
    const link = { peerName: 'bridge.example.org', peerSends: 'LINK-PASSWORD-TO-HYBRID', serverSends: 'LINK-PASSWORD-FROM-HYBRID' };
    assert.equal(block, hybridLinkBlocks(link, 6666));
    const [, , yaml] = fenced('yaml');
    const networks = (parse(yaml ?? '') as { networks: Record<string, Record<string, unknown>> }).networks;
    const config = ircLinkConfigSchema.parse({ ...networks.hybridnet, sendPassword: link.peerSends, receivePassword: link.serverSends });
    assert.deepEqual([config.ircd, config.serverName, config.port, config.sid], ['hybrid', link.peerName, 6666, '1SB']);
  });
});
