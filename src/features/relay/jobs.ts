/**
 * A relay job: one delivery to one target channel, as kept in the persisted per-target queue.
 * Jobs are plain JSON. Every job carries the `message` that went through `beforeSend` for that
 * target (for events that are not messages, a message describing the event); lookups of the
 * target's copies of other messages happen when the job is delivered, so an edit queued right
 * behind its message finds the message's copy.
 */
import type { Message } from '../../core/message.js';
import type { PuppetChange } from '../../core/network.js';
import type { ChannelRef, UserRef } from '../../core/refs.js';
import type { RichText } from '../../core/richtext.js';
import type { MessageLocation } from '../../store/message-map.js';

/** The start of a message, kept for readable fallbacks (quotes in replies and reactions). */
export interface Excerpt {
  /** The author's nick. */
  readonly nick: string;
  /** The start of the plain text. */
  readonly text: string;
}

/** A new message. `reply` is set when it answers another message. */
export interface MessageJob {
  readonly op: 'message';
  readonly bridge: string;
  readonly target: ChannelRef;
  /** The source message (where it was said, its id there). */
  readonly source: MessageLocation;
  /** Who sent the source message (authorKey), recorded with each copy; missing in jobs queued by older versions. */
  readonly author?: string;
  readonly message: Message;
  /** The message it replies to (its original location) and a quote of it. */
  readonly reply?: { readonly original: MessageLocation; readonly quote?: Excerpt };
}

/** A correction of the message at `original`. */
export interface EditJob {
  readonly op: 'edit';
  readonly bridge: string;
  readonly target: ChannelRef;
  readonly original: MessageLocation;
  readonly message: Message;
}

/** The message at `original` was deleted; `message.author` is who deleted it. */
export interface DeleteJob {
  readonly op: 'delete';
  readonly bridge: string;
  readonly target: ChannelRef;
  readonly original: MessageLocation;
  readonly quote?: Excerpt;
  readonly message: Message;
}

/** A reaction to the message at `original` was added or removed; `message.author` reacted. */
export interface ReactJob {
  readonly op: 'react';
  readonly bridge: string;
  readonly target: ChannelRef;
  readonly original: MessageLocation;
  readonly reaction: string;
  readonly removed: boolean;
  /**
   * For a withdrawal: the channels where others still react with it. A target's native
   * reaction (one for everyone elsewhere) stays while one of them is not the target itself.
   */
  readonly stillReactedIn?: readonly ChannelRef[];
  readonly quote?: Excerpt;
  readonly message: Message;
}

/** A membership or channel event (join, part, quit, kick, nick, topic) shown as a notice. */
export interface NoticeJob {
  readonly op: 'notice';
  readonly bridge: string;
  readonly target: ChannelRef;
  /** `message.author` is who it is about; `message.body` describes what happened. */
  readonly message: Message;
  /**
   * The change as a target with puppets shows it natively (Network.puppetChange), made by
   * `actor`: tried first, and the notice is sent only when the target cannot show it.
   */
  readonly native?: { readonly actor: UserRef; readonly change: PuppetChange };
  /** Only the native change: nothing is sent where the target cannot show it (a resync after a reconnect). */
  readonly nativeOnly?: boolean;
}

/**
 * The person `message.author` left the source channel (`quit`: their network): a target that
 * shows people as users of their own (capabilities.puppets) takes theirs out of the target
 * channel. Queued in line with the messages, so that a part never overtakes what they said.
 */
export interface LeaveJob {
  readonly op: 'leave';
  readonly bridge: string;
  readonly target: ChannelRef;
  /** `message.author` is who left; `message.body` the reason. */
  readonly message: Message;
  readonly quit: boolean;
  /**
   * Set when they did not leave but were renamed (now `renamed`): a target that can show it
   * natively renames their user of its own instead (Network.puppetChange); others let it go.
   */
  readonly renamed?: UserRef;
}

export type RelayJob = MessageJob | EditJob | DeleteJob | ReactJob | NoticeJob | LeaveJob;

/** A message describing an event (for beforeSend and the notice text). */
export function describe(channel: ChannelRef, author: UserRef, body: RichText, ts: number, id: string): Message {
  return { id, channel, author, kind: 'notice', body, attachments: [], ts };
}

/** How long quotes are (characters of plain text). */
export const QUOTE_LENGTH = 40;

/**
 * The start of `text` for a quote: whitespace collapsed (each run one space, none at either end),
 * cut at QUOTE_LENGTH code points with an ellipsis. Reads only as far as the quote needs (a
 * message may be long); one pass, no per-character allocation beyond the characters themselves.
 */
export function quoteStart(text: string): string {
  let quote = '';
  let length = 0;
  let space = false;
  for (const char of text) {
    if (isSpace(char)) {
      space = length > 0;
      continue;
    }
    if (space) {
      if (length === QUOTE_LENGTH) return `${quote}…`;
      quote += ' ';
      length += 1;
      space = false;
    }
    if (length === QUOTE_LENGTH) return `${quote}…`;
    quote += char;
    length += 1;
  }
  return quote;
}

/** Whether `char` is whitespace as `/\s/u` means it (ASCII answered without the expression). */
function isSpace(char: string): boolean {
  const code = char.charCodeAt(0);
  if (code < 0x80) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  return /\s/u.test(char);
}
