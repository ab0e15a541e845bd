/**
 * The socket under irc-framework: TCP or TLS (with a trusted CA or an insecure mode for test
 * servers, and a client certificate for CertFP / SASL EXTERNAL), line framing, and decoding
 * that never loses a line: UTF-8 when the bytes are valid UTF-8, otherwise latin-1.
 *
 * It implements irc-framework's transport interface (events `open`, `line`, `close`,
 * `debug`, `extra`; methods `connect`, `writeLine`, `isConnected`, `disposeSocket`, `close`,
 * `setEncoding`) and is passed to the client as its `transport` option.
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';

/** The TLS and socket settings irc-framework hands to its transport (from ConnectOptions). */
export interface TransportOptions {
  readonly host: string;
  readonly port: number;
  readonly tls?: boolean;
  readonly rejectUnauthorized?: boolean;
  /** PEM text of CAs to trust. */
  readonly ca?: string;
  readonly client_certificate?: { readonly private_key: string; readonly certificate: string };
  /**
   * The first line written in a turn of the event loop goes out at once; the lines after it in
   * the same turn go out together in one socket write (at `process.nextTick`, before any I/O),
   * instead of one write (a system call) per line: for a server link, which may write tens of
   * thousands of lines in a burst.
   */
  readonly batchWrites?: boolean;
}

/** Longest incoming line kept while waiting for its end; beyond it the partial data is dropped. */
const MAX_INCOMING_LINE_BYTES = 64 * 1024;

/** Batched characters (`batchWrites`) that are written without waiting for the end of the turn. */
const MAX_BATCH_CHARS = 16 * 1024;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Nothing pending (shared: never written to). */
const EMPTY = Buffer.alloc(0);

/** Decodes one received line: UTF-8 if valid, else latin-1 (every byte maps to a character). */
function decodeLine(bytes: Buffer): { text: string; fallback: boolean } {
  try {
    return { text: strictUtf8.decode(bytes), fallback: false };
  } catch {
    return { text: bytes.toString('latin1'), fallback: true };
  }
}

/** Splits buffered bytes into complete lines (without CR/LF) and the incomplete rest. */
function takeLines(buffer: Buffer): { lines: Buffer[]; rest: Buffer } {
  const lines: Buffer[] = [];
  let start = 0;
  for (let end = buffer.indexOf(0x0a, start); end !== -1; end = buffer.indexOf(0x0a, start)) {
    const stop = end > start && buffer[end - 1] === 0x0d ? end - 1 : end;
    lines.push(buffer.subarray(start, stop));
    start = end + 1;
  }
  return { lines, rest: buffer.subarray(start) };
}

export class IrcTransport extends EventEmitter {
  private socket: net.Socket | undefined;
  private connected = false;
  private pending = Buffer.alloc(0);
  private warnedFallback = false;
  /** Lines not written yet (`batchWrites`), with their callbacks. */
  private outgoing = '';
  private outgoingCallbacks: Array<() => void> = [];
  private flushScheduled = false;

  constructor(private readonly options: TransportOptions) {
    super();
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** irc-framework asks for an encoding; we always write UTF-8 and decode as above. */
  setEncoding(encoding: string): boolean {
    return encoding.toLowerCase().replace('-', '') === 'utf8';
  }

  connect(): void {
    this.disposeSocket();
    this.pending = Buffer.alloc(0);
    const { host, port } = this.options;
    const socket = this.options.tls
      ? tls.connect({
        host,
        port,
        servername: net.isIP(host) ? undefined : host,
        rejectUnauthorized: this.options.rejectUnauthorized !== false,
        ca: this.options.ca,
        key: this.options.client_certificate?.private_key,
        cert: this.options.client_certificate?.certificate,
      })
      : net.connect({ host, port });
    this.socket = socket;
    socket.once(this.options.tls ? 'secureConnect' : 'connect', () => {
      this.connected = true;
      this.emit('extra', 'raw socket connected', socket);
      this.emit('open');
    });
    socket.on('data', (data: Buffer) => this.onData(data));
    socket.on('error', (error: Error) => {
      this.lastError = error;
      this.emit('debug', `socket error: ${error.message}`);
    });
    socket.once('close', () => {
      this.connected = false;
      if (this.pending.length > 0) this.emit('debug', `connection closed mid-line (${this.pending.length} bytes dropped)`);
      this.pending = Buffer.alloc(0);
      this.emit('close', this.lastError ?? false);
    });
  }

  /** The last socket error, for the close reason. */
  lastError: Error | undefined;

  private onData(data: Buffer): void {
    // Most reads end on a line end with nothing pending: then the read itself is split, no copy.
    const { lines, rest } = takeLines(this.pending.length === 0 ? data : Buffer.concat([this.pending, data]));
    this.pending = rest.length === 0 || rest.length > MAX_INCOMING_LINE_BYTES ? EMPTY : Buffer.from(rest);
    if (rest.length > MAX_INCOMING_LINE_BYTES) this.emit('debug', `dropped ${rest.length} bytes without a line end`);
    for (const bytes of lines) {
      const { text, fallback } = decodeLine(bytes);
      if (fallback && !this.warnedFallback) {
        this.warnedFallback = true;
        this.emit('extra', 'decode fallback', text);
      }
      if (text !== '') this.emit('line', text);
    }
  }

  writeLine(line: string, callback?: () => void): void {
    if (!this.socket || !this.connected) {
      if (callback) process.nextTick(callback);
      return;
    }
    if (!this.options.batchWrites) {
      this.socket.write(`${line}\r\n`, 'utf8', callback ? () => callback() : undefined);
      return;
    }
    if (!this.flushScheduled) {
      // The first line of a turn goes out at once (a relayed message waits for nothing); the
      // lines after it in the same turn wait for the flush.
      this.flushScheduled = true;
      process.nextTick(() => this.flush());
      this.socket.write(`${line}\r\n`, 'utf8', callback ? () => callback() : undefined);
      return;
    }
    this.outgoing += `${line}\r\n`;
    if (callback) this.outgoingCallbacks.push(callback);
    // A turn that writes a lot (a burst of introductions) feeds the socket as it goes, so that
    // the peer works meanwhile instead of waiting for the end of the turn.
    if (this.outgoing.length >= MAX_BATCH_CHARS) this.flush();
  }

  /** Writes the batched lines (`batchWrites`) in one socket write. */
  private flush(): void {
    this.flushScheduled = false;
    const data = this.outgoing;
    const callbacks = this.outgoingCallbacks;
    this.outgoing = '';
    this.outgoingCallbacks = [];
    if (data === '') return;
    if (!this.socket || !this.connected) {
      for (const callback of callbacks) process.nextTick(callback);
      return;
    }
    this.socket.write(data, 'utf8', callbacks.length === 0 ? undefined : () => {
      for (const callback of callbacks) callback();
    });
  }

  /** Ends the connection: gracefully (after the lines still batched), or at once when `force` is set. */
  close(force?: boolean): void {
    if (!this.socket) return;
    if (!force && this.connected) this.flush();
    if (force || !this.connected) this.socket.destroy();
    else this.socket.end();
  }

  disposeSocket(): void {
    // Batched lines are dropped with the socket; their callbacks still run (as a destroyed socket's do).
    for (const callback of this.outgoingCallbacks) process.nextTick(callback);
    this.outgoing = '';
    this.outgoingCallbacks = [];
    if (!this.socket) return;
    this.socket.removeAllListeners('data');
    this.socket.destroy();
    this.socket = undefined;
    this.connected = false;
  }
}
