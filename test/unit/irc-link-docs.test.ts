/**
 * docs/networks/irc-link.md stays copy-paste ready: its ngIRCd and ircd-hybrid link blocks are
 * the ones the test harness writes, and its YAML examples are valid configs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ngircdConfig } from '../support/configs/ngircd.js';
import { hybridLinkBlocks } from '../support/configs/hybrid.js';
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

  it('has a YAML example that is a valid irc-link config, with the names the link block uses', () => {
    const [yaml] = fenced('yaml');
    const networks = (parse(yaml ?? '') as { networks: Record<string, Record<string, unknown>> }).networks;
    const options = { ...networks.ircnet, sendPassword: 'LINK-PASSWORD-TO-NGIRCD', receivePassword: 'LINK-PASSWORD-FROM-NGIRCD' };
    const config = ircLinkConfigSchema.parse(options);
    assert.equal(config.serverName, 'bridge.example.org');
    assert.equal(config.ircd, 'ngircd');
  });

  it('shows the ircd-hybrid listen {} and connect {} blocks the tests configure, and a valid hybrid config', () => {
    const [block] = fenced('conf');
    const link = { peerName: 'bridge.example.org', peerSends: 'LINK-PASSWORD-TO-HYBRID', serverSends: 'LINK-PASSWORD-FROM-HYBRID' };
    assert.equal(block, hybridLinkBlocks(link, 6666));
    const [, yaml] = fenced('yaml');
    const networks = (parse(yaml ?? '') as { networks: Record<string, Record<string, unknown>> }).networks;
    const config = ircLinkConfigSchema.parse({ ...networks.hybridnet, sendPassword: link.peerSends, receivePassword: link.serverSends });
    assert.deepEqual([config.ircd, config.serverName, config.port, config.sid], ['hybrid', link.peerName, 6666, '1SB']);
  });
});
