/**
 * The gateway's room history (ADR 0010 "History"): what each gateway room carried, per person
 * and room, kept in the hub's {@link RoomArchiveStore}. Writes are batched: entries recorded in
 * one turn of the event loop go to the store as one insert on the next `setImmediate` (no
 * commit per message on the hot path); reads flush first, so a join or a MAM query sees what
 * was just said. Bounded: at most MAX_PENDING entries wait (more are dropped, logged once per
 * burst), and the retention (max age, max entries per room) is pruned periodically and as rooms
 * grow (entries waiting for a slow store count too). Each entry gets a `seq` that orders the room's archive (ms × 1000 + a counter).
 */
import type { Logger } from '../core/log.js';
import type { ArchiveQuery, ArchivedKind, ArchivedMessage, RoomArchiveStore } from '../core/room-archive.js';

/** The retention and serving limits (gateway config `history:`). */
export interface HistoryLimits {
  /** Entries older than this many days are pruned. */
  readonly maxAgeDays: number;
  /** Most entries kept per person and room. */
  readonly maxMessagesPerRoom: number;
  /** Messages sent on join when the client asks for no particular amount. */
  readonly onJoin: number;
  /** Most messages sent on join whatever the client asks. */
  readonly maxOnJoin: number;
  /** Most messages in one MAM page. */
  readonly maxPage: number;
}

/** What is recorded for one room event. */
export interface HistoryEntry {
  readonly stanzaId: string;
  /** '' for the room itself. */
  readonly nick: string;
  readonly body: string;
  readonly action: boolean;
  readonly kind?: ArchivedKind;
  readonly refers?: string;
}

/** Most entries waiting for the next batch (a burst beyond it is dropped from the archive, never from the room). */
const MAX_PENDING = 20_000;
/** How often retention by age runs. */
const PRUNE_INTERVAL_MS = 60 * 60_000;
const DAY_MS = 86_400_000;
/** The longest text archived (characters); a longer one is cut. */
export const MAX_ARCHIVED_CHARS = 64 * 1024;

/**
 * `text` as the store takes it: no NUL, no lone surrogate (PostgreSQL and UTF-8 cannot hold
 * them; the store would refuse the whole batch), at most `max` characters.
 */
export function storable(text: string, max = MAX_ARCHIVED_CHARS): string {
  return text.slice(0, max).replace(/\0/g, '').replace(/\p{Cs}/gu, '\uFFFD');
}

export class RoomHistory {
  #pending: ArchivedMessage[] = [];
  /** Entries handed to the store and not written yet (counted in the bound too). */
  #inFlight = 0;
  #flushing: Promise<void> = Promise.resolve();
  #scheduled = false;
  #lastSeq = 0;
  #droppedWarned = false;
  /** Entries appended per person and room since its last prune by count. */
  readonly #sincePrune = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  /** The rooms backfilled in this run (owner NUL room). */
  readonly #backfilled = new Set<string>();

  constructor(
    private readonly store: RoomArchiveStore,
    private readonly log: Logger,
    readonly limits: HistoryLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts the periodic pruning by age (and prunes once now). */
  start(): void {
    if (this.#timer !== undefined) return;
    void this.pruneByAge();
    this.#timer = setInterval(() => void this.pruneByAge(), PRUNE_INTERVAL_MS);
    this.#timer.unref();
  }

  /** Stops pruning and writes what waits. */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }

  /** Records an entry of `owner`'s room `room` (written with the next batch); its archive time. */
  record(owner: string, room: string, entry: HistoryEntry): number {
    const at = this.now();
    if (this.#pending.length + this.#inFlight >= MAX_PENDING) {
      if (!this.#droppedWarned) this.log.warn({ pending: this.#pending.length }, 'gateway: the room archive is behind; messages are left out of the history');
      this.#droppedWarned = true;
      return at;
    }
    this.#lastSeq = Math.max(at * 1000, this.#lastSeq + 1);
    this.#pending.push({
      owner, room, seq: this.#lastSeq, stanzaId: storable(entry.stanzaId, 200) || String(this.#lastSeq), at, nick: storable(entry.nick, 200),
      kind: entry.kind ?? 'message', body: storable(entry.body), action: entry.action, refers: storable(entry.refers ?? '', 200),
    });
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => void this.flush());
    }
    return at;
  }

  /** Writes what waits (one insert); resolves once it is committed (or failed, logged). */
  flush(): Promise<void> {
    this.#scheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    this.#droppedWarned = false;
    if (batch.length > 0) {
      this.#inFlight += batch.length;
      this.#flushing = this.#flushing.then(() => this.#write(batch)).finally(() => {
        this.#inFlight -= batch.length;
      });
    }
    return this.#flushing;
  }

  async #write(batch: readonly ArchivedMessage[]): Promise<void> {
    try {
      await this.store.append(batch);
    } catch (error) {
      this.log.warn({ err: error, entries: batch.length }, 'gateway: writing the room archive failed; these messages are left out of the history');
      return;
    }
    const due: Array<[string, string]> = [];
    for (const entry of batch) {
      const key = `${entry.owner}\0${entry.room}`;
      const count = (this.#sincePrune.get(key) ?? 0) + 1;
      // Pruned by count once a room grew by a tenth of its bound (at least 100): bounded work per message.
      if (count >= Math.max(100, Math.ceil(this.limits.maxMessagesPerRoom / 10))) {
        this.#sincePrune.delete(key);
        due.push([entry.owner, entry.room]);
      } else this.#sincePrune.set(key, count);
    }
    for (const [owner, room] of due) {
      await this.store.pruneRoom(owner, room, this.limits.maxMessagesPerRoom).catch((error: unknown) =>
        this.log.warn({ err: error, room }, 'gateway: pruning a room archive failed'));
    }
  }

  /** Removes what is older than the retention. */
  async pruneByAge(): Promise<void> {
    try {
      const removed = await this.store.pruneOlderThan(this.now() - this.limits.maxAgeDays * DAY_MS);
      if (removed > 0) this.log.info({ removed }, 'gateway: pruned old room history');
    } catch (error) {
      this.log.warn({ err: error }, 'gateway: pruning the room archive failed');
    }
  }

  /** Entries matching `query` (after writing what waits). */
  async query(query: ArchiveQuery): Promise<ArchivedMessage[]> {
    await this.flush();
    return this.store.query(query);
  }

  /** Forgets everything of `owner` (they unregistered: a room is backfilled again if they come back); a failure is logged. */
  async removeOwner(owner: string): Promise<void> {
    await this.flush();
    for (const key of this.#backfilled) if (key.startsWith(`${owner}\0`)) this.#backfilled.delete(key);
    await this.store.removeOwner(owner).catch((error: unknown) => this.log.warn({ err: error, user: owner }, 'gateway: removing a person\'s room history failed'));
  }

  /**
   * A seq no entry recorded so far has and every later one will exceed or equal: taken before a
   * join, it separates what was archived before it from what came since (backfill's hole bounds).
   */
  mark(): number {
    return Math.max(this.now() * 1000, this.#lastSeq + 1);
  }

  /** True the first time it is asked for a room in this run (a room is backfilled once per run). */
  firstBackfill(owner: string, room: string): boolean {
    const key = `${owner}\0${room}`;
    if (this.#backfilled.has(key)) return false;
    this.#backfilled.add(key);
    return true;
  }

  /** Writes backfilled entries (their seqs placed in the hole by the caller) after what waits. */
  async appendBackfill(entries: readonly ArchivedMessage[]): Promise<void> {
    await this.flush();
    if (entries.length > 0) await this.store.append(entries);
  }

  /** The seq of `stanzaId` in a room (after writing what waits). */
  async seqOf(owner: string, room: string, stanzaId: string): Promise<number | undefined> {
    await this.flush();
    return this.store.seqOf(owner, room, stanzaId);
  }
}
