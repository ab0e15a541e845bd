/**
 * Private messages through a room (XEP-0045 §7.5, ADR 0010 §12): a person's message to an
 * occupant JID (`#lobby@gateway/carol`) goes to that participant on the legacy network by the
 * same one-to-one path as a message to the contact JID (`carol@gateway`), with its bounds and
 * errors. This file decides whether such a message may go, and to whom.
 */
import type { Element } from '@xmpp/xml';
import type { Room } from './rooms.js';
import type { ErrorCondition } from './xmpp/stanzas.js';

/** Where a private message through a room goes: the participant's nick, or why it does not. */
export type PrivateTarget =
  | { readonly kind: 'send'; readonly nick: string }
  | { readonly kind: 'refuse'; readonly condition: ErrorCondition; readonly text: string };

/**
 * The participant a message from `from` to `room/nick` is for. Only a resource in the room may
 * write privately through it (as in XEP-0045: occupants only), only to a nick now in the room
 * (`item-not-found` otherwise: the occupant JID names no one), and not as `groupchat`.
 */
export function privateTarget(message: Element, room: Room | undefined, from: string, nick: string): PrivateTarget {
  if (message.attrs.type === 'groupchat') return { kind: 'refuse', condition: 'bad-request', text: 'a groupchat message goes to the room\'s bare JID; private messages are type chat' };
  if (room === undefined || !room.resources.has(from)) return { kind: 'refuse', condition: 'not-acceptable', text: 'you are not in this room; join it first' };
  if (!room.participants.has(nick) && !room.isSelf(nick)) return { kind: 'refuse', condition: 'item-not-found', text: `no one called ${nick.slice(0, 64)} is in this room` };
  return { kind: 'send', nick };
}
