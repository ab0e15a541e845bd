/**
 * The server's answers to our CHATHISTORY requests (IRCv3 `draft/chathistory`): each request
 * waits for a `BATCH +ref chathistory <channel>` … `BATCH -ref` for its channel, or a refusal
 * (`FAIL CHATHISTORY …`, ERR_UNKNOWNCOMMAND or ERR_NEEDMOREPARAMS for CHATHISTORY).
 *
 * Every line of a `chathistory` batch is history, never live: a batch nobody asked for (or a
 * second one for the same request), a batch nested in a history batch, and lines that follow
 * the end of one are consumed and dropped, as are the lines of a batch beyond `maxLines`.
 * Untrusted input: what is kept per request and the refs remembered are bounded.
 */
import type { IrcLine } from './inbound.js';

/** The lines answering one request, in the order received, at most `maxLines`. */
export interface HistoryPage {
  readonly lines: readonly IrcLine[];
  /** true when the batch held more lines than `maxLines` (the rest was dropped). */
  readonly overflow: boolean;
}

/** A request waiting for its answer. */
interface Waiting {
  readonly folded: string;
  readonly maxLines: number;
  readonly lines: IrcLine[];
  overflow: boolean;
  /** The ref of the batch answering it, once opened. */
  ref?: string;
  resolve(page: HistoryPage): void;
  reject(error: Error): void;
}

/** Refs of history batches ignored or ended, remembered to drop their lines (the oldest forgotten first). */
const MAX_REMEMBERED_REFS = 256;

/** Why a line of history was dropped, for a log line. */
export type DroppedBatch = 'unrequested' | 'nested';

export class HistoryBatches {
  /** Requests waiting for their answer, by casefolded channel. */
  private readonly waiting = new Map<string, Waiting>();
  /** Open batches answering a request, by ref. */
  private readonly open = new Map<string, Waiting>();
  /** History batches whose lines are dropped: ignored ones and ended ones. */
  private readonly dropped = new Set<string>();
  /** Channels (casefolded) whose request was given up before its answer came: that answer is dropped quietly. */
  private readonly late = new Set<string>();

  /**
   * @param fold - casefolds a channel name (CASEMAPPING)
   * @param onDropped - a history batch is ignored (reported for a log line)
   */
  constructor(private readonly fold: (name: string) => string, private readonly onDropped: (why: DroppedBatch, context: Readonly<Record<string, unknown>>) => void) {}

  /**
   * Waits for the answer to a request about `channel` (sent right after this call). A request
   * still waiting for the same channel is rejected first. Rejects on a refusal or `cancel`.
   */
  expect(channel: string, maxLines: number): Promise<HistoryPage> {
    const folded = this.fold(channel);
    this.cancel(folded, new Error('superseded by a newer request'));
    this.late.delete(folded);
    return new Promise<HistoryPage>((resolve, reject) => {
      this.waiting.set(folded, { folded, maxLines, lines: [], overflow: false, resolve, reject });
    });
  }

  /** Rejects the request waiting for the channel (casefolded), if any. */
  cancel(folded: string, error: Error): void {
    const waiting = this.waiting.get(folded);
    if (waiting !== undefined) this.settle(waiting, error);
  }

  /** Rejects every request still waiting (the connection is gone). */
  cancelAll(error: Error): void {
    for (const waiting of [...this.waiting.values()]) this.settle(waiting, error);
  }

  /**
   * Takes `line` when it belongs to history or answers a request: true then (it is not live).
   * Anything else is left alone (false).
   */
  take(line: IrcLine): boolean {
    const ref = typeof line.tags.batch === 'string' ? line.tags.batch : undefined;
    if (line.command === 'BATCH') return this.batch(line, ref);
    if (ref !== undefined && this.open.has(ref)) {
      this.collect(this.open.get(ref)!, line);
      return true;
    }
    if (ref !== undefined && this.dropped.has(ref)) return true;
    return this.refusal(line);
  }

  private batch(line: IrcLine, outer: string | undefined): boolean {
    const [marker = '', type = '', target = ''] = line.params;
    const ref = marker.slice(1);
    if (ref === '') return false;
    const insideHistory = outer !== undefined && (this.open.has(outer) || this.dropped.has(outer));
    if (marker.startsWith('+')) {
      if (insideHistory) return this.drop(ref, 'nested', { ref, type });
      if (type.toLowerCase() !== 'chathistory') return false;
      const folded = this.fold(target);
      const waiting = this.waiting.get(folded);
      if (waiting === undefined && this.late.delete(folded)) return this.drop(ref);
      if (waiting === undefined || waiting.ref !== undefined || this.open.has(ref) || this.dropped.has(ref)) return this.drop(ref, 'unrequested', { ref, target });
      waiting.ref = ref;
      this.open.set(ref, waiting);
      return true;
    }
    if (!marker.startsWith('-')) return false;
    const waiting = this.open.get(ref);
    if (waiting !== undefined) {
      this.settle(waiting);
      return true;
    }
    return insideHistory || this.dropped.has(ref);
  }

  private collect(waiting: Waiting, line: IrcLine): void {
    if (waiting.lines.length < waiting.maxLines) waiting.lines.push(line);
    else waiting.overflow = true;
  }

  /** A refusal of CHATHISTORY: rejects the request it names, or every waiting one when it names none. */
  private refusal(line: IrcLine): boolean {
    const [first = '', second = '', , fourth = ''] = line.params;
    let reason: string;
    let target: string | undefined;
    if (line.command === 'FAIL' && first.toUpperCase() === 'CHATHISTORY') {
      reason = `${second}: ${line.params.at(-1) ?? ''}`;
      target = line.params.length > 4 ? fourth : undefined;
    } else if ((line.command === '421' || line.command === '461') && second.toUpperCase() === 'CHATHISTORY') {
      reason = `${line.command}: ${line.params.at(-1) ?? ''}`;
    } else {
      return false;
    }
    const error = new Error(`the server refused CHATHISTORY (${reason.slice(0, 200)})`);
    const named = target === undefined ? undefined : this.waiting.get(this.fold(target));
    if (named !== undefined) this.settle(named, error);
    else this.cancelAll(error);
    return true;
  }

  /** Resolves (or rejects with `error`) a request and forgets it; its batch's later lines are dropped. */
  private settle(waiting: Waiting, error?: Error): void {
    if (this.waiting.get(waiting.folded) === waiting) this.waiting.delete(waiting.folded);
    if (error !== undefined && waiting.ref === undefined) {
      // Its answer may still come (the request was given up, or is still in the send queue).
      this.late.add(waiting.folded);
      if (this.late.size > MAX_REMEMBERED_REFS) this.late.delete(this.late.values().next().value as string);
    }
    if (waiting.ref !== undefined) {
      this.open.delete(waiting.ref);
      this.remember(waiting.ref);
    }
    if (error !== undefined) waiting.reject(error);
    else waiting.resolve({ lines: waiting.lines, overflow: waiting.overflow });
  }

  /** Drops the batch `ref`: its lines are consumed; reported when `why` is given. */
  private drop(ref: string, why?: DroppedBatch, context: Readonly<Record<string, unknown>> = {}): true {
    this.remember(ref);
    if (why !== undefined) this.onDropped(why, context);
    return true;
  }

  private remember(ref: string): void {
    this.dropped.delete(ref);
    this.dropped.add(ref);
    if (this.dropped.size > MAX_REMEMBERED_REFS) this.dropped.delete(this.dropped.values().next().value as string);
  }
}
