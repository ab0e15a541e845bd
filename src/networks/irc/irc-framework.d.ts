/**
 * The small part of irc-framework (which ships no types) that the IRC adapter uses.
 */
declare module 'irc-framework' {
  import type { EventEmitter } from 'node:events';

  export interface ParsedLine {
    tags: Record<string, unknown>;
    prefix: string;
    nick: string;
    ident: string;
    hostname: string;
    command: string;
    params: string[];
  }

  export interface ConnectOptions {
    host: string;
    port: number;
    nick: string;
    username?: string;
    gecos?: string;
    password?: string;
    tls?: boolean;
    rejectUnauthorized?: boolean;
    ca?: string;
    client_certificate?: { private_key: string; certificate: string };
    account?: { account?: string; password?: string };
    sasl_mechanism?: string;
    sasl_disconnect_on_fail?: boolean;
    auto_reconnect?: boolean;
    ping_interval?: number;
    ping_timeout?: number;
    version?: string | null;
    enable_chghost?: boolean;
    enable_echomessage?: boolean;
    transport?: unknown;
    encoding?: string;
  }

  /** Parses one protocol line (without CRLF). */
  export function ircLineParser(line: string): ParsedLine;

  export class Client extends EventEmitter {
    constructor(options?: Partial<ConnectOptions>);
    connect(options: ConnectOptions): void;
    requestCap(cap: string | string[]): void;
    raw(line: string): void;
    quit(message?: string): void;
    changeNick(nick: string): void;
    /**
     * Adds middleware: `raw.use(fn)` runs `fn` for each received line before the library handles
     * it; the library handles the line only when `fn` calls `next()`.
     */
    use(middleware: (client: Client, raw: { use(fn: (command: string, message: ParsedLine, rawLine: string, client: Client, next: (error?: unknown) => void) => void): void }, parsed: unknown) => void): this;
    /** Restarts the ping-timeout timer (the library does it for every line it handles). */
    resetPingTimeoutTimer(): void;
    readonly connected: boolean;
    user: { nick: string; username: string; host: string };
    network: {
      cap: { enabled: string[]; isEnabled(cap: string): boolean };
      /** true when message-tags is on and the server does not deny the (client) tag (CLIENTTAGDENY). */
      supportsTag(tag: string): boolean;
    };
    connection: EventEmitter & { end(data?: string, hadError?: boolean): void; transport: unknown };
    /** Runs the library's handler for each received command (one `executeCommand` per line). */
    command_handler: { executeCommand(command: { command: string }): void };
  }
}
