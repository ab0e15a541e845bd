/**
 * Catch-up after an outage: when the hub (re)joins a room, what the room archived (XEP-0313)
 * since the last message the hub saw there (its persisted cursor, ../catch-up/cursors.ts) is relayed,
 * in order and marked as late, before the room's live messages, which are held meanwhile
 * (`MucRoom.held`) and handled afterwards, those already caught up from the archive left out.
 *
 * The archive is read backwards from its newest message down to the cursor (../catch-up/scan.ts),
 * so the messages relayed are always the newest ones, and the work is bounded: a page limit, the
 * `timeoutMs` deadline (live messages never wait longer), `maxMessages` and `maxAgeMinutes`, with
 * one summary line for what was skipped. No cursor yet (the first join): nothing to catch up
 * from; the archive's newest message becomes the cursor. A room without archive or stanza-ids,
 * a failing or slow archive: logged once per room, and live relay goes on.
 */
import type { Element } from '@xmpp/xml';
import type { IqCaller } from '@xmpp/iq/caller.js';
import { raceDeadline } from '../../core/deadline.js';
import type { Logger } from '../../core/log.js';
import { archivedFromUs, type ArchiveSearch, type ArchivedMessage, type OurOccupant } from './archive.js';
import { CatchUpScan, skippedText, type CatchUpBounds } from '../catch-up/scan.js';
import type { XmppConfig } from './config.js';
import type { LogOnce } from '../log-once.js';
import type { MucRoom } from './muc-room.js';
import type { RoomCursors } from '../catch-up/cursors.js';
import { groupchatIds } from './stanza-parse.js';

/** Archived messages asked for per page. */
const PAGE_SIZE = 100;
/** Most pages read per catch-up: beyond, the summary line says "more than". */
const MAX_PAGES = 50;
/**
 * How far before the cursor's time the archive is asked from: the cursor of a live message has
 * the hub's clock, the archive the server's. Reading stops at the cursor, so this costs nothing.
 */
const CLOCK_SLACK_MS = 10 * 60_000;

/** What the catch-up needs from the adapter. */
export interface CatchUpDeps {
  readonly config: XmppConfig['catchUp'];
  readonly archive: ArchiveSearch;
  readonly cursors: RoomCursors;
  readonly log: Logger;
  readonly logOnce: LogOnce;
  /** The current connection's IQ caller; throws when there is none. */
  iqCaller(): IqCaller;
  /** Who we are in `room` (to leave our own archived messages out). */
  us(room: MucRoom): OurOccupant;
  /** Handles an archived message as a late one (Inbound.replay). */
  replay(room: MucRoom, message: ArchivedMessage): void;
  /** Emits a line from the room itself (Inbound.roomNotice). */
  notice(room: MucRoom, text: string): void;
  /** Handles a held live stanza (Inbound.handle). */
  handle(el: Element): void;
  /** The clock (ms since the epoch); default Date.now. */
  readonly now?: () => number;
}

export class CatchUp {
  private readonly bounds: CatchUpBounds;

  constructor(private readonly deps: CatchUpDeps) {
    this.bounds = { maxMessages: deps.config.maxMessages, maxAgeMs: deps.config.maxAgeMinutes * 60_000 };
  }

  /**
   * Catches up on `room`, just joined (its live messages held since the join), once `ready`
   * settled (the room's stanza-ids were checked), then releases them: within `timeoutMs` of the
   * call, whatever the room and its archive do. Never rejects. Does nothing when the room holds
   * nothing (no catch-up for this join).
   */
  async run(room: MucRoom, ready: Promise<void> = Promise.resolve()): Promise<void> {
    const session = room.held;
    if (session === undefined) return;
    const deadline = Date.now() + this.deps.config.timeoutMs;
    let relayed = new Set<string>();
    try {
      if (!(await raceDeadline(ready.then(() => true), this.deps.config.timeoutMs, false))) throw new Error('the room did not say in time whether it assigns stanza-ids');
      relayed = await this.catchUp(room, session, deadline);
    } catch (error) {
      this.deps.logOnce.log('warn', `catch-up:${room.id}:${(error as Error).message}`, { room: room.id, err: error },
        'could not catch up on the room\'s archive (XEP-0313): what was said there while the hub was away is not relayed; live relay goes on');
    } finally {
      this.release(room, session, relayed);
    }
  }

  /** Gives up the catch-up of `room` (it held too many live messages) and releases them now. */
  giveUp(room: MucRoom): void {
    const session = room.held;
    if (session === undefined) return;
    this.deps.logOnce.log('warn', `catch-up-full:${room.id}`, { room: room.id, held: session.length },
      'too many live messages while catching up on the room\'s archive: catch-up given up, live relay goes on');
    this.release(room, session, new Set());
  }

  /** Relays what the archive has after the cursor; returns the stanza-ids relayed. */
  private async catchUp(room: MucRoom, session: readonly Element[], deadline: number): Promise<Set<string>> {
    const { config, archive, cursors, logOnce } = this.deps;
    if (!room.assignsStanzaIds) {
      logOnce.log('info', `catch-up-ids:${room.id}`, { room: room.id }, 'the room does not assign stanza-ids (XEP-0359): no catch-up from its archive after outages');
      return new Set();
    }
    const cursor = await cursors.get(room.id);
    const started = (this.deps.now ?? Date.now)();
    const t0 = Date.now();
    const iqCaller = this.deps.iqCaller();
    if (cursor === undefined) {
      // The first join: nothing to catch up from. What the archive has last is where the next catch-up starts.
      let newest: ArchivedMessage | undefined;
      await archive.pagesBackward(iqCaller, room.id, { pageSize: 1, maxPages: 1, timeoutMs: config.timeoutMs, deadline }, (page) => {
        newest = page.at(-1);
        return false;
      });
      if (newest !== undefined && room.held === session) cursors.note(room.id, { id: newest.id, ts: Math.min(newest.stamp ?? started, started) }, Promise.resolve());
      return new Set();
    }
    const roomJid = room.id;
    const us = this.deps.us(room);
    const live = new HeldIds(session);
    const scan = new CatchUpScan<ArchivedMessage>(cursor.id, this.bounds, (item) => archivedFromUs(item.message, roomJid, us), started, (id) => live.has(id));
    const end = await archive.pagesBackward(iqCaller, room.id, {
      since: Math.max(0, Math.min(cursor.ts, started) - CLOCK_SLACK_MS), pageSize: PAGE_SIZE, maxPages: MAX_PAGES, timeoutMs: config.timeoutMs, deadline,
    }, (page) => room.held === session && scan.page(page));
    // Left, rejoined or given up meanwhile: this catch-up is void (the next one starts from the same cursor).
    if (room.held !== session) return new Set();
    const plan = scan.plan(end);
    // What arrived live after the last page was read is handled as live all the same (release()).
    if (plan.skipped > 0 || plan.incomplete) this.deps.notice(room, skippedText(plan, this.bounds));
    for (const message of plan.relay) this.deps.replay(room, message);
    if (plan.newest !== undefined) cursors.note(room.id, plan.newest, Promise.resolve());
    if (plan.relay.length > 0 || plan.skipped > 0) {
      this.deps.log.info({ room: room.id, relayed: plan.relay.length, skipped: plan.skipped, incomplete: plan.incomplete, ms: Date.now() - t0 },
        'caught up on what the room archived while the hub was away');
    }
    return new Set(plan.relay.map((m) => m.id));
  }

  /** Stops holding `room`'s live messages and handles those held, except any relayed from the archive already. */
  private release(room: MucRoom, session: readonly Element[], relayed: ReadonlySet<string>): void {
    if (room.held !== session) return;
    room.held = undefined;
    for (const el of session) {
      const stanzaId = groupchatIds(el).stanzaId;
      if (stanzaId !== undefined && relayed.has(stanzaId)) continue;
      this.deps.handle(el);
    }
  }
}

/** The stanza-ids of the live messages held so far (read as the held list grows). */
class HeldIds {
  private readonly ids = new Set<string>();
  private read = 0;

  constructor(private readonly held: readonly Element[]) {}

  has(id: string): boolean {
    for (; this.read < this.held.length; this.read++) {
      const stanzaId = groupchatIds(this.held[this.read]!).stanzaId;
      if (stanzaId !== undefined) this.ids.add(stanzaId);
    }
    return this.ids.has(id);
  }
}
