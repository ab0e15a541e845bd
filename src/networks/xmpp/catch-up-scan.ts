/**
 * What a catch-up relays, decided from a room's archive read backwards (newest page first) down
 * to the last message the hub had seen there (its cursor). Pure: pages in, a plan out.
 *
 * - Our own messages (what the hub relayed into the room) are neither relayed nor counted, nor
 *   are those that arrived live meanwhile (they are handled as live ones, after the catch-up).
 * - Of the others, the newest `maxMessages` within `maxAgeMs` are relayed, oldest first; the rest
 *   are counted as skipped (one summary line says how many).
 * - A cursor the archive no longer holds is never found: then everything read counts as new,
 *   within the same bounds (that is "the last `maxAgeMs`").
 */
import type { Element } from '@xmpp/xml';
import type { ArchivedMessage, PagesEnd } from './archive.js';

/** Where the hub got to in a room: the room's stanza-id of the last message seen, and when. */
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
export interface CatchUpPlan {
  /** The messages to relay, in archive order (oldest first). */
  readonly relay: readonly ArchivedMessage[];
  /** Messages not relayed (too old, or beyond `maxMessages`). */
  readonly skipped: number;
  /** true when the scan stopped before reaching the cursor or the archive's start: more were skipped than counted. */
  readonly incomplete: boolean;
  /** The newest message in the archive, ours included: the room's cursor once the catch-up is handled. */
  readonly newest?: RoomCursor;
}

export class CatchUpScan {
  /** Kept messages, newest first. */
  private readonly kept: ArchivedMessage[] = [];
  private readonly seenIds = new Set<string>();
  private skipped = 0;
  private newest: RoomCursor | undefined;
  private reachedCursor = false;

  /**
   * @param cursorId the stanza-id of the last message seen in the room
   * @param isOurs true for a message the hub itself sent (archive.ts `archivedFromUs`)
   * @param now the time of the catch-up (ms since the epoch)
   * @param isLive true for a stanza-id the hub received live meanwhile (held): handled as live, not counted here
   */
  constructor(
    private readonly cursorId: string,
    private readonly bounds: CatchUpBounds,
    private readonly isOurs: (message: Element) => boolean,
    private readonly now: number,
    private readonly isLive: (id: string) => boolean = () => false,
  ) {}

  /** Takes one page (archive order: oldest first); false once the cursor was reached (read no further). */
  page(items: readonly ArchivedMessage[]): boolean {
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i]!;
      if (item.id === this.cursorId) {
        this.reachedCursor = true;
        return false;
      }
      // An archive that repeats itself must not make anything count twice.
      if (this.seenIds.has(item.id)) continue;
      this.seenIds.add(item.id);
      this.newest ??= { id: item.id, ts: Math.min(item.stamp ?? this.now, this.now) };
      if (this.isOurs(item.message) || this.isLive(item.id)) continue;
      const tooOld = item.stamp !== undefined && item.stamp < this.now - this.bounds.maxAgeMs;
      if (tooOld || this.kept.length >= this.bounds.maxMessages) this.skipped += 1;
      else this.kept.push(item);
    }
    return true;
  }

  /** The plan, once the read ended with `end`. */
  plan(end: PagesEnd): CatchUpPlan {
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
