/**
 * Which channels the bot should be in and getting it there: the hub's wanted channels plus
 * `join()` calls minus `part()` calls, JOIN lines batched as the server allows (join-batch.ts),
 * each join settled by its own echo, a refusal numeric or a timeout, and the rejoin after a kick
 * (`rejoinAfterKick`).
 */
import type { NetworkContext } from '../../core/network.js';
import type { ChannelRef } from '../../core/refs.js';
import type { IrcConfig } from './config.js';
import type { ServerSupport } from './isupport.js';
import type { MemberTracker } from './members.js';
import type { ParsedLine } from 'irc-framework';
import { DEFAULT_JOIN_TARGETS, joinLines, safeJoinName, type JoinTarget } from './join-batch.js';
import { JOIN_COST, JOIN_ERRORS, JOIN_TIMEOUT_MS } from './protocol.js';
import { renderIrcLine } from './format-render.js';

/** What joining needs from the adapter. */
export interface ChannelJoinsDeps {
  readonly ctx: NetworkContext;
  readonly config: Pick<IrcConfig, 'channelKeys' | 'rejoinAfterKick' | 'rejoinDelayMs'>;
  /** The current connection's view of the server. */
  support(): ServerSupport;
  /** The current connection's channel members. */
  tracker(): MemberTracker;
  /** True once connected (after the joins at registration). */
  isConnected(): boolean;
  /** Queues a control line; resolves true once written, false when dropped unwritten. */
  enqueueControl(line: string, cost?: number): Promise<boolean>;
}

interface PendingJoin {
  resolve(): void;
  reject(error: Error): void;
}

/** The bot's channel joins on one network, across its connections. */
export class ChannelJoins {
  private readonly extraChannels = new Map<string, ChannelRef>();
  private readonly partedChannels = new Set<string>();
  private readonly pendingJoins = new Map<string, PendingJoin[]>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly deps: ChannelJoinsDeps) {}

  private get name(): string {
    return this.deps.ctx.name;
  }

  /** The channels to be in: the hub's wanted channels plus join() calls, minus part() calls. */
  wanted(): ChannelRef[] {
    const support = this.deps.support();
    const byKey = new Map<string, ChannelRef>();
    for (const channel of [...this.deps.ctx.wantedChannels(), ...this.extraChannels.values()]) {
      if (channel.network !== this.name) continue;
      const key = support.fold(channel.id);
      if (!this.partedChannels.has(key) && !byKey.has(key)) byKey.set(key, channel);
    }
    return [...byKey.values()];
  }

  /** The configured key (`channelKeys`) of a +k channel. */
  keyOf(name: string): string | undefined {
    const support = this.deps.support();
    for (const [channel, key] of Object.entries(this.deps.config.channelKeys)) if (support.equal(channel, name)) return key;
    return undefined;
  }

  /** Joins every wanted channel (after registration); failures are logged, not thrown. */
  async joinWanted(): Promise<void> {
    const results = await Promise.allSettled(this.joinMany(this.wanted()));
    results.forEach((result) => {
      if (result.status === 'rejected') this.deps.ctx.log.warn({ err: (result.reason as Error).message }, 'could not join a channel');
    });
  }

  /** Wants `channel` from now on and joins it now when connected and not in it yet. */
  async join(channel: ChannelRef): Promise<void> {
    if (channel.network !== this.name) throw new Error(`${this.name}: cannot join a channel of network ${channel.network}`);
    const key = this.deps.support().fold(channel.id);
    this.extraChannels.set(key, channel);
    this.partedChannels.delete(key);
    if (this.deps.isConnected() && !this.deps.tracker().channel(channel.name ?? channel.id)) await this.joinNow(channel);
  }

  /** Stops wanting `channel` and leaves it now when the bot is in it. */
  async part(channel: ChannelRef, reason?: string): Promise<void> {
    const key = this.deps.support().fold(channel.id);
    this.extraChannels.delete(key);
    this.partedChannels.add(key);
    const name = channel.name ?? channel.id;
    const tracker = this.deps.tracker();
    if (!this.deps.isConnected() || !tracker.channel(name)) return;
    const text = reason ? renderIrcLine([{ type: 'text', text: reason }]) : '';
    tracker.removeChannel(name);
    await this.deps.enqueueControl(text ? `PART ${name} :${text}` : `PART ${name}`);
  }

  /** true while a JOIN of the channel (casefolded name) waits for its answer. */
  isPending(folded: string): boolean {
    return this.pendingJoins.has(folded);
  }

  /** The server echoed our JOIN of `channel`. */
  joined(channel: string): void {
    this.settle(channel);
  }

  /** Settles the join a refusal numeric (JOIN_ERRORS) answers, if `line` is one. */
  handle(line: ParsedLine): void {
    if (!JOIN_ERRORS.has(line.command) || !line.params[1]) return;
    const channel = line.params[1];
    const reason = line.params[2] ?? line.command;
    this.deps.ctx.log.warn({ channel, numeric: line.command, reason }, 'join refused');
    this.settle(channel, new Error(`${channel}: ${reason} (${line.command})`));
  }

  /** The bot was kicked from `channel`: rejoins it after `rejoinDelayMs` when configured to. */
  kicked(channel: string, by: string, reason: string): void {
    this.deps.ctx.log.warn({ channel, by, reason }, 'kicked from a channel');
    if (!this.deps.config.rejoinAfterKick) return;
    const support = this.deps.support();
    const ref = this.wanted().find((c) => support.equal(c.name ?? c.id, channel) || support.equal(c.id, channel));
    if (!ref) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.deps.isConnected()) return;
      this.joinNow(ref).catch((error: unknown) => this.deps.ctx.log.warn({ channel, err: (error as Error).message }, 'rejoin after kick failed'));
    }, this.deps.config.rejoinDelayMs);
    this.timers.add(timer);
  }

  /** Stops the join timeouts and pending rejoins. */
  clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Rejects every join still waiting for its answer. */
  rejectPending(error: Error): void {
    for (const key of [...this.pendingJoins.keys()]) this.settle(key, error);
  }

  private joinNow(channel: ChannelRef): Promise<void> {
    return this.joinMany([channel])[0] as Promise<void>;
  }

  /**
   * Joins `channels` with as few JOIN lines as fit (join-batch.ts); one promise per channel,
   * in order, settled by that channel's own JOIN echo, refusal numeric or timeout.
   */
  private joinMany(channels: readonly ChannelRef[]): Promise<void>[] {
    const support = this.deps.support();
    const targets: JoinTarget[] = [];
    const expected = new Map<string, (sent: boolean) => void>();
    const joins = channels.map((channel) => {
      const name = channel.name ?? channel.id;
      if (!safeJoinName(name) || !support.isChannel(name)) return Promise.reject(new Error(`not a channel name: ${JSON.stringify(name)}`));
      const { joined, written } = this.expect(name);
      targets.push({ name, key: this.keyOf(name) });
      expected.set(name, written);
      return joined;
    });
    const limits = { maxBytes: support.lineLen - 2, maxTargets: support.joinTargets ?? DEFAULT_JOIN_TARGETS };
    for (const { line, channels: names } of joinLines(targets, limits)) {
      void this.deps.enqueueControl(line, JOIN_COST).then((sent) => {
        for (const name of names) expected.get(name)?.(sent);
      });
    }
    return joins;
  }

  /** Registers a wait for the JOIN of `name`; call `written` once its JOIN line was written (or dropped). */
  private expect(name: string): { readonly joined: Promise<void>; written(sent: boolean): void } {
    const folded = this.deps.support().fold(name);
    let timer: NodeJS.Timeout | undefined;
    const stopTimer = (): void => {
      clearTimeout(timer);
      if (timer) this.timers.delete(timer);
    };
    const joined = new Promise<void>((resolve, reject) => {
      const waiters = this.pendingJoins.get(folded) ?? [];
      waiters.push({
        resolve: () => { stopTimer(); resolve(); },
        reject: (error) => { stopTimer(); reject(error); },
      });
      this.pendingJoins.set(folded, waiters);
    });
    const written = (sent: boolean): void => {
      if (!sent) {
        this.settle(name, new Error(`${name}: JOIN not sent (connection gone)`));
        return;
      }
      if (!this.pendingJoins.has(folded)) return;
      timer = setTimeout(() => {
        this.timers.delete(timer as NodeJS.Timeout);
        this.settle(name, new Error(`${name}: no answer to JOIN within ${JOIN_TIMEOUT_MS} ms`));
      }, JOIN_TIMEOUT_MS);
      this.timers.add(timer);
    };
    return { joined, written };
  }

  private settle(channel: string, error?: Error): void {
    const folded = this.deps.support().fold(channel);
    const waiters = this.pendingJoins.get(folded) ?? [];
    this.pendingJoins.delete(folded);
    for (const waiter of waiters) {
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
  }
}
