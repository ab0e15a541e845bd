/**
 * Catch-up after an outage on IRC servers that keep history (IRCv3 `draft/chathistory`: Ergo,
 * InspIRCd 4, UnrealIRCd 6): when the bot (re)joins a channel, what was said there since the
 * last message the hub saw (its persisted cursor, ../catch-up/cursors.ts) is relayed, in order
 * and marked as delayed, before the channel's live messages, which are held meanwhile and
 * handled afterwards (those already caught up from history left out).
 *
 * History is read backwards as for XMPP archives (../catch-up/scan.ts): `CHATHISTORY LATEST`
 * after the cursor's time (less a slack for clocks), then `BEFORE` the oldest message read,
 * page by page, down to the cursor; so the messages relayed are the newest and the work is
 * bounded (page limit, `timeoutMs`, `maxMessages`, `maxAgeMinutes`, one summary line for the
 * rest). No cursor yet (the first join): nothing is relayed; the newest message in history
 * becomes the cursor. A server without the capability gets no request at all; one that refuses,
 * never answers or answers with endless pages: logged once per channel, live relay goes on.
 */
import type { Logger } from '../../core/log.js';
import type { CatchUpConfig } from '../catch-up/config.js';
import type { RoomCursors } from '../catch-up/cursors.js';
import { CatchUpScan, skippedText, type CatchUpBounds, type HistoryItem, type PagesEnd } from '../catch-up/scan.js';
import type { LogOnce } from '../log-once.js';
import { HistoryBatches, type HistoryPage } from './history-batches.js';
import type { IrcLine } from './inbound.js';
import type { ServerSupport } from './isupport.js';

/** The capabilities that name CHATHISTORY (the draft, and its future final name). */
export const CHATHISTORY_CAPS = ['draft/chathistory', 'chathistory'] as const;
/**
 * Asked for with CHATHISTORY: joins, parts and other events in history come as themselves (and
 * are skipped), not as messages from a history service (Ergo's `HistServ`: "alice joined the channel").
 */
export const EVENT_PLAYBACK_CAP = 'draft/event-playback';
/** Messages asked for per page (less when the server's CHATHISTORY limit is lower). */
const PAGE_SIZE = 100;
/** Most pages read per catch-up: beyond, the summary line says "more than". */
const MAX_PAGES = 50;
/** Most lines kept of one page's batch (context lines do not count towards the server's limit). */
const MAX_LINES_PER_PAGE = 4 * PAGE_SIZE;
/** Most live messages of one channel held while its catch-up runs; one more gives the catch-up up. */
export const MAX_HELD = 5000;
/** How far before the cursor's time history is asked from (the cursor may carry the hub's clock). */
const CLOCK_SLACK_MS = 10 * 60_000;
/** Longest msgid used (the cursor store keeps at most 1000 characters). */
const MAX_MSGID_LENGTH = 1000;

/** One message of the channel's history. */
interface HistoryLine extends HistoryItem {
  readonly stamp: number;
  readonly line: IrcLine;
}

/** What the catch-up needs from the adapter. */
export interface IrcCatchUpDeps {
  readonly config: CatchUpConfig;
  readonly cursors: RoomCursors;
  readonly log: Logger;
  readonly logOnce: LogOnce;
  /** The current connection's view of the server. */
  support(): ServerSupport;
  /** true when the current connection can catch up (history, batch, message-tags and server-time capabilities). */
  available(): boolean;
  /** Queues a line for the server; resolves false when it was dropped unwritten. */
  send(line: string): Promise<boolean>;
  /** true for a message neither relayed nor counted: the hub's own (its relayed lines), a puppet's, one never relayed. */
  leftOut(line: IrcLine): boolean;
  /** Handles a message from history as a delayed one; resolves once the hub handled it. */
  replay(line: IrcLine): Promise<void>;
  /** Emits a line from the channel itself (the summary of what was not relayed). */
  notice(channel: string, text: string): void;
  /** Handles a held live line. */
  handle(line: IrcLine): void;
  /** The clock (ms since the epoch); default Date.now. */
  readonly now?: () => number;
}

/** One channel's catch-up: from our JOIN until its live messages are released. */
interface Session {
  readonly channel: string;
  readonly folded: string;
  readonly held: IrcLine[];
  readonly heldIds: Set<string>;
  readonly timer: NodeJS.Timeout;
  /** Rejects when `timeoutMs` passed since the join. */
  readonly expired: Promise<never>;
}

export class IrcCatchUp {
  private readonly sessions = new Map<string, Session>();
  private readonly batches: HistoryBatches;
  private readonly bounds: CatchUpBounds;

  constructor(private readonly deps: IrcCatchUpDeps) {
    this.bounds = { maxMessages: deps.config.maxMessages, maxAgeMs: deps.config.maxAgeMinutes * 60_000 };
    this.batches = new HistoryBatches((name) => deps.support().fold(name), (why, context) => deps.logOnce.log('warn', `history-batch:${why}`, context,
      why === 'nested' ? 'a batch inside a CHATHISTORY batch: its lines are ignored' : 'a CHATHISTORY batch the hub did not ask for (or a second answer): its lines are ignored'));
  }

  /**
   * The bot joined `channel`: holds its live messages and catches up on its history, unless
   * catch-up is off or the server offers no CHATHISTORY (logged once). Resolves once the
   * catch-up is over and the held messages were handed on; never rejects (the adapter does not
   * wait for it).
   */
  joined(channel: string): Promise<void> {
    if (!this.deps.config.enabled) return Promise.resolve();
    if (!this.deps.available()) {
      this.deps.logOnce.log('info', 'catch-up-unavailable', {}, 'the IRC server offers no CHATHISTORY (IRCv3): what is said in its channels while the hub is away is not relayed after an outage');
      return Promise.resolve();
    }
    const folded = this.deps.support().fold(channel);
    this.void(folded);
    let expire!: (error: Error) => void;
    const expired = new Promise<never>((_resolve, reject) => (expire = reject));
    expired.catch(() => undefined);
    const timer = setTimeout(() => expire(new Error(`no complete answer to CHATHISTORY within ${this.deps.config.timeoutMs} ms`)), this.deps.config.timeoutMs);
    const session: Session = { channel, folded, held: [], heldIds: new Set(), timer, expired };
    this.sessions.set(folded, session);
    return this.run(session);
  }

  /** Takes a line that answers a CHATHISTORY request or belongs to history: true when taken (not live). */
  take(line: IrcLine): boolean {
    return this.batches.take(line);
  }

  /** Holds a live message of a channel whose catch-up runs: true when held (handled later). */
  hold(line: IrcLine): boolean {
    if (this.sessions.size === 0 || (line.command !== 'PRIVMSG' && line.command !== 'NOTICE')) return false;
    const session = this.sessions.get(this.deps.support().fold(line.params[0] ?? ''));
    if (session === undefined) return false;
    if (session.held.length >= MAX_HELD) {
      this.deps.logOnce.log('warn', `catch-up-full:${session.folded}`, { channel: session.channel, held: session.held.length },
        'too many live messages while catching up on the channel\'s history: catch-up given up, live relay goes on');
      this.release(session, new Set());
      return false;
    }
    session.held.push(line);
    const msgid = line.tags.msgid;
    if (typeof msgid === 'string' && msgid !== '') session.heldIds.add(msgid);
    return true;
  }

  /** The connection is gone: every catch-up is void (what it held comes back from history next time). */
  reset(): void {
    for (const folded of [...this.sessions.keys()]) this.void(folded);
    this.batches.cancelAll(new Error('connection gone'));
  }

  private void(folded: string): void {
    const session = this.sessions.get(folded);
    if (session === undefined) return;
    clearTimeout(session.timer);
    this.sessions.delete(folded);
    this.batches.cancel(folded, new Error('catch-up void'));
  }

  private async run(session: Session): Promise<void> {
    let relayed: ReadonlySet<string> = new Set();
    const work = this.catchUp(session);
    work.catch(() => undefined);
    try {
      relayed = await Promise.race([work, session.expired]);
    } catch (error) {
      if (this.sessions.get(session.folded) === session) {
        this.deps.logOnce.log('warn', `catch-up:${session.folded}:${(error as Error).message}`, { channel: session.channel, err: error },
          'could not catch up on the channel\'s history (CHATHISTORY): what was said there while the hub was away is not relayed; live relay goes on');
      }
    } finally {
      this.release(session, relayed);
    }
  }

  /** Relays what history has after the cursor; returns the msgids relayed. */
  private async catchUp(session: Session): Promise<ReadonlySet<string>> {
    const { cursors, support } = this.deps;
    const current = (): boolean => this.sessions.get(session.folded) === session;
    const cursor = await cursors.get(session.folded);
    const started = (this.deps.now ?? Date.now)();
    if (!current()) return new Set();
    if (cursor === undefined) {
      // The first join: nothing to catch up from. What history has last is where the next catch-up starts.
      const newest = (await this.page(session, `LATEST ${session.channel} * 1`, 1)).items.at(-1);
      if (newest !== undefined && current()) cursors.note(session.folded, { id: newest.id, ts: Math.min(newest.stamp, started) }, Promise.resolve());
      return new Set();
    }
    const refTypes = support().msgRefTypes ?? ['timestamp', 'msgid'];
    const byTime = refTypes.includes('timestamp');
    const byId = refTypes.includes('msgid');
    if (!byTime && !byId) throw new Error(`the server takes no message reference the hub knows (MSGREFTYPES=${refTypes.join(',').slice(0, 100)})`);
    if (!byTime && !usableRef(cursor.id)) throw new Error('the cursor\'s msgid cannot be sent as a reference');
    const pageSize = Math.min(PAGE_SIZE, support().chatHistory || PAGE_SIZE);
    const floor = Math.max(0, Math.min(cursor.ts, started) - CLOCK_SLACK_MS);
    const scan = new CatchUpScan<HistoryLine>(cursor.id, this.bounds, (item) => this.deps.leftOut(item.line), started, (id) => session.heldIds.has(id));
    let request = `LATEST ${session.channel} ${byTime ? `timestamp=${iso(floor)}` : `msgid=${cursor.id}`} ${pageSize}`;
    let end: PagesEnd = 'page-limit';
    for (let read = 0; read < MAX_PAGES; read++) {
      const page = await this.page(session, request, pageSize);
      if (!current()) return new Set();
      const recent = page.items.filter((item) => item.stamp >= floor);
      if (!scan.page(recent)) {
        end = 'stopped';
        break;
      }
      // The next page starts below the oldest item read, a message or an event (events use up pages too).
      const first = page.items[0];
      const oldest = first === undefined || (page.oldestEvent !== undefined && page.oldestEvent.stamp < first.stamp) ? page.oldestEvent : first;
      if (oldest === undefined || recent.length < page.items.length || page.count < pageSize || oldest.stamp < floor) {
        end = 'complete';
        break;
      }
      request = `BEFORE ${session.channel} ${byId ? `msgid=${oldest.id}` : `timestamp=${iso(oldest.stamp)}`} ${pageSize}`;
    }
    return this.relay(session, scan, end);
  }

  /** Relays the plan of a finished scan and notes the new cursor; returns the msgids relayed. */
  private relay(session: Session, scan: CatchUpScan<HistoryLine>, end: PagesEnd): ReadonlySet<string> {
    const plan = scan.plan(end);
    if (plan.skipped > 0 || plan.incomplete) this.deps.notice(session.channel, skippedText(plan, this.bounds));
    const handled = plan.relay.map((item) => this.deps.replay(item.line));
    if (plan.newest !== undefined) this.deps.cursors.note(session.folded, plan.newest, Promise.all(handled).then(() => undefined));
    if (plan.relay.length > 0 || plan.skipped > 0) {
      this.deps.log.info({ channel: session.channel, relayed: plan.relay.length, skipped: plan.skipped, incomplete: plan.incomplete },
        'caught up on what the channel\'s history has from while the hub was away');
    }
    return new Set(plan.relay.map((item) => item.id));
  }

  /**
   * Sends one CHATHISTORY request and waits for its batch: the channel's messages in it that
   * carry a msgid and a time (others are dropped, logged once), and how many messages it held.
   */
  private async page(session: Session, request: string, limit: number): Promise<{ readonly items: readonly HistoryLine[]; readonly count: number; readonly oldestEvent?: { readonly id: string; readonly stamp: number } }> {
    const answer = this.batches.expect(session.channel, MAX_LINES_PER_PAGE);
    if (!(await this.deps.send(`CHATHISTORY ${request}`))) this.batches.cancel(session.folded, new Error('the request could not be sent'));
    const page: HistoryPage = await answer;
    const items: HistoryLine[] = [];
    let count = 0;
    let oldestEvent: { id: string; stamp: number } | undefined;
    for (const line of page.lines) {
      // Events (JOIN, PART… with draft/event-playback) count towards the server's limit too.
      if (line.tags['draft/chathistory-context'] !== undefined || line.command === 'BATCH') continue;
      count += 1;
      if (line.command !== 'PRIVMSG' && line.command !== 'NOTICE') {
        const msgid = line.tags.msgid;
        const stamp = typeof line.tags.time === 'string' ? Date.parse(line.tags.time) : Number.NaN;
        if (typeof msgid === 'string' && usableRef(msgid) && Number.isFinite(stamp) && (oldestEvent === undefined || stamp < oldestEvent.stamp)) oldestEvent = { id: msgid, stamp };
        continue;
      }
      const item = this.item(session, line);
      if (item !== undefined) items.push(item);
    }
    // A batch beyond the bound counts as a full page: reading goes on (within the page limit).
    return { items, count: page.overflow ? Math.max(count, limit) : count, ...(oldestEvent === undefined ? {} : { oldestEvent }) };
  }

  /** A message of the batch as a history item; undefined (logged once) when it cannot be one. */
  private item(session: Session, line: IrcLine): HistoryLine | undefined {
    const { support, logOnce } = this.deps;
    if (!support().equal(line.params[0] ?? '', session.channel)) {
      logOnce.log('warn', `history-target:${session.folded}`, { channel: session.channel, target: line.params[0] }, 'a CHATHISTORY batch holds a message for another target: ignored');
      return undefined;
    }
    const msgid = line.tags.msgid;
    const stamp = typeof line.tags.time === 'string' ? Date.parse(line.tags.time) : Number.NaN;
    if (typeof msgid !== 'string' || !usableRef(msgid) || !Number.isFinite(stamp)) {
      logOnce.log('warn', `history-tags:${session.folded}`, { channel: session.channel }, 'a message in CHATHISTORY lacks a msgid or a time: ignored');
      return undefined;
    }
    return { id: msgid, stamp, line };
  }

  /** Stops holding the channel's live messages and handles them, except any relayed from history already. */
  private release(session: Session, relayed: ReadonlySet<string>): void {
    if (this.sessions.get(session.folded) !== session) return;
    this.void(session.folded);
    for (const line of session.held) {
      const msgid = line.tags.msgid;
      if (typeof msgid === 'string' && relayed.has(msgid)) continue;
      this.deps.handle(line);
    }
  }
}

/** true for a msgid that can be sent back as `msgid=<id>` (one protocol word, within the cursor store's bound). */
function usableRef(msgid: string): boolean {
  return msgid !== '' && msgid.length <= MAX_MSGID_LENGTH && !/[\s\0]/.test(msgid);
}

/** A CHATHISTORY timestamp (`YYYY-MM-DDThh:mm:ss.sssZ`). */
function iso(ms: number): string {
  return new Date(ms).toISOString();
}

