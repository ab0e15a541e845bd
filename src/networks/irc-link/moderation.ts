/**
 * Moderation through the server link (Network.moderation for `protocol: irc-link`): the access
 * module's kicks and bans of users of the linked network, and of virtual clients. The link's
 * service client KICKs (a server's clients need no channel-operator status: the ircd trusts its
 * peer servers); our server sets the ban (MODE +b on `*!*@host`, or `nick!*@*` when the host is
 * unknown), as it does to revert modes. The link state is updated as the lines are written (a
 * server hears no echo of its own KICK), so the access module's confirmation, which looks at the
 * member list, sees the user gone at once.
 */
import type { ModerationActions } from '../../core/network.js';
import type { ChannelRef, UserRef } from '../../core/refs.js';
import type { ServerProtocol } from './server-protocol.js';
import type { LinkState, LinkUser } from './state.js';

/** What moderation needs from the adapter (read at each call: the link changes on every connect). */
export interface LinkModerationDeps {
  readonly name: string;
  /** The current connection's protocol, undefined unless linked. */
  server(): ServerProtocol | undefined;
  state(): LinkState;
  /** The link's service client, when introduced. */
  service(): LinkUser | undefined;
  /** `ref` on the link: a user of the linked network, or a remote person's virtual client. */
  target(ref: UserRef): LinkUser | undefined;
  write(...lines: string[]): void;
}

/** A mask parameter: no spaces, commas, colon first or control characters. */
const SAFE_MASK = /^[^\s:,\0][^\s,\0]*$/;

export class LinkModeration implements ModerationActions {
  constructor(private readonly deps: LinkModerationDeps) {}

  async kick(channel: ChannelRef, user: UserRef, reason?: string): Promise<void> {
    const { server, service, here, target } = this.resolve(channel, user);
    this.deps.write(...server.kick(service, here, target, (reason ?? '').replace(/[\r\n\0]+/g, ' ')));
    this.deps.state().part(here, target.uid);
  }

  async ban(channel: ChannelRef, user: UserRef, reason?: string): Promise<void> {
    const { server, here, target } = this.resolve(channel, user);
    const mask = banMask(target);
    if (!SAFE_MASK.test(mask)) throw new Error(`${this.deps.name}: invalid ban mask ${JSON.stringify(mask)}`);
    this.deps.write(...server.mode(undefined, here, '+b', [mask]));
    this.deps.state().applyChannelModes(here, [{ mode: '+b', arg: mask }]);
    await this.kick(channel, user, reason);
  }

  /** The protocol, kicker, channel name and target of a removal; throws when it cannot be made. */
  private resolve(channel: ChannelRef, user: UserRef): { server: ServerProtocol; service: LinkUser; here: string; target: LinkUser } {
    const server = this.deps.server();
    if (!server) throw new Error(`${this.deps.name}: not linked`);
    const state = this.deps.state().channel(channel.name ?? channel.id);
    if (!state) throw new Error(`${this.deps.name}: no channel ${channel.name ?? channel.id} on the link`);
    const service = this.deps.service();
    if (!service || !state.members.has(service.uid)) throw new Error(`${this.deps.name}: the service client is not in ${state.name}`);
    const target = this.deps.target(user);
    if (!target || !state.members.has(target.uid)) throw new Error(`${this.deps.name}: ${user.nick ?? user.id} is not in ${state.name}`);
    if (target.uid === service.uid) throw new Error(`${this.deps.name}: refusing to remove the link's service client`);
    return { server, service, here: state.name, target };
  }
}

/** `*!*@host` for a user with a host, else `nick!*@*`. */
export function banMask(user: Pick<LinkUser, 'nick' | 'host'>): string {
  return user.host ? `*!*@${user.host}` : `${user.nick}!*@*`;
}
