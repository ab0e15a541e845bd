/**
 * The IRC session's WHOIS lookups (the gateway's search): replies matched by nick, unknown
 * nicks, shared lookups, the bound, the timeout and a lost connection.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LegacyRefusal } from '../../src/gateway/api.js';
import { WhoisLookups } from '../../src/gateway/irc/whois.js';

const CAROL = { nick: 'Carol', user: '~carol', host: 'example.org', realname: 'Carol Example' };

describe('WHOIS lookups', () => {
  it('a lookup gets the user of its RPL_WHOISUSER at the end of the replies; replies for others are ignored', async () => {
    const lookups = new WhoisLookups();
    const sent: string[] = [];
    const found = lookups.lookup('carol', () => sent.push('carol'));
    lookups.user('dave', { ...CAROL, nick: 'dave' });
    lookups.end('dave');
    lookups.user('carol', CAROL);
    lookups.end('carol');
    assert.deepEqual(await found, CAROL);
    assert.deepEqual(sent, ['carol']);
  });

  it('an unknown nick finds nobody; two lookups of one nick share one WHOIS', async () => {
    const lookups = new WhoisLookups();
    let sent = 0;
    const first = lookups.lookup('nobody', () => sent++);
    const second = lookups.lookup('nobody', () => sent++);
    lookups.end('nobody');
    assert.equal(await first, undefined);
    assert.equal(await second, undefined);
    assert.equal(sent, 1);
  });

  it('control characters are removed and long fields capped', async () => {
    const lookups = new WhoisLookups();
    const found = lookups.lookup('carol', () => undefined);
    lookups.user('carol', { ...CAROL, realname: `a\u0007b\u0000${'x'.repeat(500)}` });
    lookups.end('carol');
    const user = await found;
    assert.equal(user?.realname.startsWith('abx'), true);
    assert.equal(user?.realname.length, 200);
  });

  it('too many lookups at once are refused; a lost connection and a silent server refuse the waiting ones', async () => {
    const lookups = new WhoisLookups(20);
    const waiting = ['a', 'b', 'c', 'd'].map((nick) => lookups.lookup(nick, () => undefined));
    await assert.rejects(lookups.lookup('e', () => undefined), (e: unknown) => e instanceof LegacyRefusal && /too many searches/.test(e.message));
    lookups.cancel();
    for (const lookup of waiting) await assert.rejects(lookup, (e: unknown) => e instanceof LegacyRefusal && e.condition === 'remote-server-timeout');
    await assert.rejects(lookups.lookup('f', () => undefined), /did not answer the search in time/);
  });
});
