/**
 * Private messages to remote people (relay/private.ts) against stand-in network handles: who
 * may be reached, what the writer is told, the rate limit, and answers coming back.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '../../src/core/message.js';
import type { OutgoingMessage } from '../../src/core/network.js';
import type { ChannelRef, UserRef } from '../../src/core/refs.js';
import type { ModuleApi } from '../../src/modules/api.js';
import { silentLogger } from '../../src/core/log.js';
import { PrivateMessages } from '../../src/features/relay/private.js';
import type { RelayBridge } from '../../src/features/relay/config.js';

const alice: UserRef = { network: 'link', id: 'alice', nick: 'alice' };
const hank: UserRef = { network: 'jabber', id: 'room@muc/hank', nick: 'hank' };
const hankVirtual: UserRef = { network: 'link', id: 'hank|jabber', nick: 'hank|jabber' };
const room: ChannelRef = { network: 'jabber', id: 'room@muc' };
const bridge = { name: 'b', channels: [{ network: 'link', id: '#lobby' }, room], claim: [] } as unknown as RelayBridge;

function world(options: { inRoom?: boolean; refuse?: boolean } = {}) {
  const sent: Array<{ network: string; message: OutgoingMessage }> = [];
  const handle = (network: string, puppets: boolean) => ({
    name: network,
    capabilities: { puppets },
    state: () => 'connected',
    puppetOf: (user: UserRef) => (network === 'link' && user.id === hankVirtual.id ? hank : undefined),
    send: async (message: OutgoingMessage) => {
      if (options.refuse && network === 'jabber') throw new Error('no route');
      sent.push({ network, message });
      return { ids: ['x'] };
    },
  });
  const handles = new Map([['link', handle('link', true)], ['jabber', handle('jabber', false)]]);
  const api = {
    network: (name: string) => handles.get(name),
    members: (channel: ChannelRef) => (channel.network === 'jabber' && options.inRoom !== false ? [hank] : []),
    log: silentLogger(),
  } as unknown as ModuleApi;
  return { sent, privates: new PrivateMessages(api, [bridge]) };
}

function pm(author: UserRef, recipient: UserRef, text: string): Message {
  return { id: text, author, recipient, kind: 'message', body: [{ type: 'text', text }], attachments: [], ts: 0 };
}

const textOf = (m: OutgoingMessage) => m.body.map((r) => ('text' in r ? r.text : '')).join('');

it('reaches a remote person who is in a bridged room, and their answer comes back from their virtual client', async () => {
  const { sent, privates } = world();
  await privates.received('link', pm(alice, hankVirtual, 'psst'));
  assert.deepEqual(sent.map((s) => [s.network, s.message.target, textOf(s.message)]), [['jabber', { user: hank }, 'psst']]);
  assert.deepEqual(sent[0]?.message.attribution, [{ type: 'text', text: '<alice@link> ' }]);
  await privates.received('jabber', pm(hank, { network: 'jabber', id: 'bot' }, 'hi'));
  assert.deepEqual(sent[1]?.network, 'link');
  assert.deepEqual(sent[1]?.message.target, { user: alice });
  assert.deepEqual(sent[1]?.message.asUser, hank);
  // Someone nobody wrote to gets nowhere.
  await privates.received('jabber', pm({ network: 'jabber', id: 'room@muc/other', nick: 'other' }, { network: 'jabber', id: 'bot' }, 'hello?'));
  assert.equal(sent.length, 2);
});

it('tells the writer when the person is not in a bridged room, or their network cannot deliver', async () => {
  for (const [options, reason] of [[{ inRoom: false }, /hank is not in a bridged room on jabber now/], [{ refuse: true }, /jabber cannot deliver it \(no route\)/]] as const) {
    const { sent, privates } = world(options);
    await privates.received('link', pm(alice, hankVirtual, 'psst'));
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.network, 'link');
    assert.deepEqual(sent[0]?.message.target, { user: alice });
    assert.equal(sent[0]?.message.kind, 'notice');
    assert.deepEqual(sent[0]?.message.asUser, hank, 'from the virtual client written to');
    assert.match(textOf(sent[0]!.message), reason);
    // The reason travels with the notice, for networks that answer with an error (XMPP).
    assert.deepEqual(sent[0]?.message.refusal, { messageId: 'psst', reason: options.inRoom === false ? 'unreachable' : 'failed' });
  }
});

it('a person may answer someone who wrote to them from outside any room, within the conversation', async () => {
  // bob wrote to alice's JID on an XMPP component (recipient: a puppet JID), from no room.
  const bob: UserRef = { network: 'jabber', id: 'bob@example.org', nick: 'bob' };
  const alicePuppet: UserRef = { network: 'jabber', id: 'alice\\40link@gw.example' };
  const bobVirtual: UserRef = { network: 'link', id: 'bob|jabber', nick: 'bob|jabber' };
  const sent: Array<{ network: string; message: OutgoingMessage }> = [];
  const handle = (network: string) => ({
    name: network,
    capabilities: { puppets: true },
    state: () => 'connected',
    puppetOf: (user: UserRef) => (user.id === alicePuppet.id ? alice : user.id === bobVirtual.id ? bob : undefined),
    send: async (message: OutgoingMessage) => {
      sent.push({ network, message });
      return { ids: ['x'] };
    },
  });
  const handles = new Map([['link', handle('link')], ['jabber', handle('jabber')]]);
  const api = {
    network: (name: string) => handles.get(name),
    members: (channel: ChannelRef) => (channel.network === 'link' ? [alice] : []),
    log: silentLogger(),
  } as unknown as ModuleApi;
  const privates = new PrivateMessages(api, [bridge]);
  // alice's answer to bob's virtual client before bob wrote: bob is in no bridged room, refused.
  await privates.received('link', pm(alice, bobVirtual, 'early'));
  assert.equal(sent[0]?.message.refusal?.reason, 'unreachable');
  await privates.received('jabber', pm(bob, alicePuppet, 'hi alice'));
  assert.deepEqual([sent[1]?.network, sent[1]?.message.target, sent[1]?.message.asUser], ['link', { user: alice }, bob]);
  await privates.received('link', pm(alice, bobVirtual, 'hi bob'));
  assert.deepEqual([sent[2]?.network, sent[2]?.message.target, sent[2]?.message.asUser, textOf(sent[2]!.message)], ['jabber', { user: bob }, alice, 'hi bob']);
});

it('at most ten a minute per writer', async () => {
  const { sent, privates } = world();
  for (let i = 0; i < 12; i++) await privates.received('link', pm(alice, hankVirtual, `m${i}`));
  assert.equal(sent.filter((s) => s.network === 'jabber').length, 10);
  assert.equal(sent.filter((s) => s.network === 'link' && /too many private messages/.test(textOf(s.message))).length, 2);
  assert.ok(sent.filter((s) => s.network === 'link').every((s) => s.message.refusal?.reason === 'rate-limited'));
});
