/**
 * The XMPP component's presence side without a server: the combination rule of the presence
 * router's call site (presence-routing.ts), subscriptions and their limits, what people's states
 * are kept, the answers to subscription requests and probes, refusals as error stanzas, and the
 * hub's view of the modules' presence router.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Element } from '@xmpp/xml';
import xml from '@xmpp/xml';
import type { PresenceArgs } from '../../src/core/catalog.js';
import type { PresenceRouterCalls } from '../../src/core/network.js';
import { silentLogger } from '../../src/core/log.js';
import { LogOnce } from '../../src/networks/log-once.js';
import { presenceRecipients, type PuppetUpdate } from '../../src/networks/xmpp-component/presence-routing.js';
import { Subscriptions } from '../../src/networks/xmpp-component/subscriptions.js';
import { People, puppetBareJid } from '../../src/networks/xmpp-component/people.js';
import { Presences } from '../../src/networks/xmpp-component/presences.js';
import { refusalStanza, REFUSAL_CONDITIONS, Writers } from '../../src/networks/xmpp-component/direct-messages.js';
import { presenceRoutingOf } from '../../src/app/presence-routing.js';
import { PRESENCE_ALL_USERS } from '../../src/modules/callbacks/values.js';
import { MemoryStore } from '../support/memory-store.js';

const DOMAIN = 'gw.example';
const alice: PresenceArgs = { user: { network: 'irc', id: 'alice', nick: 'alice' }, state: 'online' };
const dave: PresenceArgs = { user: { network: 'irc', id: 'dave', nick: 'dave' }, state: 'away', status: 'lunch' };
const ALICE = 'alice\\40irc@gw.example';
const DAVE = 'dave\\40irc@gw.example';
const options = { network: 'jabber', domain: DOMAIN, maxRecipients: 100, puppetOf: (u: PresenceArgs) => puppetBareJid(u.user, DOMAIN) };
const subs = (table: Record<string, string[]>) => (puppet: string) => table[puppet] ?? [];
const shape = (recipients: Map<string, Map<string, PresenceArgs>>) =>
  Object.fromEntries([...recipients].map(([to, m]) => [to, [...m].map(([p, u]) => `${p}:${u.state}`)]));

describe('who receives a puppet\'s presence (the presence router call site)', () => {
  it('subscribers by default; the router adds users of this network only, never removes', () => {
    const updates: PuppetUpdate[] = [{ puppet: ALICE, update: alice }, { puppet: DAVE, update: dave }];
    const routed = new Map<string, Set<PresenceArgs>>([
      ['jabber:carol@example.org', new Set([alice])],
      ['jabber:Bob@Example.org', new Set([dave])], // same user as a subscriber, in another case
      ['irc:zed', new Set([alice])], // another network: not ours to deliver
      ['jabber:not a jid', new Set([alice])],
      ['jabber:x@gw.example', new Set([alice])], // a puppet of our own
    ]);
    const { recipients, truncated } = presenceRecipients(updates, subs({ [ALICE]: ['bob@example.org'] }), routed, options);
    assert.equal(truncated, false);
    assert.deepEqual(shape(recipients), {
      'bob@example.org': [`${ALICE}:online`, `${DAVE}:away`],
      'carol@example.org': [`${ALICE}:online`],
    });
    // No router: only subscribers.
    assert.deepEqual(shape(presenceRecipients(updates, subs({ [DAVE]: ['bob@example.org'] }), undefined, options).recipients), { 'bob@example.org': [`${DAVE}:away`] });
  });

  it('one update per recipient and puppet (the last given), and at most maxRecipients recipients', () => {
    const gone: PresenceArgs = { user: alice.user, state: 'offline' };
    const { recipients } = presenceRecipients([{ puppet: ALICE, update: alice }, { puppet: ALICE, update: gone }], subs({ [ALICE]: ['bob@example.org'] }), undefined, options);
    assert.deepEqual(shape(recipients), { 'bob@example.org': [`${ALICE}:offline`] });
    const many = Array.from({ length: 5 }, (_, i) => `u${i}@example.org`);
    const capped = presenceRecipients([{ puppet: ALICE, update: alice }], subs({ [ALICE]: many }), undefined, { ...options, maxRecipients: 3 });
    assert.equal(capped.truncated, true);
    assert.equal(capped.recipients.size, 3);
  });

  it('property: every subscriber of an updated puppet gets it, whatever the router answers', () => {
    const jid = fc.constantFrom('a@x.org', 'b@x.org', 'c@y.org', 'd@gw.example', 'nope');
    fc.assert(fc.property(
      fc.array(jid, { maxLength: 4 }),
      fc.array(fc.tuple(fc.constantFrom('jabber:', 'irc:', ''), jid, fc.boolean()), { maxLength: 6 }),
      (subscribers, routes) => {
        const routed = new Map(routes.map(([net, id, both]) => [`${net}${id}`, new Set(both ? [alice, dave] : [dave])]));
        const { recipients } = presenceRecipients([{ puppet: ALICE, update: alice }], () => subscribers, routed, options);
        for (const s of subscribers) assert.equal(recipients.get(s)?.get(ALICE), alice);
        for (const [to] of recipients) assert.ok((subscribers as string[]).includes(to) || routes.some(([net, id]) => net === 'jabber:' && id === to));
      },
    ));
  });
});

describe('subscriptions', () => {
  it('are stored, bounded per subscriber and in all, and read back after a restart', async () => {
    const store = new MemoryStore();
    const subscriptions = new Subscriptions(store, { maxTotal: 3, maxPerSubscriber: 2 });
    assert.equal(await subscriptions.add(ALICE, 'bob@x.org'), 'added');
    assert.equal(await subscriptions.add(ALICE, 'bob@x.org'), 'present');
    assert.equal(await subscriptions.add(DAVE, 'bob@x.org'), 'added');
    assert.equal(await subscriptions.add('carl\\40irc@gw.example', 'bob@x.org'), 'full', 'two per subscriber');
    assert.equal(await subscriptions.add(ALICE, 'carol@x.org'), 'added');
    assert.equal(await subscriptions.add(DAVE, 'erin@x.org'), 'full', 'three in all');
    assert.equal(await subscriptions.add(DAVE, 'a b@x.org'), 'full', 'no JID has a space');
    const again = new Subscriptions(store, { maxTotal: 3, maxPerSubscriber: 2 });
    await again.load();
    assert.deepEqual([...again.subscribersOf(ALICE)].sort(), ['bob@x.org', 'carol@x.org']);
    assert.equal(await again.remove(ALICE, 'bob@x.org'), true);
    assert.equal(await again.remove(ALICE, 'bob@x.org'), false);
    assert.equal(await again.add(DAVE, 'erin@x.org'), 'added', 'room again');
    assert.deepEqual(await store.keys('sub '), [`sub ${ALICE} carol@x.org`, `sub ${DAVE} bob@x.org`, `sub ${DAVE} erin@x.org`]);
  });
});

describe('people\'s states', () => {
  it('keeps who is available or away, forgets who went offline, and is bounded', () => {
    const people = new People(DOMAIN, 2);
    assert.equal(people.update(alice), ALICE);
    people.update(dave);
    assert.deepEqual(people.get(DAVE), { user: dave.user, state: 'away', status: 'lunch' });
    people.update({ user: { network: 'irc', id: 'erin' }, state: 'online' });
    assert.equal(people.get(ALICE), undefined, 'the oldest went');
    people.update({ user: dave.user, state: 'offline' });
    assert.equal(people.get(DAVE), undefined);
    assert.equal(people.update({ user: { network: 'irc', id: 'x'.repeat(2000) }, state: 'online' }), undefined, 'no JID for that id');
  });
});

/** A Presences with a record of what it sent. */
function presences(routing?: PresenceRouterCalls, online = { now: true }) {
  const sent: Element[] = [];
  const people = new People(DOMAIN);
  const subscriptions = new Subscriptions(new MemoryStore());
  const p = new Presences({
    network: 'jabber', domain: DOMAIN, people, subscriptions, ...(routing === undefined ? {} : { routing }),
    logOnce: new LogOnce(silentLogger()), send: async (el) => void sent.push(el), online: () => online.now,
  });
  return { p, sent, people, subscriptions };
}
const kinds = (sent: Element[]) => sent.map((el) => `${String(el.attrs.type ?? 'available')}>${String(el.attrs.to)}`);
const request = (type: string, from = 'bob@x.org/pc') => xml('presence', { type, from, to: ALICE });
const ALICE_ID = { network: 'irc', userId: 'alice' };

describe('subscription requests and probes', () => {
  it('subscribe: subscribed with the nick and the presence for someone present, unsubscribed otherwise', async () => {
    const { p, sent, people, subscriptions } = presences();
    await p.request(request('subscribe'), ALICE_ID, ALICE);
    assert.deepEqual(kinds(sent), ['unsubscribed>bob@x.org']);
    people.update(dave);
    people.update(alice);
    sent.length = 0;
    await p.request(request('subscribe'), ALICE_ID, ALICE);
    assert.deepEqual(kinds(sent), ['subscribed>bob@x.org', 'available>bob@x.org']);
    assert.equal(sent[0]?.getChildText('nick', 'http://jabber.org/protocol/nick'), 'alice');
    assert.equal(sent[1]?.attrs.from, `${ALICE}/switchboard`);
    assert.ok(subscriptions.has(ALICE, 'bob@x.org'));
    // A change reaches the subscriber; unsubscribe answers unavailable and stops it.
    sent.length = 0;
    await p.update([{ user: alice.user, state: 'away', status: 'brb' }, dave]);
    assert.deepEqual(kinds(sent), ['available>bob@x.org']);
    assert.deepEqual([sent[0]?.getChildText('show'), sent[0]?.getChildText('status')], ['away', 'brb']);
    sent.length = 0;
    await p.request(request('unsubscribe'), ALICE_ID, ALICE);
    await p.update([{ user: alice.user, state: 'offline' }]);
    assert.deepEqual(kinds(sent), ['unavailable>bob@x.org']);
  });

  it('probe: answered for a subscriber or someone the router lets see, unsubscribed otherwise', async () => {
    let answer: ReadonlySet<string> | 'all' = new Set();
    const routing: PresenceRouterCalls = { active: () => true, usersForStates: async () => new Map(), interestedUsers: async () => answer };
    const { p, sent, people } = presences(routing);
    people.update(alice);
    await p.request(request('probe', 'carol@x.org'), ALICE_ID, ALICE);
    answer = new Set(['irc:alice']);
    await p.request(request('probe', 'carol@x.org'), ALICE_ID, ALICE);
    answer = 'all';
    await p.request(request('probe', 'carol@x.org'), ALICE_ID, ALICE);
    assert.deepEqual(kinds(sent), ['unsubscribed>carol@x.org', 'available>carol@x.org', 'available>carol@x.org']);
  });

  it('after a connect, every subscriber is told the current state, unavailable included', async () => {
    const { p, sent, people, subscriptions } = presences();
    people.update(alice);
    people.update(dave);
    await subscriptions.add(ALICE, 'bob@x.org');
    await subscriptions.add(DAVE, 'carol@x.org');
    people.update({ user: dave.user, state: 'offline' }); // left while the component was away
    await p.announce();
    assert.deepEqual(sent.map((el) => `${String(el.attrs.from)} ${kinds([el])[0]}`).sort(), [`${ALICE}/switchboard available>bob@x.org`, `${DAVE}/switchboard unavailable>carol@x.org`]);
    // A clean shutdown: the available ones go unavailable.
    assert.deepEqual(p.goodbyes().map((el) => `${String(el.attrs.from)} ${kinds([el])[0]}`), [`${ALICE}/switchboard unavailable>bob@x.org`]);
  });

  it('the router\'s recipients get updates too; nothing is sent while offline', async () => {
    const routing: PresenceRouterCalls = {
      active: () => true,
      usersForStates: async (updates) => new Map([['jabber:carol@x.org', new Set(updates)]]),
      interestedUsers: async () => new Set(),
    };
    const online = { now: false };
    const { p, sent, people } = presences(routing, online);
    await p.update([alice]);
    assert.deepEqual(kinds(sent), []);
    assert.equal(people.get(ALICE)?.state, 'online', 'noted all the same');
    online.now = true;
    await p.update([alice]);
    assert.deepEqual(kinds(sent), ['available>carol@x.org']);
  });
});

describe('refusals and the hub\'s view of the router', () => {
  it('a refusal is an error stanza from the puppet with the message id, condition and text', () => {
    for (const [reason, { type, condition }] of Object.entries(REFUSAL_CONDITIONS)) {
      const el = refusalStanza(ALICE, 'bob@x.org/pc', 'm1', reason as keyof typeof REFUSAL_CONDITIONS, 'Your message was not delivered: why.');
      assert.deepEqual([el.name, el.attrs.type, el.attrs.from, el.attrs.to, el.attrs.id], ['message', 'error', ALICE, 'bob@x.org/pc', 'm1']);
      assert.equal(el.getChild('error')?.attrs.type, type);
      assert.ok(el.getChild('error')?.getChild(condition, 'urn:ietf:params:xml:ns:xmpp-stanzas'));
      assert.equal(el.getChild('error')?.getChildText('text', 'urn:ietf:params:xml:ns:xmpp-stanzas'), 'Your message was not delivered: why.');
    }
    const writers = new Writers();
    assert.equal(writers.fullJid('bob@x.org'), 'bob@x.org');
    writers.wrote('bob@x.org/phone');
    assert.equal(writers.fullJid('bob@x.org'), 'bob@x.org/phone', 'message errors reach full JIDs only');
  });

  it('PRESENCE_ALL_USERS is "all" for networks', async () => {
    let all = true;
    const routing = presenceRoutingOf({
      active: true,
      getUsersForStates: async () => new Map(),
      getInterestedUsers: async () => (all ? PRESENCE_ALL_USERS : new Set(['irc:alice'])),
    });
    assert.equal(await routing.interestedUsers('jabber:bob@x.org'), 'all');
    all = false;
    assert.deepEqual(await routing.interestedUsers('jabber:bob@x.org'), new Set(['irc:alice']));
    assert.equal(routing.active(), true);
  });
});
