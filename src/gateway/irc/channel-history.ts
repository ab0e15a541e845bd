/**
 * Room backfill from the IRC server's own history (IRCv3 `draft/chathistory`: Ergo, InspIRCd 4,
 * UnrealIRCd 6), ADR 0010 "History": the framework (room-backfill.ts) asks for the messages of a
 * hole in the gateway's archive of a channel; they are read with CHATHISTORY, newest first, page
 * by page, and handed back in time order with the server's msgid (the stanza id: the archive
 * keeps each once) and time.
 *
 * - no bound: `LATEST <chan> *`, then `BEFORE` the oldest read;
 * - only `after` (never backfilled since the last message archived): `LATEST <chan>
 *   timestamp=<after>`, then `BETWEEN` the oldest read and `after`;
 * - `before` too (a downtime hole: live messages archived since the join): `BETWEEN
 *   timestamp=<before> timestamp=<after>` (or `BEFORE timestamp=<before>` without `after`).
 *
 * Bounded: at most `limit` messages, MAX_PAGES pages of at most PAGE_SIZE (less when the
 * server's CHATHISTORY limit is lower), the framework's signal (a timeout). The answers are read
 * with the relay's batch reader (networks/irc/history-batches.ts): every line of a `chathistory`
 * batch is history, never a live line, and is consumed here ({@link ChannelHistory.take}).
 * A server without the capability is asked nothing. Untrusted: lines for another target,
 * without a msgid or a time, or CTCPs other than ACTION are dropped; ids and texts are capped.
 */
import type { BackfilledMessage, HoleBound } from '../api.js';
import { CHATHISTORY_CAPS, EVENT_PLAYBACK_CAP } from '../../networks/irc/catch-up.js';
import { HistoryBatches } from '../../networks/irc/history-batches.js';
import type { IrcLine } from '../../networks/irc/inbound.js';

/** The capabilities that name CHATHISTORY (the relay's list: the draft, and its future final name). */
export const HISTORY_CAPS = CHATHISTORY_CAPS;
export { EVENT_PLAYBACK_CAP };
/** Capabilities the answers need besides CHATHISTORY itself. */
const NEEDED_CAPS = ['batch', 'server-time', 'message-tags'] as const;
/** Messages asked for per page (less when the server's limit or the framework's is lower). */
const PAGE_SIZE = 100;
/** Most pages read per backfill. */
export const MAX_PAGES = 20;
/** Most lines kept of one page's batch (context lines and other commands do not count for the server). */
const MAX_LINES_PER_PAGE = 4 * PAGE_SIZE;
/** Longest msgid kept (the framework keeps at most 200 characters of an id). */
const MAX_MSGID = 200;
/** Most characters of a message's text. */
const MAX_TEXT = 4000;
/**
 * Messages of the person's own nick this soon after the hole's start are what the person said
 * through the gateway just before (archived under the gateway's own id, IRC gave it none): left out.
 */
export const OWN_ECHO_MS = 30_000;

/** What the history needs from the session. */
export interface ChannelHistoryHost {
  /** Queues a line for the server; resolves false when it was dropped unwritten. */
  send(line: string): Promise<boolean>;
  /** Whether the connection enabled a capability; undefined: not connected. */
  capEnabled(cap: string): boolean | undefined;
  /** An ISUPPORT token's value as the client parsed it (undefined or false: absent). */
  supports(name: string): unknown;
  /** Casefolds a name (the server's CASEMAPPING). */
  fold(name: string): string;
  /** The person's nick now. */
  nick(): string;
}

/** The hole the framework asks for (see LegacySession.backfillRoom). */
export interface HistoryHole {
  readonly after?: HoleBound;
  readonly before?: HoleBound;
  readonly limit: number;
}

/** A CHATHISTORY timestamp reference (`timestamp=YYYY-MM-DDThh:mm:ss.sssZ`). */
function stamp(ms: number): string {
  return `timestamp=${new Date(ms).toISOString()}`;
}

/** true for a msgid that is kept and can be sent back as `msgid=<id>`. */
function usableId(msgid: unknown): msgid is string {
  return typeof msgid === 'string' && msgid !== '' && msgid.length <= MAX_MSGID && !/[\s\0]/.test(msgid);
}

/**
 * A line of a history batch as a backfilled message of `channel` (folded with `fold`), or
 * undefined: not a PRIVMSG/NOTICE to it, a context line, without a usable msgid or time, or a
 * CTCP other than ACTION. Pure.
 */
export function historyMessage(line: IrcLine, channel: string, fold: (name: string) => string): BackfilledMessage | undefined {
  if ((line.command !== 'PRIVMSG' && line.command !== 'NOTICE') || line.tags['draft/chathistory-context'] !== undefined) return undefined;
  if (fold(line.params[0] ?? '') !== fold(channel) || line.params.length < 2) return undefined;
  const id = line.tags.msgid;
  const at = typeof line.tags.time === 'string' ? Date.parse(line.tags.time) : Number.NaN;
  if (!usableId(id) || !Number.isFinite(at)) return undefined;
  let text = line.params[line.params.length - 1] ?? '';
  let action = false;
  if (text.startsWith('\u0001')) {
    // eslint-disable-next-line no-control-regex -- CTCP is delimited by \x01
    const ctcp = /^\u0001ACTION (.*?)\u0001?$/su.exec(text);
    if (ctcp === null) return undefined;
    action = true;
    text = ctcp[1] ?? '';
  }
  // A server (a prefix without a nick) speaks as the room itself.
  const nick = line.nick === '' ? undefined : line.nick;
  return { id, nick, text: text.slice(0, MAX_TEXT), action, at };
}

/**
 * The CHATHISTORY request for the next page (without the command word): `top` is the
 * reference to read below (undefined: from the newest), `after` the hole's start. Pure.
 */
export function historyRequest(channel: string, top: string | undefined, after: HoleBound | undefined, count: number): string {
  if (top === undefined) return `LATEST ${channel} ${after === undefined ? '*' : stamp(after.at)} ${count}`;
  return after === undefined ? `BEFORE ${channel} ${top} ${count}` : `BETWEEN ${channel} ${top} ${stamp(after.at)} ${count}`;
}

export class ChannelHistory {
  readonly #batches: HistoryBatches;
  /** Unrequested or nested history batches seen on this connection (their lines were consumed). */
  #dropped = 0;

  constructor(private readonly host: ChannelHistoryHost) {
    this.#batches = new HistoryBatches((name) => host.fold(name), () => void (this.#dropped += 1));
  }

  /** Unrequested or nested history batches dropped so far (a server's autoreplay, a second answer). */
  get dropped(): number {
    return this.#dropped;
  }

  /** Whether the connection can answer: CHATHISTORY (the cap or ISUPPORT) with batch, server-time and message-tags. */
  available(): boolean {
    const { host } = this;
    const history = HISTORY_CAPS.some((cap) => host.capEnabled(cap) === true) || isPresent(host.supports('CHATHISTORY'));
    return history && NEEDED_CAPS.every((cap) => host.capEnabled(cap) === true);
  }

  /** Takes `line` when it belongs to history or answers a request: true then (not live). */
  take(line: IrcLine): boolean {
    return this.#batches.take(line);
  }

  /** The connection is gone: every request waiting is rejected. */
  reset(): void {
    this.#batches.cancelAll(new Error('the IRC connection closed'));
  }

  /**
   * The messages of `hole` in `channel`'s history, oldest first, at most `hole.limit`: [] when
   * the server keeps none. Rejects when the server refuses, on `signal`, or when the connection
   * goes (the framework logs it; the archive keeps its hole).
   */
  async backfill(channel: string, hole: HistoryHole, signal: AbortSignal): Promise<BackfilledMessage[]> {
    if (!this.available() || hole.limit <= 0) return [];
    const refTypes = this.#refTypes();
    if (!refTypes.includes('timestamp')) throw new Error(`the server takes no timestamp reference in CHATHISTORY (MSGREFTYPES=${refTypes.join(',').slice(0, 100)})`);
    const byId = refTypes.includes('msgid');
    const serverMax = Number(this.host.supports('CHATHISTORY'));
    const count = Math.max(1, Math.min(PAGE_SIZE, hole.limit, Number.isInteger(serverMax) && serverMax > 0 ? serverMax : PAGE_SIZE));
    const found = new Map<string, BackfilledMessage>();
    let top = hole.before === undefined ? undefined : stamp(hole.before.at);
    for (let page = 0; page < MAX_PAGES && found.size < hole.limit; page++) {
      const { messages, full, oldest } = await this.#page(channel, historyRequest(channel, top, hole.after, count), signal);
      for (const message of messages) found.set(message.id, message);
      if (!full || oldest === undefined) break;
      const next = byId && oldest.id !== undefined ? `msgid=${oldest.id}` : stamp(oldest.at);
      if (next === top) break; // no progress: a server repeating its page
      top = next;
    }
    const self = this.host.fold(this.host.nick());
    const echoUntil = hole.after === undefined ? -Infinity : hole.after.at + OWN_ECHO_MS;
    return [...found.values()]
      .filter((m) => !(m.nick !== undefined && this.host.fold(m.nick) === self && m.at <= echoUntil))
      .sort((a, b) => a.at - b.at)
      .slice(-hole.limit);
  }

  /**
   * One request and its batch: the channel's messages in it, whether the page was full, and its
   * oldest item (a message or an event) with a time, where the next page starts.
   */
  async #page(channel: string, request: string, signal: AbortSignal): Promise<{ readonly messages: BackfilledMessage[]; readonly full: boolean; readonly oldest: { readonly id: string | undefined; readonly at: number } | undefined }> {
    signal.throwIfAborted();
    const folded = this.host.fold(channel);
    const answer = this.#batches.expect(channel, MAX_LINES_PER_PAGE);
    const onAbort = (): void => this.#batches.cancel(folded, new Error(`no complete answer to CHATHISTORY in time (${String(signal.reason ?? 'aborted').slice(0, 100)})`));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (!(await this.host.send(`CHATHISTORY ${request}`))) this.#batches.cancel(folded, new Error('the CHATHISTORY request could not be sent'));
      const page = await answer;
      const count = Number(request.split(' ').at(-1));
      let items = 0;
      let oldest: { id: string | undefined; at: number } | undefined;
      const kept: BackfilledMessage[] = [];
      for (const line of page.lines) {
        // Events (JOIN, PART… with draft/event-playback) count towards the server's limit too.
        if (line.command === 'BATCH' || line.tags['draft/chathistory-context'] !== undefined) continue;
        items += 1;
        const at = typeof line.tags.time === 'string' ? Date.parse(line.tags.time) : Number.NaN;
        if (Number.isFinite(at) && (oldest === undefined || at < oldest.at)) oldest = { id: usableId(line.tags.msgid) ? line.tags.msgid : undefined, at };
        const message = historyMessage(line, channel, (name) => this.host.fold(name));
        if (message !== undefined) kept.push(message);
      }
      return { messages: kept, full: page.overflow || items >= count, oldest };
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** MSGREFTYPES (IRCv3 draft: the references the server takes), both when it says nothing. */
  #refTypes(): string[] {
    const value = this.host.supports('MSGREFTYPES');
    const list = Array.isArray(value) ? value.map(String) : typeof value === 'string' && value !== '' ? value.split(',') : [];
    return list.length === 0 ? ['timestamp', 'msgid'] : list.map((t) => t.toLowerCase()).slice(0, 10);
  }
}

/** An ISUPPORT value that says the token is there. */
function isPresent(value: unknown): boolean {
  return value !== undefined && value !== false && value !== null;
}
