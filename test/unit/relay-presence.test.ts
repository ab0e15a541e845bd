/**
 * People's presence as the relay tells it to networks that show it (relay/presence.ts), against
 * a stand-in module API: available while in a bridged channel, away with an away message,
 * unavailable after leaving every bridged channel or losing their network; the burst's scan.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { PresenceArgs } from '../../src/core/catalog.js';
import type { ChannelRef, UserRef } from '../../src/core/refs.js';
import type { ModuleApi } from '../../src/modules/api.js';
import { silentLogger } from '../../src/core/log.js';
import { PresenceRelay } from '../../src/features/relay/presence.js';
import type { RelayBridge } from '../../src/features/relay/config.js';

const lobby: ChannelRef = { network: 'irc', id: '#lobby' };
const side: ChannelRef = { network: 'irc', id: '#side' };
const room: ChannelRef = { network: 'jabber', id: 'lobby@muc' };
const bridges = [
  { name: 'a', channels: [lobby, room] },
  { name: 'b', channels: [side, room] },
] as unknown as RelayBridge[];
const alice: UserRef = { network: 'irc', id: 'alice', nick: 'alice' };
const bot: UserRef = { network: 'irc', id: 'relaybot', nick: 'relaybot' };
const puppet: UserRef = { network: 'irc', id: 'bob|jabber', nick: 'bob|jabber' };

function world() {
  const members = new Map<string, UserRef[]>([['#lobby', [bot, puppet]], ['#side', [bot]], ['lobby@muc', []]]);
  const told: PresenceArgs[][] = [];
  const listeners = new Map<string, (event: unknown) => unknown>();
  const handles = new Map<string, unknown>([
    ['irc', { name: 'irc', botUser: () => bot, puppetOf: (u: UserRef) => (u.id === puppet.id ? { network: 'jabber', id: 'bob@x' } : undefined) }],
    ['jabber', { name: 'jabber', botUser: () => undefined, puppetOf: () => undefined, presence: async (updates: PresenceArgs[]) => void told.push(updates) }],
  ]);
  const api = {
    networks: () => [...handles.values()],
    network: (name: string) => handles.get(name),
    members: (channel: ChannelRef) => members.get(channel.id) ?? [],
    on: (command: string, listener: (event: unknown) => unknown) => void listeners.set(command, listener),
    log: silentLogger(),
  } as unknown as ModuleApi;
  new PresenceRelay(api, bridges).listen();
  const emit = async (command: string, network: string, args: object) => listeners.get(command)?.({ network, command, args, ts: Date.now(), sender: network });
  const states = () => told.map((batch) => batch.map((u) => `${u.user.id}:${u.state}${u.status === undefined ? '' : `:${u.status}`}`));
  return { members, told, emit, states };
}

it('after the burst, the people of the bridged channels (not the bot, not users of their own) are told once', async () => {
  const { members, emit, states } = world();
  members.get('#lobby')!.push(alice);
  members.get('#side')!.push(alice);
  await emit('JOIN', 'irc', { channel: lobby, users: [alice] }); // during the burst: the scan tells it
  await emit('ENDBURST', 'irc', { server: 'irc' });
  assert.deepEqual(states(), [['alice:online']]);
});

it('available while in any bridged channel, away with an away message, unavailable when gone or disconnected', async () => {
  const { members, emit, states } = world();
  await emit('ENDBURST', 'irc', { server: 'irc' });
  members.get('#lobby')!.push(alice);
  await emit('JOIN', 'irc', { channel: lobby, users: [alice] });
  members.get('#side')!.push(alice);
  await emit('JOIN', 'irc', { channel: side, users: [alice] }); // no change
  await emit('AWAY', 'irc', { user: alice, text: 'lunch' });
  members.set('#lobby', [bot]);
  await emit('PART', 'irc', { channel: lobby, user: alice, reason: '' }); // still in #side
  await emit('AWAY', 'irc', { user: alice, text: '' });
  members.set('#side', [bot]);
  await emit('KICK', 'irc', { channel: side, target: alice, reason: '' });
  members.set('#side', [bot, alice]);
  await emit('JOIN', 'irc', { channel: side, users: [alice] });
  await emit('DISCONNECT', 'irc', { wasSuccessful: true, reason: 'x' });
  assert.deepEqual(states(), [['alice:online'], ['alice:away:lunch'], ['alice:online'], ['alice:offline'], ['alice:online'], ['alice:offline']]);
});

it('a nick change: the old id goes, the new one comes, the away message moves along', async () => {
  const { members, emit, states } = world();
  members.get('#lobby')!.push(alice);
  await emit('ENDBURST', 'irc', { server: 'irc' });
  await emit('AWAY', 'irc', { user: alice, text: 'afk' });
  members.set('#lobby', [bot, { network: 'irc', id: 'alicia', nick: 'alicia' }]);
  await emit('NICK', 'irc', { user: alice, oldNick: 'alice', newNick: 'alicia' });
  assert.deepEqual(states(), [['alice:online'], ['alice:away:afk'], ['alice:offline', 'alicia:away:afk']]);
});
