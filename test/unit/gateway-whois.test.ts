/**
 * The IRC session's WHOIS lookups (the gateway's search): replies matched by nick, unknown
 * nicks, shared lookups, the bound, the timeout and a lost connection.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LegacyRefusal } from '../../src/gateway/api.js';
import { WhoisLookups, whoisProfile } from '../../src/gateway/irc/whois.js';
import { vcardOf } from '../../src/gateway/xmpp/vcard.js';

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
    await assert.rejects(lookups.lookup('e', () => undefined), (e: unknown) => e instanceof LegacyRefusal && /too many searches and vCard requests/.test(e.message));
    lookups.cancel();
    for (const lookup of waiting) await assert.rejects(lookup, (e: unknown) => e instanceof LegacyRefusal && e.condition === 'remote-server-timeout');
    await assert.rejects(lookups.lookup('f', () => undefined), /did not answer the WHOIS \(search or vCard\) in time/);
  });

  it('the server and account replies join the user; the first of each counts; without RPL_WHOISUSER nobody is found', async () => {
    const lookups = new WhoisLookups();
    const found = lookups.lookup('carol', () => undefined);
    lookups.detail('carol', 'server', 'irc.example.org');
    lookups.detail('carol', 'server', 'other.example.org');
    lookups.user('carol', CAROL);
    lookups.detail('carol', 'account', 'carol\u0007acct');
    lookups.end('carol');
    assert.deepEqual(await found, { ...CAROL, server: 'irc.example.org', account: 'carolacct' });
    const ghost = lookups.lookup('ghost', () => undefined);
    lookups.detail('ghost', 'server', 'irc.example.org');
    lookups.end('ghost');
    assert.equal(await ghost, undefined);
  });

  it('a WHOIS becomes a vCard: FN the real name, NICKNAME the nick, NOTE user@host, server and account', () => {
    const card = vcardOf(whoisProfile({ ...CAROL, server: 'irc.example.org', account: 'carolacct' }));
    assert.equal(card.attrs.xmlns, 'vcard-temp');
    assert.equal(card.getChildText('FN'), 'Carol Example');
    assert.equal(card.getChildText('NICKNAME'), 'Carol');
    assert.equal(card.getChildText('NOTE'), 'IRC user: ~carol@example.org\nServer: irc.example.org\nLogged in as: carolacct');
    const bare = vcardOf(whoisProfile({ ...CAROL, realname: '' }));
    assert.equal(bare.getChild('FN'), undefined);
    assert.equal(bare.getChildText('NOTE'), 'IRC user: ~carol@example.org');
  });

  it('a vCard keeps no control characters (but the note\'s line breaks) and caps every field, whatever the network gives', () => {
    const card = vcardOf({ nickname: `a\u0000b\nc${'x'.repeat(5000)}`, fullName: '\u001b[31mred', note: 'one\ntwo\r\u0007' });
    assert.equal(card.getChildText('NICKNAME')?.startsWith('abcx'), true);
    assert.equal(card.getChildText('NICKNAME')?.length, 1000);
    assert.equal(card.getChildText('FN'), '[31mred');
    assert.equal(card.getChildText('NOTE'), 'one\ntwo');
  });
});
