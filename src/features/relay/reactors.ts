/**
 * Who reacts to which message with what, as the relay saw it. Where a target shows reactions
 * natively, the relay's bot reacts once on the copy there for everyone who reacted in the
 * other channels; so one person withdrawing their reaction must not take the bot's reaction
 * away while somebody in another channel still reacts with the same emoji. In memory (the
 * latest messages); after a restart a withdrawal of a reaction made before it is applied as
 * it comes.
 */
import type { ChannelRef } from '../../core/refs.js';
import type { MessageLocation } from '../../store/message-map.js';

/** At most this many (message, reaction) pairs are remembered; the oldest go first. */
const REMEMBERED = 20_000;

/** One reactor: the channel they reacted in, and who they are (an author key). */
interface Reactor {
  readonly channel: ChannelRef;
  readonly who: string;
}

export class Reactors {
  private readonly byReaction = new Map<string, Map<string, Reactor>>();

  /**
   * Records that `who` (an author key), in `channel`, added or withdrew `reaction` on the
   * message whose source is `original`; returns the channels where others still react with it.
   */
  record(original: MessageLocation, reaction: string, channel: ChannelRef, who: string, removed: boolean): ChannelRef[] {
    const key = JSON.stringify([original.network, original.messageId, reaction]);
    const reactors = this.byReaction.get(key) ?? new Map<string, Reactor>();
    const reactorKey = JSON.stringify([channel.network, channel.id.toLowerCase(), who]);
    if (removed) reactors.delete(reactorKey);
    else reactors.set(reactorKey, { channel, who });
    this.byReaction.delete(key);
    if (reactors.size > 0) this.byReaction.set(key, reactors);
    if (this.byReaction.size > REMEMBERED) this.byReaction.delete(this.byReaction.keys().next().value!);
    return [...reactors.values()].filter((r) => r.who !== who).map((r) => r.channel);
  }
}
