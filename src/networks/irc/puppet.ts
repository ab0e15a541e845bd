/**
 * One puppet: an IRC connection speaking for one remote user (`mode: puppets`). It registers
 * under a nick from the template (trying the next collision-safe nick when one is taken),
 * joins a channel the first time it speaks there, and sends through its own flood-controlled
 * queue. It emits no events: the bot's connection sees everything, and drops what puppets do.
 */
import { guardHandlers } from './handler-guard.js';
import { withholdMessages } from './unhandled-messages.js';
import { Client, type ParsedLine } from 'irc-framework';
import type { Logger } from '../../core/log.js';
import type { IrcConfig } from './config.js';
import { ircConnectOptions } from './connect-options.js';
import { ServerSupport } from './isupport.js';
import { JOIN_COST, JOIN_ERRORS, JOIN_TIMEOUT_MS, NICK_ERRORS } from './protocol.js';
import { OutgoingQueue } from './queue.js';
import { lineForConnection } from './tags.js';

/** How many nicks a puppet tries before giving up. */
const NICK_ATTEMPTS = 6;
/** How long QUIT may take before the socket is closed anyway. */
const QUIT_GRACE_MS = 2_000;

export interface PuppetOptions {
  readonly config: IrcConfig;
  readonly log: Logger;
  /**
   * The nick to try on attempt n (0 first), valid for the server; `erroneous` when the server
   * refused the last one as invalid (432), so a shorter, plainer one is wanted.
   */
  nickFor(attempt: number, erroneous: boolean): string;
  readonly realname: string;
  /** The key of a +k channel, if configured. */
  channelKey(channel: string): string | undefined;
  /** The connection ended without quit() (killed, server gone). */
  onGone(puppet: Puppet, reason: string): void;
}

export class Puppet {
  /** The current nick (the one registered once `ready` resolved). */
  nick: string;
  /** `user@host` as the server shows it, once the puppet has joined a channel. */
  userHost: { user: string; host: string } | undefined;
  /** When it last sent something (ms since the epoch), for the idle timeout. */
  lastActive = Date.now();
  /** Sends under way (connecting, joining): a busy puppet is never idle. */
  busy = 0;
  readonly support = new ServerSupport();
  /** Resolves once registered; rejects when it could not connect. */
  readonly ready: Promise<void>;
  private readonly client = new Client();
  private readonly queue: OutgoingQueue;
  private readonly joined = new Set<string>();
  private readonly joining = new Map<string, Promise<void>>();
  private readonly joinWaiters = new Map<string, { resolve(): void; reject(error: Error): void }>();
  private closing = false;

  constructor(private readonly options: PuppetOptions) {
    guardHandlers(this.client, options.log);
    withholdMessages(this.client);
    this.nick = options.nickFor(0, false);
    this.queue = new OutgoingQueue(options.config.flood, (line) => this.write(line));
    this.ready = this.connect();
    this.ready.catch(() => undefined); // the caller awaits it; a failure is reported there
  }

  /** Lines waiting in this puppet's queue. */
  depth(): number {
    return this.queue.depth();
  }

  /** Writes one line now, without the tags this connection cannot carry. */
  private write(line: string): boolean {
    if (/[\r\n\0]/.test(line)) throw new Error('refusing to write a line containing CR, LF or NUL');
    if (!this.client.connected) return false;
    this.client.raw(lineForConnection(line, (tag) => this.client.network.supportsTag(tag)));
    return true;
  }

  private connect(): Promise<void> {
    const { config } = this.options;
    return new Promise<void>((resolve, reject) => {
      let registered = false;
      let attempt = 0;
      const timeout = setTimeout(() => fail(new Error(`puppet ${this.nick}: no registration within ${config.connectTimeoutMs} ms`)), config.connectTimeoutMs);
      const fail = (error: Error): void => {
        clearTimeout(timeout);
        if (registered) return;
        this.client.connection.end(undefined, true);
        reject(error);
      };
      this.client.connection.on('message', (line: ParsedLine) => {
        if (!registered && NICK_ERRORS.has(line.command)) {
          attempt++;
          if (attempt >= NICK_ATTEMPTS) {
            fail(new Error(`puppet: no usable nick after ${attempt} attempts (last ${this.nick})`));
            return;
          }
          this.nick = this.options.nickFor(attempt, line.command === '432');
          this.client.changeNick(this.nick);
          return;
        }
        this.onLine(line);
      });
      this.client.on('registered', () => {
        registered = true;
        clearTimeout(timeout);
        this.queue.resume();
        resolve();
      });
      this.client.on('socket close', (error?: Error | false) => {
        const reason = error ? error.message : 'connection closed';
        if (!registered) {
          fail(new Error(`puppet ${this.nick}: ${reason}`));
          return;
        }
        this.queue.pause();
        this.queue.discard();
        for (const key of [...this.joinWaiters.keys()]) this.settleJoin(key, new Error('connection lost'));
        if (!this.closing) this.options.onGone(this, reason);
      });
      this.client.connect(ircConnectOptions(config, { nick: this.nick, realname: this.options.realname }));
    });
  }

  private onLine(line: ParsedLine): void {
    if (line.command === '001') this.nick = line.params[0] ?? this.nick;
    else if (line.command === '005') this.support.update(line.params.slice(1, -1));
    else if (line.command === 'NICK' && this.support.equal(line.nick, this.nick)) this.nick = line.params[0] ?? this.nick;
    else if (line.command === 'JOIN' && this.support.equal(line.nick, this.nick)) {
      this.userHost = { user: line.ident, host: line.hostname };
      this.settleJoin(this.support.fold(line.params[0] ?? ''));
    } else if ((line.command === 'PART' || line.command === 'KICK') && this.support.equal(line.command === 'KICK' ? line.params[1] ?? '' : line.nick, this.nick)) {
      this.joined.delete(this.support.fold(line.params[0] ?? ''));
    } else if (JOIN_ERRORS.has(line.command) && line.params[1]) {
      this.settleJoin(this.support.fold(line.params[1]), new Error(`${line.params[1]}: ${line.params[2] ?? line.command} (${line.command})`));
    }
  }

  private settleJoin(folded: string, error?: Error): void {
    const waiter = this.joinWaiters.get(folded);
    this.joinWaiters.delete(folded);
    if (!error) this.joined.add(folded);
    if (error) waiter?.reject(error);
    else waiter?.resolve();
  }

  /** Joins `channel` unless already in it; resolves once in it. */
  join(channel: string): Promise<void> {
    const folded = this.support.fold(channel);
    if (this.joined.has(folded)) return Promise.resolve();
    const pending = this.joining.get(folded);
    if (pending) return pending;
    const joining = new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      this.joinWaiters.set(folded, {
        resolve: () => { clearTimeout(timer); resolve(); },
        reject: (error) => { clearTimeout(timer); reject(error); },
      });
      const key = this.options.channelKey(channel);
      void this.queue.enqueueControl(key ? `JOIN ${channel} ${key}` : `JOIN ${channel}`, JOIN_COST).then((written) => {
        if (!written) this.settleJoin(folded, new Error(`${channel}: JOIN not sent`));
        else if (this.joinWaiters.has(folded)) {
          timer = setTimeout(() => this.settleJoin(folded, new Error(`${channel}: no answer to JOIN within ${JOIN_TIMEOUT_MS} ms`)), JOIN_TIMEOUT_MS);
        }
      });
    }).finally(() => this.joining.delete(folded));
    this.joining.set(folded, joining);
    return joining;
  }

  /**
   * Queues lines for `target` (already rendered, split and safe); resolves once they were all
   * written (false if dropped).
   */
  enqueue(target: string, lines: readonly string[]): Promise<boolean> {
    this.lastActive = Date.now();
    return this.queue.enqueue(this.support.fold(target), lines);
  }

  /** Sends what is queued (up to `deadlineMs`), then QUIT; never calls onGone. */
  async quit(reason: string, deadlineMs: number): Promise<void> {
    this.closing = true;
    await this.ready.catch(() => undefined);
    await this.queue.drain(deadlineMs);
    const dropped = this.queue.discard();
    if (dropped > 0) this.options.log.warn({ puppet: this.nick, dropped }, 'puppet lines still queued at quit were dropped');
    if (!this.client.connected) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        this.client.connection.end(undefined, true);
        resolve();
      }, QUIT_GRACE_MS);
      this.client.once('socket close', () => {
        clearTimeout(force);
        resolve();
      });
      this.client.quit(reason);
    });
  }
}
