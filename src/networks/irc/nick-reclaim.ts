/**
 * Getting the configured nick back after registering under a fallback (`nick_`): with MONITOR
 * when the server offers it (the server says when the holder goes offline, RPL_MONOFFLINE
 * 731), otherwise by asking `ISON` every interval (RPL_ISON 303 without the nick = free).
 * When the nick looks free the bot sends `NICK <wanted>`; if someone is quicker (433) it keeps
 * watching. It stops once the bot has the nick.
 */
import type { ServerSupport } from './isupport.js';

export interface NickReclaimOptions {
  /** The configured nick. */
  readonly wanted: string;
  /** ISON poll interval. */
  readonly intervalMs: number;
  support(): ServerSupport;
  currentNick(): string;
  /** Writes one line (through the flood queue's control lane). */
  send(line: string): void;
}

/** The part of a parsed line the reclaimer looks at. */
export interface ReclaimLine {
  readonly command: string;
  readonly params: readonly string[];
}

export class NickReclaimer {
  private timer: NodeJS.Timeout | undefined;
  private active = false;
  private monitoring = false;

  constructor(private readonly options: NickReclaimOptions) {}

  /** Whether the bot already has the nick it wants. */
  private hasNick(): boolean {
    return this.options.support().equal(this.options.currentNick(), this.options.wanted);
  }

  /** true while watching for the nick to become free. */
  get watching(): boolean {
    return this.active;
  }

  /** Starts watching if the bot is under a fallback nick (call once connected). */
  start(): void {
    if (this.active || this.hasNick()) return;
    this.active = true;
    if (this.options.support().monitor !== undefined) {
      this.monitoring = true;
      this.options.send(`MONITOR + ${this.options.wanted}`);
      return;
    }
    this.poll();
  }

  private poll(): void {
    if (!this.active) return;
    this.options.send(`ISON ${this.options.wanted}`);
    this.timer = setTimeout(() => this.poll(), this.options.intervalMs);
  }

  /** Looks at a line from the server (RPL_ISON, RPL_MONOFFLINE). */
  handle(line: ReclaimLine): void {
    if (!this.active) return;
    const support = this.options.support();
    const listed = (text: string | undefined, separator: string): boolean =>
      (text ?? '').split(separator).some((entry) => entry !== '' && support.equal(entry.split('!')[0] ?? '', this.options.wanted));
    const free = (line.command === '303' && !listed(line.params[1], ' ')) || (line.command === '731' && listed(line.params[1], ','));
    if (free) this.options.send(`NICK ${this.options.wanted}`);
  }

  /** The bot's nick changed: stop once it is the wanted one. */
  nickChanged(): void {
    if (!this.active || !this.hasNick()) return;
    if (this.monitoring) this.options.send(`MONITOR - ${this.options.wanted}`);
    this.stop();
  }

  /** Stops watching (connection gone, or the nick is back). */
  stop(): void {
    this.active = false;
    this.monitoring = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
