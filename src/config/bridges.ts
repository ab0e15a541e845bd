/**
 * The `bridges:` section: each bridge's channels (`network:channel`) must name configured
 * networks, a bridge links at least two channels, and a channel belongs to one bridge only.
 */
import { formatChannelRef, parseChannelRef, type ChannelRef } from '../core/refs.js';
import type { BridgeConfig } from './types.js';
import { NAME_RULE } from './networks.js';
import type { FieldPath, FieldProblem } from './path.js';
import { NAME_PATTERN } from './schema.js';
import { didYouMean } from './suggest.js';

/**
 * The key under which two refs count as the same channel: IRC channel names and XMPP room
 * JIDs are both case-insensitive, so `#Lobby` and `#lobby` are one channel.
 */
function channelKey(ref: ChannelRef): string {
  return `${ref.network}:${ref.id.toLowerCase()}`;
}

/** A bridge entry split into its channel list (with where it sits) and its other options. */
function splitEntry(entry: unknown): { list: unknown[]; listPath: FieldPath; options: Record<string, unknown> } | undefined {
  if (Array.isArray(entry)) return { list: entry, listPath: [], options: {} };
  if (entry !== null && typeof entry === 'object' && Array.isArray((entry as { channels?: unknown }).channels)) {
    const { channels, ...options } = entry as { channels: unknown[] };
    return { list: channels, listPath: ['channels'], options };
  }
  return undefined;
}

/**
 * Validates every entry of `bridges:` (raw data after env substitution) against the names of
 * the configured networks. Entries of the wrong shape are skipped: the hub schema reports them.
 */
export function validateBridges(raw: unknown, networkNames: readonly string[]): { bridges: BridgeConfig[]; problems: FieldProblem[] } {
  const bridges: BridgeConfig[] = [];
  const problems: FieldProblem[] = [];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { bridges, problems };
  const owner = new Map<string, string>();
  const networkList = networkNames.length > 0 ? `configured networks: ${networkNames.join(', ')}` : 'no networks are configured';

  for (const [name, entry] of Object.entries(raw)) {
    if (!NAME_PATTERN.test(name)) problems.push({ path: ['bridges', name], reason: `invalid bridge name: ${NAME_RULE}` });
    const split = splitEntry(entry);
    if (!split) continue;
    const listPath: FieldPath = ['bridges', name, ...split.listPath];
    if (split.list.length < 2) {
      problems.push({ path: listPath, reason: `a bridge links at least 2 channels, found ${split.list.length}` });
    }
    const channels: ChannelRef[] = [];
    for (const [index, text] of split.list.entries()) {
      if (typeof text !== 'string') continue;
      const path = [...listPath, index];
      const ref = parseChannelRef(text);
      if (!ref) {
        problems.push({ path, reason: `not "network:channel" (e.g. "libera:#lobby" or "jabber:lobby@conference.example.org")` });
        continue;
      }
      if (!networkNames.includes(ref.network)) {
        problems.push({ path, reason: `unknown network "${ref.network}"${didYouMean(ref.network, networkNames)}; ${networkList}` });
        continue;
      }
      const key = channelKey(ref);
      const other = owner.get(key);
      if (other === name) {
        problems.push({ path, reason: `channel "${formatChannelRef(ref)}" is listed twice in this bridge` });
      } else if (other !== undefined) {
        problems.push({ path, reason: `channel "${formatChannelRef(ref)}" is in both bridge "${other}" and bridge "${name}"; a channel may belong to only one bridge, merge the bridges or remove it from one` });
      } else {
        owner.set(key, name);
        channels.push(ref);
      }
    }
    bridges.push({ name, channels, options: split.options });
  }
  return { bridges, problems };
}
