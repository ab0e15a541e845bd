/**
 * The contacts each person watches, kept across restarts: kept once, bounded (oldest forgotten),
 * a damaged entry read as none, dropped on unsubscribe, removed on unregister, and writes of one person in order.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../src/core/log.js';
import { WatchedContacts } from '../../src/gateway/watched-contacts.js';
import { MemoryStore } from '../support/memory-store.js';

describe('watched contacts', () => {
  it('contacts are kept once, in order, per person; the oldest are forgotten past the bound', async () => {
    const store = new MemoryStore();
    const watched = new WatchedContacts(store, silentLogger(), 3);
    await Promise.all(['carol', 'dave', 'carol', 'erin', 'frank'].map((key) => watched.add('alice@x', key)));
    void watched.add('bob@x', 'carol');
    await watched.settled();
    assert.deepEqual(await store.get('contacts:bob@x'), ['carol']);
    assert.deepEqual(await watched.load('alice@x'), ['dave', 'erin', 'frank']);
    assert.deepEqual(await new WatchedContacts(store, silentLogger(), 3).load('bob@x'), ['carol']);
  });

  it('an unsubscribed contact is dropped; the last one takes the entry with it', async () => {
    const store = new MemoryStore();
    const watched = new WatchedContacts(store, silentLogger());
    await watched.add('alice@x', 'carol');
    await watched.add('alice@x', 'dave');
    await watched.drop('alice@x', 'carol');
    await watched.drop('alice@x', 'erin');
    assert.deepEqual(await watched.load('alice@x'), ['dave']);
    await watched.drop('alice@x', 'dave');
    assert.deepEqual(await store.keys(), []);
  });

  it('unregistering removes them; a damaged entry or key reads as none', async () => {
    const store = new MemoryStore();
    const watched = new WatchedContacts(store, silentLogger());
    await watched.add('alice@x', 'carol');
    await watched.add('alice@x', 'x'.repeat(300));
    await watched.remove('alice@x');
    assert.deepEqual(await watched.load('alice@x'), []);
    assert.deepEqual(await store.keys(), []);
    await store.set('contacts:bob@x', { not: 'a list' });
    assert.deepEqual(await watched.load('bob@x'), []);
    await store.set('contacts:bob@x', ['carol', 42, '', null]);
    assert.deepEqual(await watched.load('bob@x'), ['carol']);
  });
});
