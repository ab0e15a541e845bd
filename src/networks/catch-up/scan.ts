/**
 * What a catch-up relays, decided from a room's history read backwards (newest page first) down
 * to the last message the hub had seen there (its cursor). Pure: pages in, a plan out. Used by
 * every adapter that catches up (XMPP archives, IRC CHATHISTORY), whatever its items are.
 *
 * - Our own messages (what the hub relayed into the room) and what cannot be relayed are
 *   neither relayed nor counted, nor are those that arrived live meanwhile (they are handled as
 *   live ones, after the catch-up).
 * - Of the others, the newest `maxMessages` within `maxAgeMs` are relayed, oldest first; the rest
 *   are counted as skipped (one summary line says how many).
 * - A cursor the history no longer holds is never found: then everything read counts as new,
 *   within the same bounds (that is "the last `maxAgeMs`").
 */

/** One message of a room's history. */
export interface HistoryItem {
  /** The room's (server's) id of the message: an XMPP stanza-id, an IRC msgid. */
  readonly id: string;
  /** When the room says it was said (ms since the epoch), when it says. */
  readonly stamp?: number | undefined;
}

/**
 * How a read of the history ended: `complete` (its start, or the time floor, was reached),
 * `stopped` (the visitor asked to stop: the cursor was found) or `page-limit` (more pages
 * than allowed: more may have been said).
 */
export type PagesEnd = 'complete' | 'stopped' | 'page-limit';

/** Where the hub got to in a room: the room's id of the last message seen, and when. */
export interface RoomCursor {
  readonly id: string;
  /** When it was said or seen (ms since the epoch). */
  readonly ts: number;
}

/** The bounds of one catch-up. */
export interface CatchUpBounds {
  readonly maxMessages: number;
  readonly maxAgeMs: number;
}

/** What to do after a scan. */
export interface CatchUpPlan<T extends HistoryItem = HistoryItem> {
  /** The messages to relay, in history order (oldest first). */
  readonly relay: readonly T[];
  /** Messages not relayed (too old, or beyond `maxMessages`). */
  readonly skipped: number;
  /** true when the scan stopped before reaching the cursor or the archive's start: more were skipped than counted. */
  readonly incomplete: boolean;
  /** The newest message in the history, ours included: the room's cursor once the catch-up is handled. */
  readonly newest?: RoomCursor;
}

export class CatchUpScan<T extends HistoryItem> {
  /** Kept messages, newest first. */
  private readonly kept: T[] = [];
  private readonly seenIds = new Set<string>();
  private skipped = 0;
  private newest: RoomCursor | undefined;
  private reachedCursor = false;

  /**
   * @param cursorId the id of the last message seen in the room
   * @param leftOut true for a message neither relayed nor counted: one the hub itself sent
   *   (XMPP: archive.ts `archivedFromUs`), or one that is not relayed anyway
   * @param now the time of the catch-up (ms since the epoch)
   * @param isLive true for an id the hub received live meanwhile (held): handled as live, not counted here
   */
  constructor(
    private readonly cursorId: string,
    private readonly bounds: CatchUpBounds,
    private readonly leftOut: (item: T) => boolean,
    private readonly now: number,
    private readonly isLive: (id: string) => boolean = () => false,
  ) {}

  /** Takes one page (history order: oldest first); false once the cursor was reached (read no further). */
  page(items: readonly T[]): boolean {
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i]!;
      if (item.id === this.cursorId) {
        this.reachedCursor = true;
        return false;
      }
      // A history that repeats itself must not make anything count twice.
      if (this.seenIds.has(item.id)) continue;
      this.seenIds.add(item.id);
      this.newest ??= { id: item.id, ts: Math.min(item.stamp ?? this.now, this.now) };
      if (this.leftOut(item) || this.isLive(item.id)) continue;
      const tooOld = item.stamp !== undefined && item.stamp < this.now - this.bounds.maxAgeMs;
      if (tooOld || this.kept.length >= this.bounds.maxMessages) this.skipped += 1;
      else this.kept.push(item);
    }
    return true;
  }

  /** The plan, once the read ended with `end`. */
  plan(end: PagesEnd): CatchUpPlan<T> {
    const plan = { relay: [...this.kept].reverse(), skipped: this.skipped, incomplete: !this.reachedCursor && end === 'page-limit' };
    return this.newest === undefined ? plan : { ...plan, newest: this.newest };
  }
}

/** The summary line for what a catch-up did not relay. */
export function skippedText(plan: Pick<CatchUpPlan, 'skipped' | 'incomplete'>, bounds: CatchUpBounds): string {
  const count = plan.incomplete ? `More than ${plan.skipped}` : String(plan.skipped);
  const noun = plan.skipped === 1 && !plan.incomplete ? 'message' : 'messages';
  const minutes = Math.round(bounds.maxAgeMs / 60_000);
  return `${count} earlier ${noun} from while the bridge was away not relayed (only the last ${bounds.maxMessages} from the last ${minutes} minutes are)`;
}
