/**
 * People's presence for networks that show remote people as users of their own and implement
 * `Network.presence` (an XMPP component, whose users can subscribe to a puppet's JID): a person
 * is available while they are a member of a bridged channel of their network, away while they
 * also have an away message (AWAY), and unavailable otherwise. Changes go to every such network
 * that shares a bridge with the person's network, in batches (one per event; the whole network
 * at its end of burst). The bridges' bots and other networks' users of their own are no one's
 * presence. Bounded by the bridged channels' members.
 */
import type { PresenceArgs } from '../../core/catalog.js';
import type { ChannelRef, UserRef } from '../../core/refs.js';
import type { ModuleApi } from '../../modules/api.js';
import type { RelayBridge } from './config.js';
import { renamedUser } from './renames.js';

/** Most away messages remembered (the oldest go first). */
const MAX_AWAY = 100_000;

function key(user: UserRef): string {
  return `${user.network}\u0000${user.id}`;
}

export class PresenceRelay {
  /** People told as available or away, by key. */
  private readonly known = new Map<string, PresenceArgs>();
  /** Away messages, by key. */
  private readonly away = new Map<string, string>();
  /** Networks between a (re)connect and their end of burst: their events wait for the scan. */
  private readonly bursting = new Set<string>();

  constructor(private readonly api: ModuleApi, private readonly bridges: readonly RelayBridge[]) {
    for (const network of api.networks()) this.bursting.add(network.name);
  }

  /** Registers the listeners. */
  listen(): void {
    const { api } = this;
    api.on('JOIN', (event) => this.recheck(event.network, event.args.users));
    api.on('PART', (event) => this.recheck(event.network, [event.args.user]));
    api.on('KICK', (event) => this.recheck(event.network, [event.args.target]));
    api.on('QUIT', (event) => {
      this.away.delete(key(event.args.user));
      return this.recheck(event.network, [event.args.user]);
    });
    api.on('NICK', (event) => {
      const before = event.args.user;
      const after = renamedUser(before, event.args.oldNick, event.args.newNick);
      const text = this.away.get(key(before));
      if (text !== undefined && key(after) !== key(before)) {
        this.away.delete(key(before));
        this.setAway(after, text);
      }
      return this.recheck(event.network, key(after) === key(before) ? [after] : [before, after]);
    });
    api.on('AWAY', (event) => {
      this.setAway(event.args.user, event.args.text);
      return this.recheck(event.network, [event.args.user]);
    });
    api.on('ENDBURST', (event) => {
      if (event.args.server !== event.network) return;
      this.bursting.delete(event.network);
      return this.scan(event.network);
    });
    api.on('DISCONNECT', (event) => {
      this.bursting.add(event.network);
      const gone = [...this.known.values()].filter((p) => p.user.network === event.network);
      return this.tell(gone.map((p) => ({ user: p.user, state: 'offline' as const })));
    });
  }

  private setAway(user: UserRef, text: string): void {
    const k = key(user);
    this.away.delete(k);
    if (text === '') return;
    this.away.set(k, text);
    if (this.away.size > MAX_AWAY) {
      const oldest = this.away.keys().next().value;
      if (oldest !== undefined) this.away.delete(oldest);
    }
  }

  /** The bridged channels of `network`. */
  private channelsOf(network: string): ChannelRef[] {
    return this.bridges.flatMap((b) => b.channels.filter((c) => c.network === network));
  }

  /** Whether `member` of `channel` is a person (not the bridge's bot, not a user of their own for someone elsewhere). */
  private isPerson(channel: ChannelRef, member: UserRef): boolean {
    const handle = this.api.network(channel.network);
    return handle !== undefined && handle.botUser(channel)?.id !== member.id && handle.puppetOf(member) === undefined;
  }

  /** The presence of `user` now. */
  private stateOf(user: UserRef, member: UserRef | undefined): PresenceArgs {
    if (member === undefined) return { user, state: 'offline' };
    const text = this.away.get(key(user));
    return text === undefined ? { user: member, state: 'online' } : { user: member, state: 'away', status: text };
  }

  /** `users` of `network` may have changed: their state is worked out again (not during a burst). */
  private async recheck(network: string, users: readonly UserRef[]): Promise<void> {
    if (this.bursting.has(network) || !this.hasTargets(network)) return;
    const channels = this.channelsOf(network);
    const updates = users.map((user) => {
      let member: UserRef | undefined;
      for (const channel of channels) {
        member = this.api.members(channel).find((m) => m.id === user.id);
        if (member !== undefined && this.isPerson(channel, member)) break;
        member = undefined;
      }
      return this.stateOf(user, member);
    });
    await this.tell(updates);
  }

  /** After `network`'s burst: everyone in its bridged channels, and who is no longer there. */
  private async scan(network: string): Promise<void> {
    if (!this.hasTargets(network)) return;
    const present = new Map<string, UserRef>();
    for (const channel of this.channelsOf(network)) {
      for (const member of this.api.members(channel)) if (!present.has(key(member)) && this.isPerson(channel, member)) present.set(key(member), member);
    }
    const updates = [...present.values()].map((member) => this.stateOf(member, member));
    for (const [k, p] of this.known) if (p.user.network === network && !present.has(k)) updates.push({ user: p.user, state: 'offline' });
    await this.tell(updates);
  }

  /** Sends the updates that change something to the networks that show them. */
  private async tell(updates: readonly PresenceArgs[]): Promise<void> {
    const changed: PresenceArgs[] = [];
    for (const update of updates) {
      const k = key(update.user);
      const before = this.known.get(k);
      if (update.state === 'offline') {
        if (before === undefined) continue;
        this.known.delete(k);
      } else {
        if (before?.state === update.state && before.status === update.status) continue;
        this.known.set(k, update);
      }
      changed.push(update);
    }
    if (changed.length === 0) return;
    const byNetwork = new Map<string, PresenceArgs[]>();
    for (const update of changed) {
      for (const target of this.targetsOf(update.user.network)) {
        const list = byNetwork.get(target) ?? [];
        list.push(update);
        byNetwork.set(target, list);
      }
    }
    for (const [target, list] of byNetwork) {
      await this.api.network(target)?.presence?.(list).catch((error: unknown) => {
        this.api.log.warn({ err: error, network: target }, 'relay: a network could not take people\'s presence');
      });
    }
  }

  private hasTargets(network: string): boolean {
    return this.targetsOf(network).length > 0;
  }

  /** The networks that show people of `network`'s presence: they share a bridge and implement it. */
  private targetsOf(network: string): string[] {
    const names = new Set<string>();
    for (const bridge of this.bridges) {
      if (!bridge.channels.some((c) => c.network === network)) continue;
      for (const c of bridge.channels) if (c.network !== network && this.api.network(c.network)?.presence !== undefined) names.add(c.network);
    }
    return [...names];
  }
}
