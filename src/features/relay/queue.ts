/**
 * The persisted, bounded queue of one target channel, and the worker that empties it.
 *
 * A job is written to storage before the event that caused it counts as handled ("accepted"),
 * and removed only once the target network confirmed the delivery (or it was recorded as
 * failed). One worker per target sends the jobs one after another, in order, without waiting
 * for each confirmation: up to {@link MAX_UNCONFIRMED} sent jobs wait for theirs at a time. A
 * confirmation that cannot come (the connection was lost) sends the unconfirmed jobs again, in
 * order, after asking the network which of them had arrived. While the target's network is
 * down the worker waits (woken on reconnect), so a slow or disconnected target never delays
 * the others.
 */
import type { Logger } from '../../core/log.js';
import type { ChannelRef } from '../../core/refs.js';
import { messageOf } from '../../store/errors.js';
import type { QueuedEntry, QueueStore } from '../../core/store.js';
import type { RelayJob } from './jobs.js';

/** What the worker needs from the rest of the relay. */
export interface TargetQueueDeps {
  /** The relay's queues; this target's is the one named {@link queueName}. */
  readonly store: QueueStore;
  readonly log: Logger;
  /**
   * Most jobs kept; further ones are refused (recorded as failed). Leave jobs (a person's user of
   * their own leaving, `op: 'leave'`) may use as many again: refusing one would leave that user
   * behind on the target network (a netsplit of 10,000 people queues 10,000 of them besides their
   * quit notices), and their number follows the people who left, not what anyone says.
   */
  readonly maxSize: number;
  /** true while the target's network is connected. */
  isUp(): boolean;
  /** Delivers `job`; resolves once it was sent (written out), with what confirms it. */
  deliver(job: RelayJob): Promise<Delivery | void>;
  /** true when retrying `error` cannot help. */
  isPermanent(error: unknown): boolean;
  /**
   * true when `job` may only be sent once it is stored: its source may deliver the message again
   * after a restart (a catch-up from history), so a job sent before its write was committed
   * could be delivered twice after a crash. Otherwise a job goes out at once and its write
   * commits meanwhile (a crash in between loses nothing: the message was delivered).
   */
  storeBeforeSend(job: RelayJob): boolean;
  /** true when the job was already delivered by an earlier run (its message map entry). */
  alreadyDelivered(job: RelayJob): Promise<boolean>;
  /**
   * Which of `jobs` (sent, but never confirmed) had arrived, as the target network tells:
   * true for those it found. Unknown ones count as not arrived (they are sent again).
   */
  arrived(jobs: readonly RelayJob[]): Promise<readonly boolean[]>;
  /** Records a job that will never be delivered, with the reason. */
  failed(job: RelayJob, reason: string): Promise<void>;
}

/** A delivery that was sent. */
export interface Delivery {
  /**
   * Resolves once the target confirmed it has the delivery and what the delivery records is
   * issued to storage (`recorded`); rejects when the confirmation cannot come (sent again
   * after a check) or, with an error `isPermanent` accepts, when the target refused it.
   * Absent: confirmed once sent.
   */
  readonly confirmed?: Promise<void>;
  /** Settles once what the delivery records is stored (after the confirmation). */
  readonly recorded?: Promise<void>;
}

/**
 * - waiting: not sent yet (or to be sent again);
 * - sent: written out, its confirmation awaited;
 * - done: confirmed, skipped or failed for good; removed from storage once all before it are.
 */
type EntryState = 'waiting' | 'sent' | 'done';

interface Entry {
  /** Its stored position (`QueuedEntry.seq`). */
  readonly seq: number;
  readonly job: RelayJob;
  /** Left over from an earlier run: the message map is asked before sending it. */
  readonly recovered: boolean;
  /** May have been sent without being confirmed: the target network is asked before sending it again. */
  uncertain: boolean;
  state: EntryState;
  /** What the delivery records, once done. */
  recorded?: Promise<void>;
  /** Counts sends: a confirmation of an earlier send of this entry is ignored. */
  sends: number;
  /** Sends of this entry whose confirmation could not come. */
  unconfirmed?: number;
  /**
   * Settles once the job is stored (pushed in this run, until then): see `storeBeforeSend`. Made
   * only when something waits for it (`push`'s caller, or `storeBeforeSend`).
   */
  stored?: Promise<void>;
  /** Settles `stored` (set with it). */
  settle?: () => void;
  /** The worker looked at `stored` (and waited for it if it had to). */
  storeChecked?: boolean;
  /** Pushed in this run and not handed to storage yet (see `push`): it is written at the end of the turn's work unless done by then. */
  unwritten?: boolean;
}

/** Most jobs sent and not yet confirmed; the worker waits for confirmations beyond that. */
export const MAX_UNCONFIRMED = 64;
/**
 * How many leftover jobs may have been sent before a stop: up to {@link MAX_UNCONFIRMED}
 * unconfirmed, plus as many confirmed ones whose removal had not been committed yet (removals
 * are committed at the end of the event-loop turn in which their confirmations arrived).
 */
export const MAYBE_SENT_AT_STOP = 2 * MAX_UNCONFIRMED;
/** Tries before a job that fails while its network is up is given up. */
const MAX_ATTEMPTS = 3;
/** Sends of one job without confirmation before it is given up (the target never confirms it). */
const MAX_UNCONFIRMED_SENDS = 5;
/** How long a waiting worker sleeps before checking again without being woken. */
const IDLE_RECHECK_MS = 1_000;
/** How long `stop()` waits for the confirmations of jobs already sent. */
const STOP_CONFIRM_MS = 3_000;

/**
 * The stored queue of a target: `<network>/<channel>`, URI-encoded, the channel in lower case
 * (the name migration 0003 gives the queues it moved from the key-value store).
 */
export function queueName(target: ChannelRef): string {
  return `${encodeURIComponent(target.network)}/${encodeURIComponent(target.id.toLowerCase())}`;
}

export class TargetQueue {
  /** Jobs not yet removed, in order: first the sent (or done) ones, then the waiting ones. */
  private readonly entries: Entry[] = [];
  /** How many entries at the front have been sent (state sent or done). */
  private sentCount = 0;
  private readonly name: string;
  private seq = 0;
  private running: Promise<void> | undefined;
  private stopped = false;
  private wakeUp: (() => void) | undefined;
  private overflowLogged = false;
  private recordFailureLogged = false;
  private readonly storageFailuresLogged = new Set<string>();
  /** Jobs pushed in this turn, to be written together once the turn's work is done (`writePushed`). */
  private pushed: Entry[] = [];
  private readonly writePushedNow = (): void => this.writePushed();
  /** Logs (once) that a delivery's message ids could not be recorded. */
  private readonly recordFailed = (error: unknown): void => {
    if (this.recordFailureLogged) return;
    this.recordFailureLogged = true;
    this.deps.log.warn({ target: this.target, err: error }, 'relay delivery sent, but its message ids could not be stored; edits and replies to it will use fallbacks');
  };

  constructor(readonly target: ChannelRef, private readonly deps: TargetQueueDeps) {
    this.name = queueName(target);
  }

  /** Jobs waiting or awaiting their confirmation. */
  get depth(): number {
    return this.entries.length;
  }

  /**
   * Reads the jobs left over from an earlier run; call once before `push`. Returns how many.
   * The first {@link MAYBE_SENT_AT_STOP} of them may have been sent before the stop without being
   * confirmed, so the network is asked about them first. `stored`: this queue's entries when
   * the caller already read them (`QueueStore.all`, one read for every target at start).
   */
  async load(stored?: ReadonlyArray<QueuedEntry<RelayJob>>): Promise<number> {
    for (const { seq, value: job } of stored ?? await this.deps.store.entries<RelayJob>(this.name)) {
      this.seq = Math.max(this.seq, seq);
      if (job) this.entries.push({ seq, job, recovered: true, uncertain: this.entries.length < MAYBE_SENT_AT_STOP, state: 'waiting', sends: 0 });
    }
    if (this.entries.length > 0) this.kick();
    return this.entries.length;
  }

  /**
   * Appends `job` and starts delivering; refuses it (recorded as failed) when the queue is full.
   * The job is in line at once; the promise resolves once it is stored (accepted), which is
   * when storage commits next: callers need not wait for it, so that the jobs of many events
   * share one commit. Never rejects: a storage failure is logged here (the job is still
   * delivered in this run, but would not be resumed after a restart).
   *
   * The write is issued once the turn's work is done (`process.nextTick`, still before storage
   * commits the turn's writes), not on the way of the delivery; a job already done by then
   * (delivered and confirmed within the turn, e.g. a join shown natively) is never written,
   * which is what its write and its removal committed together would leave.
   */
  push(job: RelayJob): Promise<void> {
    const entry = this.enqueue(job);
    if (entry === undefined || entry instanceof Promise) return entry ?? Promise.resolve();
    return storedPromise(entry);
  }

  /**
   * `push` for a caller that does not wait for the job to be stored (the relay's fan-out): no
   * promise is made for it unless `storeBeforeSend` needs one.
   */
  add(job: RelayJob): void {
    void this.enqueue(job);
  }

  /** Puts `job` in line (see `push`): its entry, or the refusal's record when the queue is full. */
  private enqueue(job: RelayJob): Entry | Promise<void> | undefined {
    if (this.stopped) return undefined;
    const limit = job.op === 'leave' ? 2 * this.deps.maxSize : this.deps.maxSize;
    if (this.entries.length >= limit) {
      if (!this.overflowLogged) {
        this.overflowLogged = true;
        this.deps.log.error({ target: this.target, maxSize: this.deps.maxSize }, 'relay queue full: further messages for this target are recorded as failed');
      }
      return this.deps.failed(job, `queue full (${limit} waiting)`)
        .catch((error: unknown) => this.storageFailed('could not record a refused delivery', error));
    }
    // Logged once per overflow: again only after the queue has drained to half its size.
    if (this.entries.length < this.deps.maxSize / 2) this.overflowLogged = false;
    this.seq += 1;
    const entry: Entry = { seq: this.seq, job, recovered: false, uncertain: false, state: 'waiting', sends: 0, unwritten: true };
    this.entries.push(entry);
    // The worker waits for it before sending (see `storeBeforeSend`): made now, before it can look.
    if (this.deps.storeBeforeSend(job)) void storedPromise(entry);
    if (this.pushed.length === 0) process.nextTick(this.writePushedNow);
    this.pushed.push(entry);
    this.kick();
    return entry;
  }

  /** Writes the jobs pushed in this turn that are not done yet, in order (see `push`). */
  private writePushed(): void {
    const pushed = this.pushed;
    this.pushed = [];
    for (const entry of pushed) {
      if (!entry.unwritten) {
        entry.settle?.();
        continue;
      }
      entry.unwritten = false;
      this.deps.store.appendThen(this.name, entry.seq, entry.job, (error) => {
        if (error !== undefined) this.storageFailed('could not store a delivery; it is sent in this run but would not be resumed after a restart', error);
        entry.settle?.();
      });
    }
  }

  /** Logs a storage failure of this queue, once per kind. */
  private storageFailed(what: string, error: unknown): void {
    if (this.storageFailuresLogged.has(what)) return;
    this.storageFailuresLogged.add(what);
    this.deps.log.error({ target: this.target, err: error }, `relay queue: ${what}`);
  }

  /** Wakes a worker that waits for its network (call on reconnect) or for confirmations. */
  wake(): void {
    this.wakeUp?.();
  }

  /**
   * Stops sending after the job in hand and waits a little for the confirmations of what was
   * sent; what is left stays stored for the next start.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.running;
    const deadline = Date.now() + STOP_CONFIRM_MS;
    while (this.sentCount > 0 && this.entries.slice(0, this.sentCount).some((e) => e.state === 'sent') && Date.now() < deadline) {
      await this.sleep(Math.min(IDLE_RECHECK_MS, deadline - Date.now()));
    }
  }

  private kick(): void {
    if (this.running || this.stopped) return;
    this.running = this.work().finally(() => {
      this.running = undefined;
      if (this.entries.length > this.sentCount && !this.stopped) this.kick();
    });
  }

  private async work(): Promise<void> {
    let attempts = 0;
    while (!this.stopped) {
      const entry = this.entries[this.sentCount];
      if (!entry) return; // everything is sent; confirmations finish the rest
      if (entry.state === 'done') {
        // Found by the network, or confirmed late (after a lost confirmation before it had the
        // later ones sent again): nothing to send.
        this.sentCount += 1;
        this.finishFront();
        continue;
      }
      if (this.sentCount >= MAX_UNCONFIRMED || !this.deps.isUp()) {
        await this.sleep(IDLE_RECHECK_MS);
        continue;
      }
      if (entry.uncertain) {
        await this.checkUncertain();
        continue; // look again: the check may have found it, and the line may have moved meanwhile
      }
      if (entry.stored !== undefined && entry.storeChecked !== true) {
        const stored = entry.stored;
        entry.storeChecked = true;
        if (this.deps.storeBeforeSend(entry.job)) {
          // Only what is accepted (stored) goes out: a crash then never leaves a delivered message
          // unaccepted, which a catch-up from the source's history would relay again. The jobs
          // of one turn share one commit, so this waits once per commit, not once per job.
          await stored;
          continue; // look again: the line may have moved meanwhile
        }
      }
      const outcome = await this.attempt(entry);
      if (this.entries[this.sentCount] !== entry) {
        // Earlier jobs went back in line while this one was being sent (a lost confirmation):
        // it comes again after them, checked first, since this attempt may have written it out.
        attempts = 0;
        if (outcome === 'skipped') entry.state = 'done';
        else entry.uncertain = true;
        continue;
      }
      if (outcome === 'retry') {
        attempts += 1;
        entry.uncertain = true; // the failed attempt may have written part of it
        if (attempts < MAX_ATTEMPTS || !this.deps.isUp()) {
          await this.sleep(this.deps.isUp() ? 200 * attempts : IDLE_RECHECK_MS);
          continue;
        }
        await this.deps.failed(entry.job, `gave up after ${attempts} attempts`);
        this.finish(entry, undefined);
        attempts = 0;
        continue;
      }
      attempts = 0;
      if (outcome === 'skipped') this.finish(entry, undefined);
      else this.sent(entry, outcome);
    }
  }

  /**
   * Asks the network which of the uncertain waiting jobs (from the next one on) had arrived,
   * and marks those done; the others are sent normally.
   */
  private async checkUncertain(): Promise<void> {
    const asked: Entry[] = [];
    for (let i = this.sentCount; i < this.entries.length && asked.length < MAYBE_SENT_AT_STOP; i++) {
      const entry = this.entries[i]!;
      if (entry.state === 'waiting' && entry.uncertain) asked.push(entry);
    }
    let found: readonly boolean[] = [];
    try {
      found = await this.deps.arrived(asked.map((e) => e.job));
    } catch (error) {
      this.deps.log.warn({ target: this.target, err: error }, 'relay: could not learn which unconfirmed deliveries had arrived; sending them again');
    }
    asked.forEach((entry, i) => {
      entry.uncertain = false;
      if (found[i] === true && entry.state === 'waiting') entry.state = 'done';
    });
  }

  /** A job was sent: it waits for its confirmation. */
  private sent(entry: Entry, delivery: Delivery): void {
    entry.state = 'sent';
    entry.sends += 1;
    this.sentCount += 1;
    const send = entry.sends;
    if (delivery.confirmed === undefined) {
      this.finish(entry, delivery.recorded);
      return;
    }
    delivery.confirmed.then(
      () => {
        if (entry.sends === send && entry.state === 'sent') this.finish(entry, delivery.recorded);
      },
      (error: unknown) => {
        if (entry.sends !== send || entry.state !== 'sent') return;
        const reason = messageOf(error);
        if (this.deps.isPermanent(error)) return this.giveUp(entry, reason);
        entry.unconfirmed = (entry.unconfirmed ?? 0) + 1;
        if (entry.unconfirmed >= MAX_UNCONFIRMED_SENDS) return this.giveUp(entry, `not confirmed after ${entry.unconfirmed} sends: ${reason}`);
        this.unconfirmed(entry, reason);
      },
    );
  }

  /** Records a sent job that will never be confirmed as failed, then removes it. */
  private giveUp(entry: Entry, reason: string): void {
    void this.deps.failed(entry.job, reason)
      .catch((error: unknown) => this.storageFailed('could not record a failed delivery', error))
      .finally(() => this.finish(entry, undefined));
  }

  /**
   * The confirmation of `entry` cannot come: it and every later job sent without confirmation
   * go back in line, to be checked with the network and sent again, in order.
   */
  private unconfirmed(entry: Entry, reason: string): void {
    const index = this.entries.indexOf(entry);
    if (index < 0 || index >= this.sentCount) return;
    let again = 0;
    for (let i = index; i < this.sentCount; i++) {
      const later = this.entries[i]!;
      if (later.state !== 'sent') continue;
      later.state = 'waiting';
      later.uncertain = true;
      later.sends += 1; // its pending confirmation no longer counts
      again += 1;
    }
    this.sentCount = index;
    this.deps.log.info({ target: this.target, deliveries: again, reason }, 'relay: deliveries not confirmed; checking and sending them again');
    this.kick();
    this.wake();
  }

  /** Marks `entry` done and removes the done jobs at the front. */
  private finish(entry: Entry, recorded: Promise<void> | undefined): void {
    entry.state = 'done';
    entry.recorded = recorded;
    if (this.entries[this.sentCount] === entry) this.sentCount += 1;
    this.finishFront();
  }

  /** Removes the done jobs at the front (in order) from memory and storage. */
  private finishFront(): void {
    while (this.entries[0]?.state === 'done') {
      const entry = this.entries.shift()!;
      if (this.sentCount > 0) this.sentCount -= 1;
      this.remove(entry, entry.recorded);
    }
    this.wake();
  }

  /**
   * Deletes the stored job (nothing to delete for one never written: see `push`), together with
   * what its delivery records; logs (once) what failed.
   */
  private remove(entry: Entry, recorded: Promise<void> | undefined): void {
    const written = entry.unwritten !== true;
    entry.unwritten = false;
    // Not awaited together: each outcome is only logged.
    recorded?.then(undefined, this.recordFailed);
    // Never stored (a join shown natively, delivered within its turn): nothing to delete.
    if (!written) return;
    this.deps.store.removeThen(this.name, entry.seq, (error) => {
      if (error !== undefined) this.deps.log.error({ target: this.target, seq: entry.seq, err: error }, 'relay delivery sent, but its queue entry could not be removed; it may be sent again after a restart');
    });
  }

  /** One delivery attempt: sent, skipped (delivered earlier, or failed for good) or 'retry'. */
  private async attempt(entry: Entry): Promise<Delivery | 'skipped' | 'retry'> {
    try {
      if (entry.recovered && entry.sends === 0 && await this.deps.alreadyDelivered(entry.job)) return 'skipped';
      return (await this.deps.deliver(entry.job)) ?? {};
    } catch (error) {
      if (this.deps.isPermanent(error)) {
        await this.deps.failed(entry.job, messageOf(error));
        return 'skipped';
      }
      this.deps.log.debug({ target: this.target, err: error }, 'relay delivery failed; will retry');
      return 'retry';
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        done();
      };
    });
  }
}

/** The promise that settles once `entry` is stored, made on first use (see `Entry.stored`). */
function storedPromise(entry: Entry): Promise<void> {
  if (entry.stored === undefined) {
    if (!entry.unwritten && entry.settle === undefined) return Promise.resolve();
    entry.stored = new Promise<void>((resolve) => (entry.settle = resolve));
  }
  return entry.stored;
}
