/**
 * The answer to `!bridge status`: every channel of the bridge with its network's state and the
 * number of deliveries waiting for it.
 */
import type { ChannelRef } from '../../core/refs.js';
import type { NetworkHandle } from '../../core/network-handle.js';
import type { RelayBridge } from './config.js';

/** e.g. `bridge lobby: irc:#lobby up, queue 0 | jabber:lobby@conference.example.org down, queue 12 | failed 0` */
export function statusText(
  bridge: Pick<RelayBridge, 'name' | 'channels'>,
  network: (name: string) => Pick<NetworkHandle, 'state'> | undefined,
  queueDepth: (target: ChannelRef) => number,
  failed: number,
): string {
  const parts = bridge.channels.map((channel) => {
    const state = network(channel.network)?.state();
    const shown = state === 'connected' ? 'up' : state === undefined ? 'unknown network' : `down (${state})`;
    return `${channel.network}:${channel.id} ${shown}, queue ${queueDepth(channel)}`;
  });
  return `bridge ${bridge.name}: ${parts.join(' | ')} | failed deliveries ${failed}`;
}
