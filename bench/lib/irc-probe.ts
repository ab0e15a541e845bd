/**
 * A minimal independent IRC client for the relay benchmarks (not our adapter): registers,
 * answers PING, joins channels, reports every PRIVMSG with its arrival time, and can write
 * many lines in one go. Nagle is off so a line leaves when it is written.
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { withTimeout } from '../../test/support/wait.js';

/** A PRIVMSG as received: sender nick, target, text, and performance.now() at arrival. */
export interface IrcPrivmsg {
  readonly from: string;
  readonly target: string;
  readonly text: string;
  readonly at: number;
}

export interface IrcProbe {
  readonly nick: string;
  /** Writes lines (CR LF added); refuses CR, LF and NUL inside a line. */
  send(...lines: string[]): void;
  /** Joins `channel` and resolves once the server confirms. */
  join(channel: string, timeoutMs: number): Promise<void>;
  /** Called for every PRIVMSG received. */
  onPrivmsg(listener: (message: IrcPrivmsg) => void): void;
  /** Called for every line received, with performance.now() at arrival. */
  onLine(listener: (line: string, at: number) => void): void;
  close(): Promise<void>;
}

const PRIVMSG = /^(?:@\S+ )?:([^!\s]+)\S* PRIVMSG (\S+) :(.*)$/;

/** Connects and registers as `nick` (with the server password `password`, if any); resolves after 001. */
export async function connectIrcProbe(host: string, port: number, nick: string, timeoutMs: number, password?: string): Promise<IrcProbe> {
  const socket: Socket = connect({ host, port });
  socket.setNoDelay(true);
  socket.setEncoding('utf8');
  const listeners: Array<(message: IrcPrivmsg) => void> = [];
  const lineListeners: Array<(line: string, at: number) => void> = [];
  const lineWaiters: Array<{ pattern: RegExp; resolve: () => void }> = [];
  let buffer = '';
  socket.on('data', (chunk: string) => {
    const at = performance.now();
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      if (line.startsWith('PING ')) socket.write(`PONG ${line.slice(5)}\r\n`);
      for (const listener of lineListeners) listener(line, at);
      const privmsg = PRIVMSG.exec(line);
      if (privmsg) for (const listener of listeners) listener({ from: privmsg[1]!, target: privmsg[2]!, text: privmsg[3]!, at });
      for (const waiter of [...lineWaiters]) {
        if (waiter.pattern.test(line)) {
          lineWaiters.splice(lineWaiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    }
  });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const waitLine = (pattern: RegExp, ms: number, what: string) =>
    withTimeout(new Promise<void>((resolve) => lineWaiters.push({ pattern, resolve })), ms, what);
  const write = (lines: readonly string[]) => {
    for (const line of lines) if (/[\r\n\0]/.test(line)) throw new Error(`refusing a line with CR, LF or NUL: ${JSON.stringify(line)}`);
    socket.write(lines.map((l) => `${l}\r\n`).join(''));
  };
  await withTimeout(new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  }), timeoutMs, `TCP connect to ${host}:${port}`);
  const welcome = waitLine(/^:\S+ 001 /, timeoutMs, `${nick} to be welcomed`);
  write([...(password === undefined ? [] : [`PASS ${password}`]), `NICK ${nick}`, `USER ${nick} 0 * :benchmark client`]);
  await welcome.catch((error: unknown) => {
    socket.destroy();
    throw error;
  });
  return {
    nick,
    send: (...lines) => write(lines),
    async join(channel, ms) {
      const joined = waitLine(new RegExp(`^:${nick}!\\S+ JOIN :?${channel.replace(/[#.]/g, '\\$&')}\\b`, 'i'), ms, `${nick} to join ${channel}`);
      write([`JOIN ${channel}`]);
      await joined;
    },
    onPrivmsg: (listener) => listeners.push(listener),
    onLine: (listener) => lineListeners.push(listener),
    async close() {
      if (!socket.destroyed) {
        socket.end('QUIT :done\r\n');
        setTimeout(() => socket.destroy(), 1000).unref();
      }
      await closed;
    },
  };
}
