/**
 * Removing denied users through each network's moderation (IRC KICK / MODE +b, XMPP MUC
 * kick / outcast), confirming that they are gone, and keeping track of the channels where the
 * bot cannot remove people (logged once, shown on /health, cleared by the next success).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../core/log.js';
import type { ChannelRef } from '../../core/refs.js';
import { formatChannelRef } from '../../core/refs.js';
import type { NetworkHandle } from '../../core/network-handle.js';
import type { AccessPair } from '../../modules/access-predicate.js';
import { channelKey, pairKey } from './keys.js';

/** How a removal ended. */
export type RemovalResult =
  | { readonly pair: AccessPair; readonly removed: true }
  | { readonly pair: AccessPair; readonly removed: false; readonly reason: string };

/** A channel where the bot could not remove someone. */
export interface RightsProblem {
  /** `network:channel` */
  readonly channel: string;
  readonly reason: string;
  /** When it was first seen, ISO 8601. */
  readonly since: string;
}

export interface RemoverOptions {
  readonly log: Logger;
  readonly network: (name: string) => NetworkHandle | undefined;
  /** Ban as well as kick. */
  readonly ban: boolean;
  readonly reason: string;
  /** How long a removal may take to show in the member list. */
  readonly confirmMs: number;
}

/** How often the member list is looked at while confirming a removal. */
const CONFIRM_POLL_MS = 50;

export class Remover {
  private readonly problems = new Map<string, RightsProblem>();
  private readonly inFlight = new Map<string, Promise<RemovalResult>>();
  private closed = false;

  constructor(private readonly options: RemoverOptions) {}

  /**
   * Removes the user from the channel; resolves once they are gone, or with the reason they
   * are not. Never rejects. A removal of the same pair already under way is shared.
   */
  remove(pair: AccessPair): Promise<RemovalResult> {
    const key = pairKey(pair);
    const running = this.inFlight.get(key);
    if (running) return running;
    const work = this.attempt(pair).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, work);
    return work;
  }

  /** The channels where the bot currently cannot remove people. */
  rightsProblems(): RightsProblem[] {
    return [...this.problems.values()];
  }

  /** Stops confirming; removals under way resolve soon after. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private async attempt(pair: AccessPair): Promise<RemovalResult> {
    const { channel, user } = pair;
    const network = this.options.network(channel.network);
    if (!network) return this.failed(pair, `no network named ${channel.network}`, false);
    if (!network.moderation) return this.failed(pair, `network ${network.name} (${network.protocol}) cannot remove people: it has no moderation support`, true);
    if (network.state() !== 'connected') return this.failed(pair, `network ${network.name} is ${network.state()}`, false);
    const action = this.options.ban ? 'ban' : 'kick';
    try {
      await network.moderation[action](channel, user, this.options.reason);
    } catch (error) {
      return this.failed(pair, `${action} failed: ${error instanceof Error ? error.message : String(error)}`, true);
    }
    if (await this.gone(network, pair)) {
      this.solved(channel);
      return { pair, removed: true };
    }
    if (this.closed) return this.failed(pair, 'stopped before the removal was confirmed', false);
    return this.failed(pair, `still present ${this.options.confirmMs} ms after the ${action}: does the bot have the rights (IRC channel operator, XMPP moderator/admin)?`, true);
  }

  /** Waits (bounded by confirmMs) until the user is no longer in the channel's member list. */
  private async gone(network: NetworkHandle, { channel, user }: AccessPair): Promise<boolean> {
    const deadline = Date.now() + this.options.confirmMs;
    for (;;) {
      if (!network.members(channel).some((m) => m.id === user.id)) return true;
      if (this.closed || Date.now() >= deadline) return false;
      await sleep(CONFIRM_POLL_MS);
    }
  }

  private failed(pair: AccessPair, reason: string, rights: boolean): RemovalResult {
    const context = { network: pair.channel.network, channel: pair.channel.id, user: pair.user.id, reason };
    if (rights) this.problem(pair.channel, reason, context);
    else this.options.log.warn(context, 'could not remove a denied user');
    return { pair, removed: false, reason };
  }

  private problem(channel: ChannelRef, reason: string, context: object): void {
    const key = channelKey(channel);
    if (this.problems.has(key)) {
      this.options.log.debug(context, 'could not remove a denied user (already reported for this channel)');
      return;
    }
    this.problems.set(key, { channel: formatChannelRef(channel), reason, since: new Date().toISOString() });
    this.options.log.warn(context, 'the bot cannot remove denied users from this channel; verification goes on (see /health)');
  }

  private solved(channel: ChannelRef): void {
    const key = channelKey(channel);
    if (!this.problems.delete(key)) return;
    this.options.log.info({ network: channel.network, channel: channel.id }, 'the bot can remove denied users from this channel again');
  }
}
