/**
 * The storage contract of a gateway's room archive (ADR 0010 "History"): what a gateway room
 * carried, per person (the bare JID whose legacy session saw it) and room. The gateway batches
 * appends and prunes by its retention settings; the store only keeps and reads rows.
 */

/** What an archived entry is (XEP-0308 correction, XEP-0424 retraction, XEP-0444 reaction). */
export type ArchivedKind = 'message' | 'correction' | 'retraction' | 'reaction';

/** One archived entry of a room. */
export interface ArchivedMessage {
  /** The person whose session saw it (bare JID). */
  readonly owner: string;
  /** The legacy room key. */
  readonly room: string;
  /** Its order within the room: strictly increasing per room. */
  readonly seq: number;
  /** The room's stable id for it (XEP-0359 stanza-id). */
  readonly stanzaId: string;
  /** When it was said (ms since the epoch). */
  readonly at: number;
  /** The sender's nick; '' for the room itself (a server notice). */
  readonly nick: string;
  readonly kind: ArchivedKind;
  /** The text (a correction's new text, a reaction's emojis; '' for a retraction). */
  readonly body: string;
  /** A /me action. */
  readonly action: boolean;
  /** The stanza id a correction, retraction or reaction refers to ('' for a message). */
  readonly refers: string;
}

/** A query of one room's archive: every bound optional; `limit` rows at most. */
export interface ArchiveQuery {
  readonly owner: string;
  readonly room: string;
  /** Only entries at or after / at or before this time (ms). */
  readonly start?: number;
  readonly end?: number;
  /** Only entries from this nick. */
  readonly nick?: string;
  /** Only entries after / before this seq (RSM paging). */
  readonly afterSeq?: number;
  readonly beforeSeq?: number;
  /** Newest first (the last page) instead of oldest first. */
  readonly newestFirst: boolean;
  readonly limit: number;
}

/** The archive of one gateway (one namespace per gateway network). */
export interface RoomArchiveStore {
  /** Adds entries in one statement; an entry whose stanza id the room already has is skipped. */
  append(entries: readonly ArchivedMessage[]): Promise<void>;
  /** Entries matching `query`, in the order it asks. */
  query(query: ArchiveQuery): Promise<ArchivedMessage[]>;
  /** The seq of `stanzaId` in a room, if archived. */
  seqOf(owner: string, room: string, stanzaId: string): Promise<number | undefined>;
  /** Removes entries older than `before` (ms) in every room; the number removed. */
  pruneOlderThan(before: number): Promise<number>;
  /** Keeps only the newest `keep` entries of a room; the number removed. */
  pruneRoom(owner: string, room: string, keep: number): Promise<number>;
  /** Removes everything of `owner` (unregistered). */
  removeOwner(owner: string): Promise<number>;
}
