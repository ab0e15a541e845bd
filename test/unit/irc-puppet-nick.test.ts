import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fillIdentity, isValidNick, puppetNick, sanitizeNickPart } from '../../src/networks/irc/puppet-nick.js';
import { ircConfigSchema } from '../../src/networks/irc/config.js';

describe('IRC puppet nicks', () => {
  it('fills in the template', () => {
    assert.equal(puppetNick('{nick}[{network}]', { nick: 'alice', network: 'xmpp' }, 30), 'alice[xmpp]');
    assert.equal(puppetNick('{nick}|{network}', { nick: 'bob', network: 'matrix' }, 30), 'bob|matrix');
  });

  it('sanitizes to the nick grammar: transliterates, replaces separators, drops the rest', () => {
    assert.equal(sanitizeNickPart('Zoë Müller'), 'Zoe_Muller');
    assert.equal(sanitizeNickPart('alice/xmpp'), 'alice|xmpp');
    assert.equal(sanitizeNickPart('日本\r\n\0x'), 'x');
    assert.equal(puppetNick('{nick}[{network}]', { nick: '1337', network: 'x' }, 30), '_1337[x]', 'no leading digit');
    assert.equal(puppetNick('{nick}[{network}]', { nick: '日本', network: 'x' }, 30), 'user[x]', 'nothing left of the nick');
  });

  it('property: a part already safe comes back as it is; any other is made safe character by character', () => {
    const safe = fc.string({ unit: fc.constantFrom(...'aZ09[]\\`_^{|}-'.split('')), maxLength: 12 });
    fc.assert(fc.property(safe, (text) => assert.equal(sanitizeNickPart(text), text)));
    const any = fc.string({ unit: fc.constantFrom(...'aZ09[]`_^{|}-/.@: ,é\u0301日\r'.split('')), maxLength: 12 });
    fc.assert(fc.property(any, (text) => {
      const out = sanitizeNickPart(text, '/');
      assert.ok([...out].every((c) => /[A-Za-z0-9[\]\\`_^{|}/-]/.test(c)), out);
      assert.equal(sanitizeNickPart(out, '/'), out, 'sanitizing twice changes nothing');
    }));
  });

  it('shortens the nick, not the network tag, to NICKLEN; collisions add a numbered separator', () => {
    assert.equal(puppetNick('{nick}[{network}]', { nick: 'verylongnickname', network: 'xmpp' }, 12), 'verylo[xmpp]');
    assert.equal(puppetNick('{nick}[{network}]', { nick: 'alice', network: 'xmpp' }, 30, 1), 'alice|1[xmpp]');
    assert.equal(puppetNick('{nick}[{network}]', { nick: 'alice', network: 'xmpp' }, 9, 2), 'a|2[xmpp]');
    assert.equal(puppetNick('{nick}[{network}]', { nick: 'alice', network: 'averylongnetworkname' }, 9, 3).length, 9);
  });

  it('property: always a valid nick within NICKLEN, and distinct attempts give distinct nicks', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('{nick}[{network}]', '{nick}|{network}', '{nick}', 'x-{nick}-{network}', '{network}/{nick}'),
        fc.string({ maxLength: 40 }), fc.string({ maxLength: 20 }), fc.integer({ min: 1, max: 40 }),
        (template, nick, network, maxLength) => {
          const nicks = [0, 1, 2, 3].map((attempt) => puppetNick(template, { nick, network }, maxLength, attempt));
          for (const candidate of nicks) assert.ok(isValidNick(candidate, maxLength), `${JSON.stringify(candidate)} for NICKLEN ${maxLength}`);
          if (maxLength >= 4) assert.equal(new Set(nicks).size, nicks.length, `distinct: ${nicks.join(', ')}`);
        },
      ),
    );
  });

  it('a collision attempt never repeats the plain nick, even when the plain nick ends like a tail', () => {
    // Found by the property below: a network of spaces and nick "1" fill "{network}/{nick}" as "______|1".
    const nicks = [0, 1].map((attempt) => puppetNick('{network}/{nick}', { nick: '1', network: '      ' }, 8, attempt));
    assert.notEqual(nicks[0], nicks[1]);
    assert.ok(nicks.every((n) => isValidNick(n, 8)));
  });

  it('fills the fallback identity, without control characters', () => {
    assert.equal(fillIdentity('<{nick}> ', { network: 'xmpp', id: 'a', nick: 'al\r\nice' }), '<alice> ');
    assert.equal(fillIdentity('[{network}] {nick}: ', { network: 'xmpp', id: 'a', displayName: 'Al' }), '[xmpp] Al: ');
  });

  it('config: puppets mode with defaults; a template without {nick} is refused', () => {
    const config = ircConfigSchema.parse({ host: 'h', nick: 'bot', mode: 'puppets' });
    assert.equal(config.mode, 'puppets');
    assert.deepEqual(config.puppets, { nickTemplate: '{nick}[{network}]', idleTimeoutSec: 3600, max: 20, fallbackIdentity: '<{nick}> ' });
    assert.equal(ircConfigSchema.parse({ host: 'h', nick: 'bot', puppets: { max: 3 } }).puppets.idleTimeoutSec, 3600, 'partial puppets options keep the other defaults');
    const bad = ircConfigSchema.safeParse({ host: 'h', nick: 'bot', mode: 'puppets', puppets: { nickTemplate: '{network}-x' } });
    assert.equal(bad.success, false);
    assert.match(JSON.stringify(bad.error?.issues), /must contain \{nick\}/);
  });
});
