/**
 * Who may correct or retract a message on every network: its author, or someone the network
 * says may moderate the channel the correction or retraction was made in. The author of each
 * source message is remembered when it is relayed (in memory for the latest messages, and
 * with every copy in the message map), so the check works on the source and on any copy, and
 * after a restart.
 */
import type { ChannelRef, UserRef } from '../../core/refs.js';
import type { MessageLocation, MessageMapStore } from '../../store/message-map.js';

/** How many recent authors are kept in memory (older ones are read from the message map). */
const REMEMBERED = 10_000;

/**
 * A key that is equal for the same sender, never for senders on different networks: the
 * strongest identity the network gave, in this order: the account (IRC services account,
 * XMPP real bare JID), the nick with its user@host (IRC), the id (IRC nick, XMPP occupant JID).
 * A sender whose identity is given differently later (an account that became known) does not
 * match: the check fails closed.
 */
export function authorKey(user: UserRef): string {
  if (user.account) return JSON.stringify([user.network, 'account', user.account]);
  if (user.host) return JSON.stringify([user.network, 'host', user.id, user.host]);
  return JSON.stringify([user.network, 'id', user.id]);
}

/** Why a correction or retraction may be applied, or that it may not. */
export type Verdict = 'author' | 'moderator' | 'denied';

export interface AuthorityOptions {
  readonly messages: Pick<MessageMapStore, 'findTargets'>;
  /** Whether the network says `user` may moderate `channel` (undefined: it cannot tell). */
  readonly isModerator: (channel: ChannelRef, user: UserRef) => boolean | undefined;
}

export class Authority {
  private readonly recent = new Map<string, string>();

  constructor(private readonly options: AuthorityOptions) {}

  /** Notes that `author` sent the source message at `source`; returns their author key. */
  remember(source: MessageLocation, author: UserRef): string {
    const key = authorKey(author);
    const where = locationKey(source);
    this.recent.delete(where);
    this.recent.set(where, key);
    if (this.recent.size > REMEMBERED) this.recent.delete(this.recent.keys().next().value!);
    return key;
  }

  /** The author key of the source message at `source`, when known. */
  async authorOf(source: MessageLocation): Promise<string | undefined> {
    const remembered = this.recent.get(locationKey(source));
    if (remembered !== undefined) return remembered;
    const copies = await this.options.messages.findTargets(source.network, source.messageId);
    return copies.find((copy) => copy.author !== undefined)?.author;
  }

  /**
   * May `actor`, in `channel`, correct or retract the message whose source is `original`?
   * Its author may; so may a moderator of `channel`; nobody else (also not when the author is
   * unknown, e.g. a message from before the upgrade or never relayed).
   */
  async judge(original: MessageLocation, actor: UserRef, channel: ChannelRef): Promise<Verdict> {
    if ((await this.authorOf(original)) === authorKey(actor)) return 'author';
    return this.options.isModerator(channel, actor) === true ? 'moderator' : 'denied';
  }
}

/** An in-memory key: network names never contain NUL (config names), so the first NUL ends the network. */
function locationKey(location: MessageLocation): string {
  return `${location.network}\u0000${location.messageId}`;
}
