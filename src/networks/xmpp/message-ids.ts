/**
 * Message ids across XMPP's several kinds of id.
 *
 * A message has the sender's `id` attribute / origin-id (XEP-0359) and, in rooms with stanza
 * ids, the room's stanza-id. The hub sees one id per message: the room's stanza-id for others'
 * messages (the origin-id when the room assigns none), and for our own messages the origin-id
 * that `send()` returned (the stanza-id arrives later, with the echo). XEP-0308 corrections
 * refer to the sender's id; reactions, replies and retractions prefer the stanza-id.
 *
 * Ids are scoped by conversation (room JID, or the contact's bare JID).
 */
import { BoundedMap } from './bounded-map.js';

interface IdRecord {
  /** The id the hub knows the message by. */
  readonly hubId: string;
  /** The sender's id (`id` attribute / origin-id). */
  readonly senderId?: string;
  /** The room's (or server's) stanza-id. */
  readonly stanzaId?: string;
}

const key = (scope: string, id: string): string => `${scope}\u0000${id}`;

/** Remembers the ids of recent messages (bounded). */
export class MessageIds {
  private readonly records: BoundedMap<string, IdRecord>;

  constructor(limit = 20_000) {
    this.records = new BoundedMap(limit);
  }

  /**
   * Records a message's ids and returns the hub id: an id already known for it (for our own
   * echoes, the one `send()` returned), else the stanza-id, else the sender's id.
   */
  record(scope: string, ids: { senderId?: string; stanzaId?: string }): string | undefined {
    const lookup = (id: string | undefined): IdRecord | undefined => (id === undefined ? undefined : this.records.get(key(scope, id)));
    const previous = lookup(ids.stanzaId) ?? lookup(ids.senderId);
    const senderId = ids.senderId ?? previous?.senderId;
    const stanzaId = ids.stanzaId ?? previous?.stanzaId;
    const hubId = previous?.hubId ?? stanzaId ?? senderId;
    if (hubId === undefined) return undefined;
    const record: IdRecord = { hubId, ...(senderId === undefined ? {} : { senderId }), ...(stanzaId === undefined ? {} : { stanzaId }) };
    for (const id of new Set([hubId, senderId, stanzaId])) if (id !== undefined) this.records.set(key(scope, id), record);
    return hubId;
  }

  /** The hub id for an id a stanza refers to (any kind); the id itself when unknown. */
  hubId(scope: string, id: string): string {
    return this.records.get(key(scope, id))?.hubId ?? id;
  }

  /** The id to put in a correction (XEP-0308) of hub message `hubId`. */
  forCorrection(scope: string, hubId: string): string {
    return this.records.get(key(scope, hubId))?.senderId ?? hubId;
  }

  /** The id to put in a reaction, reply or retraction for hub message `hubId`. */
  forReference(scope: string, hubId: string): string {
    const record = this.records.get(key(scope, hubId));
    return record?.stanzaId ?? record?.senderId ?? hubId;
  }
}
