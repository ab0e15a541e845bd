/**
 * The JOIN call site of userMayJoinRoom: every user joining a bridged channel is checked.
 * The join has already happened on the network, so the result is logged and handed to
 * `onJoinRefused` listeners; removing the user (kick) is the access feature's job.
 */
import type { HubEvent } from '../../core/event.js';
import type { Logger } from '../../core/log.js';
import type { ChannelRef, UserRef } from '../../core/refs.js';
import type { BridgeConfig } from '../../config/types.js';
import type { Disposer } from '../../core/disposer.js';
import { CallbackList } from './callback-list.js';
import type { SpamChecker } from './spam-checker.js';
import type { Code } from './values.js';

/** A join that userMayJoinRoom refused. */
export interface JoinRefusal {
  readonly channel: ChannelRef;
  readonly user: UserRef;
  /** The module that refused. */
  readonly module: string;
  readonly code: Code;
  readonly message?: string;
}

export type JoinRefusedListener = (refusal: JoinRefusal) => void | Promise<void>;

export class JoinGuard {
  private readonly listeners = new CallbackList<JoinRefusedListener>();

  constructor(
    private readonly spam: SpamChecker,
    private readonly bridges: () => readonly BridgeConfig[],
    private readonly log: Logger,
  ) {}

  /** Listens to refused joins (in module order; a listener that throws is logged and skipped). */
  onJoinRefused(module: string, order: number, listener: JoinRefusedListener): Disposer {
    return this.listeners.add(module, order, listener);
  }

  /** Checks every user of a JOIN to a bridged channel; returns the refusals (also logged and reported). */
  async check(event: HubEvent<'JOIN'>): Promise<JoinRefusal[]> {
    const { channel, users } = event.args;
    if (this.spam.registry.list('userMayJoinRoom').size === 0 || !this.isBridged(channel)) return [];
    const refusals: JoinRefusal[] = [];
    for (const user of users) {
      const decision = await this.spam.userMayJoinRoom(user, channel, false);
      if (decision.allowed) continue;
      const refusal: JoinRefusal = { channel, user, module: decision.module, code: decision.code, ...(decision.message === undefined ? {} : { message: decision.message }) };
      refusals.push(refusal);
      this.log.info({ network: channel.network, channel: channel.id, user: user.id, module: decision.module, code: decision.code }, 'join refused by userMayJoinRoom');
      await this.report(refusal);
    }
    return refusals;
  }

  private isBridged(channel: ChannelRef): boolean {
    return this.bridges().some((bridge) => bridge.channels.some((c) => c.network === channel.network && c.id === channel.id));
  }

  private async report(refusal: JoinRefusal): Promise<void> {
    for (const entry of this.listeners.entries) {
      try {
        await entry.fn(refusal);
      } catch (error) {
        this.log.error({ module: entry.module, err: error }, 'onJoinRefused listener failed');
      }
    }
  }
}
