import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LegacyRefusal } from '../../src/gateway/api.js';
import { MAX_WHO_RESULTS, WhoSearches, isWhoPattern, whoReplyRealname } from '../../src/gateway/irc/who.js';

const user = (nick: string) => ({ nick, user: 'u', host: 'h', realname: `R ${nick}` });

void describe('gateway IRC pattern search (WHO)', () => {
  void it('sends one WHO, collects the replies until the end for its mask, one entry per nick', async () => {
    const who = new WhoSearches(1000);
    const sent: string[] = [];
    const found = who.search('car*', (mask) => sent.push(`WHO ${mask}`));
    assert.deepEqual(sent, ['WHO car*']);
    who.reply(user('carol'));
    who.reply(user('carol')); // a second shared channel
    who.reply(user('carl\u0002'));
    who.end('other*'); // not ours
    who.reply(user('cara'));
    who.end('CAR*');
    assert.deepEqual((await found).map((u) => u.nick), ['carol', 'carl', 'cara']);
    who.reply(user('late')); // after the end: nobody listens
  });

  void it('refuses bad masks, a second search while one runs, a timeout and a lost connection', async () => {
    const who = new WhoSearches(20);
    for (const mask of ['*', '?*?', '', 'a b', 'a,b*', 'x'.repeat(33)]) {
      await assert.rejects(who.search(mask, () => assert.fail('sent')), (error: unknown) => error instanceof LegacyRefusal && error.condition === 'bad-request', mask);
    }
    const first = who.search('a*', () => undefined);
    await assert.rejects(who.search('b*', () => assert.fail('sent')), /under way/);
    await assert.rejects(first, /in time/);
    const again = who.search('c*', () => undefined);
    who.cancel();
    await assert.rejects(again, /not connected/);
  });

  void it(`keeps at most ${MAX_WHO_RESULTS} users`, async () => {
    const who = new WhoSearches(1000);
    const found = who.search('p*', () => undefined);
    for (let i = 0; i < MAX_WHO_RESULTS + 20; i++) who.reply(user(`p${i}`));
    who.end('p*');
    assert.equal((await found).length, MAX_WHO_RESULTS);
  });

  void it('reads patterns and real names', () => {
    assert.equal(isWhoPattern('car*'), true);
    assert.equal(isWhoPattern('?ob'), true);
    assert.equal(isWhoPattern('carol'), false);
    assert.equal(whoReplyRealname('0 Carol Example'), 'Carol Example');
    assert.equal(whoReplyRealname('3'), '');
  });
});
