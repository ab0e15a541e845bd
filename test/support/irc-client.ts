/**
 * A tiny independent IRC client over node:net for tests (deliberately not our IRC adapter):
 * registers, answers PING, keeps every received line and lets a test wait for one.
 */
import { connect, type Socket } from 'node:net';
import { withTimeout } from './wait.js';

/** Where and as whom to connect. */
export interface RawIrcOptions {
  readonly host: string;
  readonly port: number;
  readonly nick: string;
  /** USER name (default: the nick). */
  readonly user?: string;
  readonly realname?: string;
  /** Wait for 001 (RPL_WELCOME) before resolving (default true). */
  readonly waitForWelcome?: boolean;
  /**
   * Send NICK/USER on connect (default true). Set false to speak another handshake on the raw
   * line connection, e.g. a server link (PASS/SERVER, CAPAB).
   */
  readonly register?: boolean;
  /** Timeout for connecting and registering (default 10 s). */
  readonly timeoutMs?: number;
}

/** A connected raw IRC client. */
export interface RawIrcClient {
  readonly nick: string;
  /** Every line received so far, without CR LF, oldest first. */
  readonly lines: readonly string[];
  /** Sends one line; throws if it contains CR, LF or NUL (use {@link RawIrcClient.sendBytes} to send those on purpose). */
  send(line: string): void;
  /** Writes raw data as is, for tests that need malformed input. */
  sendBytes(data: string | Uint8Array): void;
  /**
   * Resolves with the first received line matching `pattern` that no earlier wait returned, looking
   * at lines already received too (so a line that arrived before the call is not missed).
   * Rejects on timeout (with the recent lines in the message) or when the connection closes.
   */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** Sends QUIT (if still connected) and closes the socket; resolves when it is closed. Idempotent. */
  close(): Promise<void>;
  /** Resolves when the connection has closed, for whatever reason. */
  readonly closed: Promise<void>;
}

interface Waiter {
  readonly pattern: RegExp;
  readonly resolve: (line: string) => void;
  readonly reject: (error: Error) => void;
}

class RawIrcConnection implements RawIrcClient {
  readonly lines: string[] = [];
  readonly closed: Promise<void>;
  #consumed = new Set<number>();
  #waiters = new Set<Waiter>();
  #buffer = '';
  #isClosed = false;

  constructor(
    readonly nick: string,
    private readonly socket: Socket,
  ) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.#onData(chunk));
    socket.on('error', () => {
      // reported through `closed` and failing waits
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.#isClosed = true;
        for (const waiter of this.#waiters) waiter.reject(new Error(`connection of ${nick} closed before ${waiter.pattern} arrived`));
        this.#waiters.clear();
        resolve();
      }),
    );
  }

  send(line: string): void {
    if (/[\r\n\0]/.test(line)) throw new Error(`refusing to send a line containing CR, LF or NUL: ${JSON.stringify(line)}`);
    this.socket.write(`${line}\r\n`);
  }

  sendBytes(data: string | Uint8Array): void {
    this.socket.write(data);
  }

  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string> {
    const index = this.#findUnconsumed(pattern);
    if (index !== undefined) return Promise.resolve(this.#consume(index));
    if (this.#isClosed) return Promise.reject(new Error(`connection of ${this.nick} is closed; ${pattern} never arrived`));
    let waiter: Waiter | undefined;
    const arrived = new Promise<string>((resolve, reject) => {
      waiter = { pattern, resolve, reject };
      this.#waiters.add(waiter);
    });
    return withTimeout(arrived, timeoutMs, `${pattern} on ${this.nick}'s connection`).catch((error: unknown) => {
      if (waiter) this.#waiters.delete(waiter);
      const recent = this.lines.slice(-15).join('\n  ');
      throw new Error(`${(error as Error).message}; last lines received:\n  ${recent}`, { cause: error });
    });
  }

  close(): Promise<void> {
    if (!this.#isClosed && this.socket.writable) {
      this.socket.end('QUIT :bye\r\n');
      setTimeout(() => this.socket.destroy(), 1000).unref();
    }
    return this.closed;
  }

  #onData(chunk: string): void {
    this.#buffer += chunk;
    let newline: number;
    while ((newline = this.#buffer.indexOf('\n')) >= 0) {
      const line = this.#buffer.slice(0, newline).replace(/\r$/, '');
      this.#buffer = this.#buffer.slice(newline + 1);
      this.#onLine(line);
    }
  }

  #onLine(line: string): void {
    const ping = /^(?:@\S+ )?(?::\S+ )?PING (.*)$/.exec(line);
    if (ping) this.socket.write(`PONG ${ping[1]}\r\n`);
    const index = this.lines.push(line) - 1;
    for (const waiter of this.#waiters) {
      if (waiter.pattern.test(line)) {
        this.#waiters.delete(waiter);
        waiter.resolve(this.#consume(index));
        return;
      }
    }
  }

  #findUnconsumed(pattern: RegExp): number | undefined {
    const index = this.lines.findIndex((line, i) => !this.#consumed.has(i) && pattern.test(line));
    return index >= 0 ? index : undefined;
  }

  #consume(index: number): string {
    this.#consumed.add(index);
    return this.lines[index] ?? '';
  }
}

/**
 * Connects and registers (NICK/USER, unless `register` is false); by default resolves once the
 * server sent 001.
 * @throws when the connection fails, the server refuses the nick, or registration times out.
 */
export async function connectRawIrc(options: RawIrcOptions): Promise<RawIrcClient> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const socket = connect({ host: options.host, port: options.port });
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    }),
    timeoutMs,
    `TCP connect to ${options.host}:${options.port}`,
  ).catch((error: unknown) => {
    socket.destroy();
    throw error;
  });
  const client = new RawIrcConnection(options.nick, socket);
  if (options.register === false) return client;
  client.send(`NICK ${options.nick}`);
  client.send(`USER ${options.user ?? options.nick} 0 * :${options.realname ?? `${options.nick} (test client)`}`);
  if (options.waitForWelcome === false) return client;
  try {
    const reply = await client.waitForLine(/^(?:@\S+ )?:\S+ (001|43[2-6]|465) |^ERROR /, timeoutMs);
    if (!/ 001 /.test(reply)) throw new Error(`registration of ${options.nick} refused: ${reply}`);
    return client;
  } catch (error) {
    socket.destroy();
    throw error;
  }
}
