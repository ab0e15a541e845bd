/**
 * Away and typing in the relay (relay/person-states.ts) against stand-in network handles: away
 * is queued as a native-only change for targets that show people natively; typing goes straight
 * to connected targets that show typing; neither for the bridge's own users, during a connect,
 * for someone the modules refuse, or where the bridge does not relay that side's messages.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { PuppetChange } from '../../src/core/network.js';
import type { ChannelRef, UserRef } from '../../src/core/refs.js';
import type { ModuleApi } from '../../src/modules/api.js';
import type { HubEvent } from '../../src/core/event.js';
import { silentLogger } from '../../src/core/log.js';
import { BUILTIN_DEFAULTS, type RelayBridge } from '../../src/features/relay/config.js';
import type { NoticeJob } from '../../src/features/relay/jobs.js';
import { PersonStates } from '../../src/features/relay/person-states.js';

const lobby: ChannelRef = { network: 'irc', id: '#lobby' };
const room: ChannelRef = { network: 'jabber', id: 'lobby@muc' };
const plain: ChannelRef = { network: 'other', id: '#plain' };
const alice: UserRef = { network: 'irc', id: 'alice', nick: 'alice' };
const bot: UserRef = { network: 'irc', id: 'relaybot', nick: 'relaybot' };

function world(options: { messages?: boolean; burst?: boolean; refuse?: boolean; state?: string } = {}) {
  const pushed: NoticeJob[] = [];
  const changes: Array<[ChannelRef, UserRef, PuppetChange]> = [];
  const handles = new Map<string, unknown>([
    ['irc', { name: 'irc', capabilities: { typing: false }, state: () => 'connected', botUser: () => bot, puppetOf: () => undefined }],
    ['jabber', {
      name: 'jabber', capabilities: { typing: true }, state: () => options.state ?? 'connected', botUser: () => undefined, puppetOf: () => undefined,
      puppetChange: async (channel: ChannelRef, user: UserRef, change: PuppetChange) => {
        changes.push([channel, user, change]);
        return true;
      },
    }],
    ['other', { name: 'other', capabilities: { typing: true }, state: () => 'connected', botUser: () => undefined, puppetOf: () => undefined }],
  ]);
  const events = { ...BUILTIN_DEFAULTS.events, messages: options.messages ?? true };
  const bridge = { name: 'b', channels: [lobby, room, plain], claim: [], optionsFor: () => ({ ...BUILTIN_DEFAULTS, events }) } as unknown as RelayBridge;
  const api = { network: (name: string) => handles.get(name), log: silentLogger() } as unknown as ModuleApi;
  const states = new PersonStates({
    api,
    bridgeOf: (channel) => (channel.network === 'irc' ? bridge : undefined),
    channelsWith: (network, nick) => (network === 'irc' && (nick === 'alice' || nick === 'relaybot') ? [lobby] : []),
    fromBurst: () => options.burst === true,
    mayRelay: async () => options.refuse !== true,
    push: (job) => pushed.push(job),
  });
  return { pushed, changes, states };
}

function away(user: UserRef, text: string): HubEvent<'AWAY'> {
  return { network: 'irc', sender: user.id, command: 'AWAY', args: { user, text }, ts: 1 } as HubEvent<'AWAY'>;
}

function typing(user: UserRef, state: 'composing' | 'active'): HubEvent<'TYPING'> {
  return { network: 'irc', sender: user.id, command: 'TYPING', args: { channel: lobby, user, state }, ts: 1 } as HubEvent<'TYPING'>;
}

it('queues away for the targets that show people natively, as a native-only change', async () => {
  const { pushed, states } = world();
  await states.away(away(alice, 'lunch'));
  assert.deepEqual(pushed.map((j) => [j.target, j.nativeOnly, j.native?.actor, j.native?.change]), [[room, true, alice, { kind: 'away', text: 'lunch' }]]);
  await states.away(away(alice, ''));
  assert.deepEqual(pushed[1]?.native?.change, { kind: 'away', text: '' });
  assert.deepEqual(pushed[1]?.message.body, []);
});

it('sends typing straight to connected targets that show typing', async () => {
  const { changes, pushed, states } = world();
  await states.typing(typing(alice, 'composing'));
  assert.deepEqual(changes, [[room, alice, { kind: 'typing', state: 'composing' }]]);
  assert.equal(pushed.length, 0, 'never queued');
  const down = world({ state: 'reconnecting' });
  await down.states.typing(typing(alice, 'composing'));
  assert.equal(down.changes.length, 0);
});

it('shows neither for the bridge\'s own bot, during a connect, for someone refused, or without that side\'s messages', async () => {
  for (const [options, who] of [[{}, bot], [{ burst: true }, alice], [{ refuse: true }, alice], [{ messages: false }, alice]] as const) {
    const { pushed, changes, states } = world(options);
    await states.away(away(who, 'lunch'));
    await states.typing(typing(who, 'composing'));
    assert.deepEqual([pushed.length, changes.length], [0, 0], JSON.stringify(options));
  }
});
