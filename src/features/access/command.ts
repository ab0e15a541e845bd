/**
 * `!access verify` in a channel: an admin asks for the channel (or, with `all`, every secured
 * channel) to be verified now. The reply summarises the decisions.
 */
import type { HubEvent } from '../../core/event.js';
import type { ChannelRef } from '../../core/refs.js';
import { plainText } from '../../core/richtext-ops.js';
import { matchesAny, type IdentityPattern } from './identity.js';

/** What a chat line asked for. */
export type AccessCommand =
  | { readonly kind: 'verify'; readonly scope: 'here' | 'all' }
  | { readonly kind: 'usage' };

/** Reads `!access …`; undefined when the line is not an access command. */
export function parseAccessCommand(text: string): AccessCommand | undefined {
  const words = text.trim().split(/\s+/);
  if (words[0]?.toLowerCase() !== '!access') return undefined;
  const [, sub, arg, ...rest] = words.map((w) => w.toLowerCase());
  if (sub === 'verify' && rest.length === 0 && (arg === undefined || arg === 'all' || arg === 'here')) {
    return { kind: 'verify', scope: arg === 'all' ? 'all' : 'here' };
  }
  return { kind: 'usage' };
}

export const USAGE = 'usage: !access verify (this channel) | !access verify all (every secured channel)';

/** The command in a channel message, with its channel, and whether the author may run it. */
export interface CommandRequest {
  readonly command: AccessCommand;
  readonly channel: ChannelRef;
  readonly allowed: boolean;
}

/** Reads an access command from a channel MESSAGE event; undefined for anything else. */
export function commandOf(event: HubEvent<'MESSAGE'>, admins: readonly IdentityPattern[]): CommandRequest | undefined {
  const { message } = event.args;
  if (!message.channel || message.kind === 'notice') return undefined;
  const command = parseAccessCommand(plainText(message.body));
  if (!command) return undefined;
  return { command, channel: message.channel, allowed: matchesAny(admins, message.author) };
}
