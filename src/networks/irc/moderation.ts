/**
 * Moderation requests the hub makes of the IRC network: KICK, and a ban (MODE +b on the
 * member's host, or on the nick when the host is unknown) followed by a kick.
 */
import type { ModerationActions } from '../../core/network.js';
import type { ChannelRef, UserRef } from '../../core/refs.js';
import { renderIrcLine } from './format-render.js';
import type { MemberTracker } from './members.js';
import { safeParam } from './protocol.js';

/** What moderation needs from the adapter. */
export interface IrcModerationDeps {
  readonly name: string;
  /** The current connection's channel members (for a ban mask). */
  tracker(): MemberTracker;
  /** True while connected. */
  isConnected(): boolean;
  /** Queues a control line; resolves true once written, false when dropped unwritten. */
  enqueueControl(line: string): Promise<boolean>;
}

/** KICK and ban through the bot's control lane; each rejects unless the line was written. */
export class IrcModeration implements ModerationActions {
  constructor(private readonly deps: IrcModerationDeps) {}

  async kick(channel: ChannelRef, user: UserRef, reason?: string): Promise<void> {
    const name = channel.name ?? channel.id;
    const nick = user.nick ?? user.id;
    if (!safeParam(name) || !safeParam(nick)) throw new Error(`${this.deps.name}: invalid kick target`);
    const text = renderIrcLine([{ type: 'text', text: reason ?? '' }]);
    await this.control(`KICK ${name} ${nick} :${text}`);
  }

  async ban(channel: ChannelRef, user: UserRef, reason?: string): Promise<void> {
    const name = channel.name ?? channel.id;
    const nick = user.nick ?? user.id;
    const member = this.deps.tracker().member(name, nick);
    const mask = member?.host ? `*!*@${member.host}` : `${nick}!*@*`;
    if (!safeParam(name) || !safeParam(mask)) throw new Error(`${this.deps.name}: invalid ban target`);
    await this.control(`MODE ${name} +b ${mask}`);
    await this.kick(channel, user, reason);
  }

  /**
   * Sends a control line (KICK, MODE, ...) through the flood queue's control lane; rejects
   * when not connected or when the connection drops before it was written.
   */
  private async control(line: string): Promise<void> {
    if (/[\r\n\0]/.test(line)) throw new Error('refusing to write a line containing CR, LF or NUL');
    if (!this.deps.isConnected()) throw new Error(`${this.deps.name}: not connected`);
    if (!(await this.deps.enqueueControl(line))) throw new Error(`${this.deps.name}: connection lost before ${line.split(' ')[0]} was sent`);
  }
}
