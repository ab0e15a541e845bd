/**
 * Message ids across XMPP's several kinds of id.
 *
 * A message has the sender's `id` attribute / origin-id (XEP-0359) and, in rooms with stanza
 * ids, the room's stanza-id. The two kinds are kept apart, because only the room's is unique:
 * any sender may choose any id, including one another occupant (or the hub) used before.
 *
 * - A **room-assigned** stanza-id is known under its own key, and is the hub id of the message.
 * - A **sender-chosen** id is known only together with its sender (`sender`: the hub itself,
 *   or an occupant's real JID, else its XEP-0421 occupant id, else its occupant JID). For others'
 *   messages in rooms without stanza-ids, the hub id is `SENDER_ID_PREFIX` + sender + id, which
 *   can never equal a stanza-id or an id the hub chose. For our own messages it is the id
 *   `send()` returned (the stanza-id arrives later, with the echo).
 *
 * So a reused origin-id never makes a new message inherit another's hub id. XEP-0308
 * corrections are looked up among the corrector's own ids only; reactions, replies and
 * retractions by the room's stanza-id first, then by a sender-chosen id (a retraction: the
 * retractor's own first; then, as for a reaction or reply, the most recent message that used
 * it). Who may retract or correct what is the relay's decision (its authority check).
 *
 * Ids are scoped by conversation (room JID, or the contact's bare JID).
 */
import { ownString } from './own-string.js';
import { LRUCache } from 'lru-cache';

/** The `sender` of the hub's own messages. */
export const OWN_SENDER = '';

/** Starts the hub id of another sender's message that has no room-assigned id. */
export const SENDER_ID_PREFIX = 'xmpp-sender:';

interface IdRecord {
  /** The id the hub knows the message by. */
  readonly hubId: string;
  /** Who chose `senderId`. */
  readonly sender: string;
  /** The sender's id (`id` attribute / origin-id). */
  readonly senderId: string | undefined;
  /** The room's (or server's) stanza-id. */
  readonly stanzaId: string | undefined;
}

type KeyKind = 'hub' | 'room' | 'sender' | 'latest';

/** The hub id of `id` as chosen by `sender` (both encoded: no two pairs give the same string). */
const senderScopedId = (sender: string, id: string): string => `${SENDER_ID_PREFIX}${encodeURIComponent(sender)}/${encodeURIComponent(id)}`;

const key = (scope: string, kind: KeyKind, id: string, sender = ''): string => `${scope}\u0000${kind}\u0000${sender}\u0000${id}`;

/** Remembers the ids of recent messages (bounded: the least recently used are forgotten first). */
export class MessageIds {
  private readonly records: LRUCache<string, IdRecord>;

  /** @param limit - keys kept (each message takes up to four: hub id, stanza-id, sender id, latest sender id). */
  constructor(limit = 40_000) {
    // Bounded by count through `maxSize` rather than `max`: with `max`, lru-cache allocates all
    // `limit` slots up front (~0.9 MB at 40,000), which an idle or quiet hub never fills.
    this.records = new LRUCache({ maxSize: limit, sizeCalculation: () => 1 });
  }

  /**
   * Records a message's ids and returns the hub id: the one already known for its room-assigned
   * stanza-id (for our own echoes: the id `send()` returned, found by our sender id), else the
   * stanza-id, else the sender's id scoped by its sender. `stanzaId` must be one the room (or
   * our server) assigned, never one a sender could choose.
   */
  record(scope: string, sender: string, received: { senderId?: string; stanzaId?: string }): string | undefined {
    const own = sender === OWN_SENDER;
    // Kept for long: copied out of the stream data they were read from (own-string.ts).
    const ids = { senderId: ownOptional(received.senderId), stanzaId: ownOptional(received.stanzaId) };
    sender = ownString(sender);
    const byStanza = ids.stanzaId === undefined ? undefined : this.records.get(key(scope, 'room', ids.stanzaId));
    // A sender's id finds an earlier record only for our own messages (the echo of a send) or
    // when the room assigns no ids; otherwise a reused id would be taken for the earlier message.
    const bySender = byStanza === undefined && ids.senderId !== undefined && (own || ids.stanzaId === undefined)
      ? this.records.get(key(scope, 'sender', ids.senderId, sender))
      : undefined;
    const previous = byStanza ?? bySender;
    const senderId = ids.senderId ?? previous?.senderId;
    const stanzaId = ids.stanzaId ?? previous?.stanzaId;
    const hubId = previous?.hubId ?? stanzaId ?? (senderId === undefined ? undefined : own ? senderId : senderScopedId(sender, senderId));
    if (hubId === undefined) return undefined;
    const record: IdRecord = { hubId, sender, senderId, stanzaId };
    this.records.set(key(scope, 'hub', hubId), record);
    if (stanzaId !== undefined) this.records.set(key(scope, 'room', stanzaId), record);
    if (senderId !== undefined) {
      this.records.set(key(scope, 'sender', senderId, sender), record);
      this.records.set(key(scope, 'latest', senderId), record);
    }
    return hubId;
  }

  /**
   * The hub id of the message a correction (XEP-0308) by `sender` names: only that sender's own
   * messages qualify. Unknown: an id in the sender's own space (it matches no other message).
   */
  correctedHubId(scope: string, sender: string, id: string): string {
    return this.records.get(key(scope, 'sender', id, sender))?.hubId ?? this.unknown(sender, id);
  }

  /**
   * The hub id of the message a retraction (XEP-0424) by `sender` names: by stanza-id, else among
   * its own ids, else the most recent message that carried `id` when that message has no
   * stanza-id (a moderator retracting someone else's message in a room without stanza-ids; where
   * the room assigns them, others name a message by its stanza-id only); the id itself when
   * unknown (a stanza-id from before a restart). The relay checks who may retract what.
   */
  retractedHubId(scope: string, sender: string, id: string): string {
    const latest = this.records.get(key(scope, 'latest', id));
    const record = this.records.get(key(scope, 'room', id)) ?? this.records.get(key(scope, 'sender', id, sender))
      ?? (latest?.stanzaId === undefined ? latest : undefined);
    return record?.hubId ?? id;
  }

  /**
   * The hub id of the message a reaction or reply names: by the room's stanza-id, else the most
   * recent message that carried `id` as its sender's id; the id itself when unknown.
   */
  hubId(scope: string, id: string): string {
    return (this.records.get(key(scope, 'room', id)) ?? this.records.get(key(scope, 'latest', id)))?.hubId ?? id;
  }

  /** The id to put in a correction (XEP-0308) of hub message `hubId`. */
  forCorrection(scope: string, hubId: string): string {
    return this.records.get(key(scope, 'hub', hubId))?.senderId ?? hubId;
  }

  /** The id to put in a reaction, reply or retraction for hub message `hubId`. */
  forReference(scope: string, hubId: string): string {
    const record = this.records.get(key(scope, 'hub', hubId));
    return record?.stanzaId ?? record?.senderId ?? hubId;
  }

  /** A reference to an id nobody is known to have used: scoped by whoever referred to it. */
  private unknown(sender: string, id: string): string {
    return sender === OWN_SENDER ? id : senderScopedId(sender, id);
  }
}

/** `ownString(value)`, or undefined when absent. */
function ownOptional(value: string | undefined): string | undefined {
  return value === undefined ? undefined : ownString(value);
}
