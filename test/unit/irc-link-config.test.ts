import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ircLinkConfigSchema } from '../../src/networks/irc-link/config.js';
import { ircLinkProtocol } from '../../src/networks/irc-link/definition.js';
import { builtinProtocols } from '../../src/networks/registry.js';

const BASE = { ircd: 'ngircd', host: '127.0.0.1', serverName: 'bridge.example.org', sendPassword: 'out', receivePassword: 'in' };

describe('irc-link config', () => {
  it('is registered as protocol irc-link, with defaults', () => {
    assert.ok(builtinProtocols().some((p) => p.protocol === 'irc-link'));
    const config = ircLinkConfigSchema.parse(BASE);
    assert.equal(config.port, 6667);
    assert.equal(ircLinkConfigSchema.parse({ ...BASE, tls: true }).port, 6697);
    assert.equal(config.nickTemplate, '{nick}/{network}', 'PyLink\'s tag; "/" becomes "|" where the ircd refuses it');
    assert.equal(config.serviceNick, 'Switchboard');
  });

  it('says which ircds are implemented, requires a sid for InspIRCd and hybrid, and refuses what would break a line', () => {
    const unknown = ircLinkConfigSchema.safeParse({ ...BASE, ircd: 'unreal' });
    assert.equal(unknown.success, false);
    assert.match(JSON.stringify(unknown.error?.issues), /one of ngircd, inspircd, hybrid/);
    for (const ircd of ['inspircd', 'hybrid']) {
      const noSid = ircLinkConfigSchema.safeParse({ ...BASE, ircd });
      assert.deepEqual(noSid.error?.issues.map((i) => i.path), [['sid']], `${ircd} needs our sid`);
      assert.equal(ircLinkConfigSchema.parse({ ...BASE, ircd, sid: '1SB' }).sid, '1SB');
    }
    for (const sid of ['1sb', 'A12', '12', '1234', '1S-']) assert.equal(ircLinkConfigSchema.safeParse({ ...BASE, ircd: 'inspircd', sid }).success, false, sid);
    for (const bad of [{ sendPassword: 'two words' }, { receivePassword: ':colon' }, { serverName: 'nodot' }, { serverName: 'a b.c' }, { description: 'x\r\nQUIT' }, { serviceNick: '1abc' }, { nickTemplate: 'no-placeholder' }, { sid: 'abc' }]) {
      assert.equal(ircLinkConfigSchema.safeParse({ ...BASE, ...bad }).success, false, JSON.stringify(bad));
    }
  });

  it('warns that the link passwords go in clear without TLS', () => {
    const warnings = ircLinkProtocol.configWarnings?.(ircLinkConfigSchema.parse(BASE)) ?? [];
    assert.deepEqual(warnings.map((w) => w.path), [['sendPassword']]);
    assert.deepEqual(ircLinkProtocol.configWarnings?.(ircLinkConfigSchema.parse({ ...BASE, tls: true })), []);
  });
});

describe('irc-link adapter before any socket', () => {
  it('a tlsCa that cannot be read fails the attempt fatally, and the next attempt may run', async () => {
    const { IrcLinkNetwork } = await import('../../src/networks/irc-link/adapter.js');
    const { silentLogger } = await import('../../src/core/log.js');
    const { MemoryStore } = await import('../support/memory-store.js');
    const losses: unknown[] = [];
    const network = new IrcLinkNetwork(
      { name: 'link', log: silentLogger(), store: new MemoryStore(), wantedChannels: () => [], emit: () => undefined, connectionLost: (loss) => losses.push(loss) },
      ircLinkConfigSchema.parse({ ...BASE, tls: true, tlsCa: '/nonexistent/ca.pem' }),
    );
    for (let attempt = 0; attempt < 2; attempt++) {
      await assert.rejects(network.connect(), (error: Error & { fatal?: boolean }) => /cannot read tlsCa/.test(error.message) && error.fatal === true);
    }
    assert.deepEqual(losses, []);
    await assert.rejects(network.send({ target: { channel: { network: 'link', id: '#x' } }, kind: 'message', body: [] }), /not linked/);
  });
});
