/**
 * The relay's memory of which message it sent where, so that edits, deletes, replies and
 * reactions made to any copy of a message can reach every other copy.
 *
 * A *source* message is one a person sent; for it the relay sends one or more *target*
 * messages (several when it splits a long message; one of them is `primary`). A target is
 * never itself a source: the relay drops echoes of its own messages.
 */
import type { NetworkName } from '../core/refs.js';

/** Where a message lives: its network, its channel id on that network, and its id there. */
export interface MessageLocation {
  readonly network: NetworkName;
  /** The channel's id on that network (ChannelRef.id); `''` for a private message. */
  readonly channel: string;
  readonly messageId: string;
}

/** One message the relay sent for a source message. */
export interface SentMessage {
  readonly source: MessageLocation;
  readonly target: MessageLocation;
  /** The main message sent for the source (e.g. the first part of a split message). */
  readonly primary: boolean;
  /**
   * Who sent the source message, as an opaque key that is equal for the same sender (the
   * relay's `authorKey`: network plus account, user@host or id). Left out when unknown.
   */
  readonly author?: string;
}

/** A recorded mapping, as read back. */
export interface MessageMapping extends SentMessage {
  /** When it was recorded, in milliseconds since the epoch. */
  readonly createdAt: number;
}

/** One copy of a message found by `findCounterparts`. */
export interface MessageCopy extends MessageLocation {
  /** `source`: the original; `target`: a message the relay sent for it. */
  readonly role: 'source' | 'target';
  /** True for the source and for primary targets. */
  readonly primary: boolean;
}

export interface MessageMapStore {
  /**
   * Records a message the relay sent. Recording the same target again replaces the
   * earlier row (a retry is harmless).
   */
  recordSent(mapping: SentMessage): Promise<void>;
  /** Every message sent for the source message `messageId` on `network`, primary first. */
  findTargets(network: NetworkName, messageId: string): Promise<MessageMapping[]>;
  /** The source message that the relay's message `messageId` on `network` was sent for. */
  findSource(network: NetworkName, messageId: string): Promise<MessageMapping | undefined>;
  /**
   * Every other copy of the message `messageId` on `network`, whether that message is the
   * source or one of its targets: the source first, then the targets, primary first. Empty
   * when the message is unknown.
   */
  findCounterparts(network: NetworkName, messageId: string): Promise<MessageCopy[]>;
  /**
   * The messages the relay sent (targets) recorded within the last `withinMs` milliseconds,
   * oldest first: e.g. to recognise echoes of what an earlier run sent just before a restart.
   */
  sentWithin(withinMs: number): Promise<Array<Pick<MessageLocation, 'network' | 'messageId'>>>;
  /** Forgets mappings recorded more than `olderThanMs` milliseconds ago; returns how many. */
  prune(olderThanMs: number): Promise<number>;
}
