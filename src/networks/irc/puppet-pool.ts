/**
 * The puppets of one network (`mode: puppets`): at most `max` connections, one per remote
 * user, created on the user's first message and quit after `idleTimeoutSec` without one.
 * Beyond the cap `acquire` returns nothing and the bot speaks for the user.
 */
import type { Logger } from '../../core/log.js';
import type { UserRef } from '../../core/refs.js';
import type { IrcConfig } from './config.js';
import { Puppet } from './puppet.js';
import { puppetNick } from './puppet-nick.js';
import type { ServerSupport } from './isupport.js';

export interface PuppetPoolOptions {
  readonly config: IrcConfig;
  readonly log: Logger;
  /** The bot's view of the server (NICKLEN, CASEMAPPING), known once it is connected. */
  support(): ServerSupport;
  /** The key of a +k channel, if configured. */
  channelKey(channel: string): string | undefined;
  readonly now?: () => number;
}

/** The pool key of a remote user. */
function userKey(user: UserRef): string {
  return `${user.network}\u0000${user.id}`;
}

export class PuppetPool {
  private readonly puppets = new Map<string, Puppet>();
  private sweeper: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly options: PuppetPoolOptions) {
    this.now = options.now ?? Date.now;
  }

  private get idleMs(): number {
    return this.options.config.puppets.idleTimeoutSec * 1000;
  }

  /** The puppet for `user`, started if needed; undefined when the cap is reached. */
  acquire(user: UserRef): Puppet | undefined {
    const key = userKey(user);
    const existing = this.puppets.get(key);
    if (existing) return existing;
    if (this.puppets.size >= this.options.config.puppets.max) return undefined;
    const { config, log } = this.options;
    const values = { nick: user.nick ?? user.displayName ?? user.id, network: user.network };
    const puppet = new Puppet({
      config,
      log,
      realname: `${values.nick} on ${user.network} (Switchboard)`,
      nickFor: (attempt, erroneous) => {
        const length = this.options.support().nickLen;
        return puppetNick(config.puppets.nickTemplate, values, erroneous ? Math.min(length, 9) : length, attempt);
      },
      channelKey: (channel) => this.options.channelKey(channel),
      onGone: (gone, reason) => {
        if (this.puppets.get(key) === gone) this.puppets.delete(key);
        log.warn({ puppet: gone.nick, reason }, 'puppet connection lost; the next message starts a new one');
      },
    });
    this.puppets.set(key, puppet);
    puppet.ready.catch((error: unknown) => {
      if (this.puppets.get(key) === puppet) this.puppets.delete(key);
      log.warn({ user: values.nick, network: user.network, err: (error as Error).message }, 'puppet could not connect; the bot speaks for this user');
    });
    this.startSweeper();
    return puppet;
  }

  /** true when `nick` belongs to one of the puppets (its lines are not reported as events). */
  isPuppet(nick: string): boolean {
    const support = this.options.support();
    for (const puppet of this.puppets.values()) if (support.equal(puppet.nick, nick)) return true;
    return false;
  }

  /** Puppets connected or connecting. */
  get size(): number {
    return this.puppets.size;
  }

  /** Lines waiting in all puppets' queues. */
  depth(): number {
    let total = 0;
    for (const puppet of this.puppets.values()) total += puppet.depth();
    return total;
  }

  /** Quits the puppets idle for longer than the idle timeout. */
  sweep(): void {
    const cutoff = this.now() - this.idleMs;
    for (const [key, puppet] of this.puppets) {
      if (puppet.lastActive > cutoff || puppet.busy > 0 || puppet.depth() > 0) continue;
      this.puppets.delete(key);
      this.options.log.info({ puppet: puppet.nick }, 'puppet idle; disconnecting');
      void puppet.quit('idle', 0);
    }
    if (this.puppets.size === 0) this.stopSweeper();
  }

  /** Quits every puppet, sending what they have queued for up to `deadlineMs`. */
  async closeAll(reason: string, deadlineMs: number): Promise<void> {
    this.stopSweeper();
    const all = [...this.puppets.values()];
    this.puppets.clear();
    await Promise.all(all.map((puppet) => puppet.quit(reason, deadlineMs)));
  }

  private startSweeper(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), Math.max(250, Math.min(this.idleMs / 4, 30_000)));
    this.sweeper.unref();
  }

  private stopSweeper(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }
}
