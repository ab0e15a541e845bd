/**
 * The persisted, bounded queue of one target channel, and the worker that empties it.
 *
 * A job is written to storage before the event that caused it counts as handled ("accepted"),
 * and removed only after it was delivered (or recorded as failed). One worker per target sends
 * the jobs one after another, in order; while the target's network is down it waits (woken on
 * reconnect), so a slow or disconnected target never delays the others.
 */
import type { Logger } from '../../core/log.js';
import type { ChannelRef } from '../../core/refs.js';
import type { KeyValueStore } from '../../store/types.js';
import type { RelayJob } from './jobs.js';

/** What the worker needs from the rest of the relay. */
export interface TargetQueueDeps {
  readonly store: KeyValueStore;
  readonly log: Logger;
  /** Most jobs kept; further ones are refused (recorded as failed). */
  readonly maxSize: number;
  /** true while the target's network is connected. */
  isUp(): boolean;
  /**
   * Delivers `job`; resolves once it was sent. What it records about the delivery may still be
   * under way then (`recorded`): the queue removes the job in the same breath, so storage
   * commits both together.
   */
  deliver(job: RelayJob): Promise<Delivery | void>;
  /** true when retrying `error` cannot help. */
  isPermanent(error: unknown): boolean;
  /** true when the job was already delivered (it is then dropped without sending). */
  alreadyDelivered(job: RelayJob): Promise<boolean>;
  /** Records a job that will never be delivered, with the reason. */
  failed(job: RelayJob, reason: string): Promise<void>;
}

/** A delivery that was sent: `recorded` settles once what it records is stored. */
export interface Delivery {
  readonly recorded: Promise<void>;
}

interface Entry {
  readonly key: string;
  readonly job: RelayJob;
  /**
   * Left over from an earlier run: it may have been delivered just before a crash, so the
   * message map is asked first. Jobs pushed in this run skip that lookup on their first try.
   */
  readonly recovered: boolean;
}

/** Tries before a job that fails while its network is up is given up. */
const MAX_ATTEMPTS = 3;
/** How long a waiting worker sleeps before checking again without being woken. */
const IDLE_RECHECK_MS = 1_000;
const SEQ_DIGITS = 16;

/** An attempt that is over: delivered (maybe still recording), skipped, or failed for good. */
type Done = { readonly recorded?: Promise<void> };
const NOTHING_RECORDED: Done = {};

/** What every queue's storage keys start with. */
export const QUEUE_KEY_ROOT = 'queue/';

/** The storage key prefix of a target's queue. */
export function queuePrefix(target: ChannelRef): string {
  return `${QUEUE_KEY_ROOT}${encodeURIComponent(target.network)}/${encodeURIComponent(target.id.toLowerCase())}/`;
}

/** Stored queue keys (from one `keys(QUEUE_KEY_ROOT)` call) grouped by queue prefix, in their order. */
export function keysByQueue(keys: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const key of keys) {
    const prefix = key.slice(0, key.lastIndexOf('/') + 1);
    const group = groups.get(prefix);
    if (group) group.push(key);
    else groups.set(prefix, [key]);
  }
  return groups;
}

export class TargetQueue {
  private readonly entries: Entry[] = [];
  private readonly prefix: string;
  private seq = 0;
  private running: Promise<void> | undefined;
  private stopped = false;
  private wakeUp: (() => void) | undefined;
  private overflowLogged = false;
  private recordFailureLogged = false;
  private readonly storageFailuresLogged = new Set<string>();

  constructor(readonly target: ChannelRef, private readonly deps: TargetQueueDeps) {
    this.prefix = queuePrefix(target);
  }

  /** Jobs waiting (including the one being delivered). */
  get depth(): number {
    return this.entries.length;
  }

  /**
   * Reads the jobs left over from an earlier run; call once before `push`. Returns how many.
   * `storedKeys`: this queue's keys when the caller already listed them (see `keysByQueue`),
   * which spares one storage lookup per target at start.
   */
  async load(storedKeys?: readonly string[]): Promise<number> {
    for (const key of storedKeys ?? await this.deps.store.keys(this.prefix)) {
      const job = await this.deps.store.get<RelayJob>(key);
      this.seq = Math.max(this.seq, Number(key.slice(this.prefix.length)) || 0);
      if (job) this.entries.push({ key, job, recovered: true });
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
   */
  push(job: RelayJob): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.entries.length >= this.deps.maxSize) {
      if (!this.overflowLogged) {
        this.overflowLogged = true;
        this.deps.log.error({ target: this.target, maxSize: this.deps.maxSize }, 'relay queue full: further messages for this target are recorded as failed');
      }
      return this.deps.failed(job, `queue full (${this.deps.maxSize} waiting)`)
        .catch((error: unknown) => this.storageFailed('could not record a refused delivery', error));
    }
    this.overflowLogged = false;
    this.seq += 1;
    const key = `${this.prefix}${String(this.seq).padStart(SEQ_DIGITS, '0')}`;
    this.entries.push({ key, job, recovered: false });
    const stored = this.deps.store.set(key, job)
      .catch((error: unknown) => this.storageFailed('could not store a delivery; it is sent in this run but would not be resumed after a restart', error));
    this.kick();
    return stored;
  }

  /** Logs a storage failure of this queue, once per kind. */
  private storageFailed(what: string, error: unknown): void {
    if (this.storageFailuresLogged.has(what)) return;
    this.storageFailuresLogged.add(what);
    this.deps.log.error({ target: this.target, err: error }, `relay queue: ${what}`);
  }

  /** Wakes a worker that waits for its network (call on reconnect). */
  wake(): void {
    this.wakeUp?.();
  }

  /** Stops the worker after the job in hand; waiting jobs stay stored for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.running;
  }

  private kick(): void {
    if (this.running || this.stopped) return;
    this.running = this.work().finally(() => {
      this.running = undefined;
      if (this.entries.length > 0 && !this.stopped) this.kick();
    });
  }

  private async work(): Promise<void> {
    let attempts = 0;
    while (!this.stopped) {
      const entry = this.entries[0];
      if (!entry) return;
      if (!this.deps.isUp()) {
        await this.sleep(IDLE_RECHECK_MS);
        continue;
      }
      const outcome = await this.attempt(entry.job, entry.recovered || attempts > 0);
      if (outcome === 'retry') {
        attempts += 1;
        if (attempts < MAX_ATTEMPTS || !this.deps.isUp()) {
          await this.sleep(this.deps.isUp() ? 200 * attempts : IDLE_RECHECK_MS);
          continue;
        }
        await this.deps.failed(entry.job, `gave up after ${attempts} attempts`);
      }
      attempts = 0;
      await this.remove(entry, outcome === 'retry' ? undefined : outcome.recorded);
      this.entries.shift();
    }
  }

  /** Deletes the stored job, together with what its delivery records; logs (once) what failed. */
  private async remove(entry: Entry, recorded: Promise<void> | undefined): Promise<void> {
    const [record, removal] = await Promise.allSettled([recorded, this.deps.store.delete(entry.key)]);
    if (record.status === 'rejected' && !this.recordFailureLogged) {
      this.recordFailureLogged = true;
      this.deps.log.warn({ target: this.target, err: record.reason }, 'relay delivery sent, but its message ids could not be stored; edits and replies to it will use fallbacks');
    }
    if (removal.status === 'rejected') {
      this.deps.log.error({ target: this.target, key: entry.key, err: removal.reason }, 'relay delivery sent, but its queue entry could not be removed; it may be sent again after a restart');
    }
  }

  /**
   * One delivery attempt: done (delivered, skipped or failed for good) or 'retry'.
   * `mayBeDelivered`: a recovered job or a retry, which an earlier attempt may have delivered.
   */
  private async attempt(job: RelayJob, mayBeDelivered: boolean): Promise<Done | 'retry'> {
    try {
      if (mayBeDelivered && await this.deps.alreadyDelivered(job)) return NOTHING_RECORDED;
      return (await this.deps.deliver(job)) ?? NOTHING_RECORDED;
    } catch (error) {
      if (this.deps.isPermanent(error)) {
        await this.deps.failed(job, error instanceof Error ? error.message : String(error));
        return NOTHING_RECORDED;
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
