/**
 * Messages and attachments, as carried by the MESSAGE and EDIT events and sent by networks.
 */
import type { ChannelRef, UserRef } from './refs.js';
import type { RichText } from './richtext.js';

/** How a message was sent: a normal message, a notice (IRC NOTICE), or an action (/me). */
export type MessageKind = 'message' | 'notice' | 'action';

/** A file or media item attached to a message. */
export interface Attachment {
  /** Where the file can be fetched (http(s) URL), when it has one. */
  readonly url?: string;
  readonly name: string;
  readonly mimeType?: string;
  /** Size in bytes, when known. */
  readonly size?: number;
}

/** One chat message, network-neutral. */
export interface Message {
  /** The id on the source network (IRCv3 msgid, XMPP stanza-id), or one minted by Switchboard. */
  readonly id: string;
  /** The channel it was said in; absent for a private (direct) message. */
  readonly channel?: ChannelRef;
  /** The recipient of a private message; absent for a channel message. */
  readonly recipient?: UserRef;
  readonly author: UserRef;
  readonly kind: MessageKind;
  readonly body: RichText;
  readonly attachments: readonly Attachment[];
  /** Id of the message this one replies to, on the same network. */
  readonly replyTo?: string;
  /** Id of the thread root, where the network has threads. */
  readonly thread?: string;
  /** Id of the message this one replaces (a correction), when it is an edit. */
  readonly editOf?: string;
  /** Milliseconds since the Unix epoch, when it was sent. */
  readonly ts: number;
  /**
   * true when the message carries a bridge's hop marker (it was relayed from elsewhere) and its
   * sender is one of the network's configured `peerBridges`; adapters ignore the marker from anyone else.
   */
  readonly relayed?: boolean;
  /**
   * true when the message reaches the hub late, after an outage: caught up from the source's
   * archive (an XMPP room's XEP-0313 archive) rather than received live; `ts` is when it was
   * said. Targets show it as delayed (OutgoingMessage.sentAt).
   */
  readonly delayed?: boolean;
}
