/**
 * The contacts commands' pure parts (contact-list.ts): presence in words (status cleaned and
 * capped), the list most recently used first and bounded, and one sync per person per interval.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Roster } from '../../src/gateway/contacts.js';
import { describePresence, listContacts, recentContacts, SyncPacer } from '../../src/gateway/contact-list.js';

describe('gateway contact list', () => {
  it('says a presence in words, with a cleaned and capped status', () => {
    assert.equal(describePresence('online', undefined), 'online');
    assert.equal(describePresence('busy', '  '), 'busy');
    assert.equal(describePresence('away', 'lunch\u0007\nback soon'), 'away (lunch  back soon)');
    assert.equal(describePresence('offline', 'x'.repeat(500)).length, 'offline ()'.length + 200);
  });

  it('lists the most recently used contacts first, at most the bound', () => {
    const roster = new Roster('gw.example.org', 10);
    for (const key of ['a', 'b', 'c']) roster.byKey(key, key.toUpperCase());
    roster.byKey('a');
    const contact = roster.known('b');
    if (contact !== undefined) {
      contact.show = 'away';
      contact.status = 'out';
    }
    assert.deepEqual(listContacts(recentContacts(roster)), [
      { jid: 'a@gw.example.org', name: 'A', presence: 'offline' },
      { jid: 'c@gw.example.org', name: 'C', presence: 'offline' },
      { jid: 'b@gw.example.org', name: 'B', presence: 'away (out)' },
    ]);
    assert.deepEqual(recentContacts(roster, 1).map((c) => c.key), ['a']);
  });

  it('lets each person sync once per interval', () => {
    let now = 1000;
    const pacer = new SyncPacer(100, () => now);
    assert.equal(pacer.wait('a@x'), 0);
    assert.equal(pacer.wait('b@x'), 0);
    now += 40;
    assert.equal(pacer.wait('a@x'), 60);
    now += 60;
    assert.equal(pacer.wait('a@x'), 0);
    assert.equal(pacer.wait('a@x'), 100);
  });
});
