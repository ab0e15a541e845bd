/**
 * A socket server that answers an IRC client with recorded lines: the registration as Ergo
 * sends it (CAP LS / ACK, 001, 005, MOTD end), JOIN echoes, PONGs, and whatever the test sends.
 * It is no IRC server (it keeps no channels, relays nothing): it stands for a server version
 * that cannot be installed here (Ergo, InspIRCd 4: IRCv3 CHATHISTORY), replaying the lines such
 * a server sends, so that the adapter's whole inbound path (irc-framework's parser, cap
 * negotiation, our mapper) reads them as it would from the real one.
 */
import { createServer, type Server, type Socket } from 'node:net';

/** What the recorded server offers. */
export interface RecordedServerOptions {
  /** The capabilities in CAP LS (all are ACKed when requested). */
  readonly caps: readonly string[];
  /** The RPL_ISUPPORT tokens. */
  readonly isupport: readonly string[];
  /** Answers a line the client sent (other than registration, JOIN and PING): lines to send back. */
  answer?(line: string): readonly string[];
}

export class RecordedIrcServer {
  /** Every line received, in order. */
  readonly received: string[] = [];
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private nick = '*';
  /** Registration waits for CAP END once CAP LS was asked for, and for USER. */
  private capOpen = false;
  private userSeen = false;

  constructor(private readonly options: RecordedServerOptions, readonly name = 'ergo.test') {}

  /** Starts listening on a random loopback port; resolves with it. */
  async start(): Promise<number> {
    this.server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address === null || typeof address !== 'object') throw new Error('no address');
    return address.port;
  }

  /** Sends lines to every connected client. */
  send(...lines: readonly string[]): void {
    for (const socket of this.sockets) socket.write(lines.map((line) => `${line}\r\n`).join(''));
  }

  /** Closes every client connection (the server keeps listening). */
  dropClients(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  /** Closes everything. */
  async stop(): Promise<void> {
    this.dropClients();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setEncoding('utf8');
    let buffer = '';
    socket.on('data', (data: string) => {
      buffer += data;
      let end = buffer.indexOf('\n');
      while (end !== -1) {
        const line = buffer.slice(0, end).replace(/\r$/, '');
        buffer = buffer.slice(end + 1);
        if (line !== '') this.line(socket, line);
        end = buffer.indexOf('\n');
      }
    });
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
  }

  private welcome(write: (...lines: string[]) => void): void {
    if (this.capOpen || !this.userSeen) return;
    this.userSeen = false;
    write(
      `:${this.name} 001 ${this.nick} :Welcome to the recorded network ${this.nick}`,
      `:${this.name} 005 ${this.nick} ${this.options.isupport.join(' ')} :are supported by this server`,
      `:${this.name} 376 ${this.nick} :End of MOTD command`,
    );
  }

  private line(socket: Socket, line: string): void {
    this.received.push(line);
    const [command = '', ...rest] = line.split(' ');
    const write = (...lines: string[]): void => void socket.write(lines.map((l) => `${l}\r\n`).join(''));
    const server = this.name;
    switch (command.toUpperCase()) {
      case 'CAP':
        if (rest[0] === 'LS') {
          this.capOpen = true;
          write(`:${server} CAP * LS :${this.options.caps.join(' ')}`);
        } else if (rest[0] === 'REQ') {
          write(`:${server} CAP * ACK ${rest.slice(1).join(' ')}`);
        } else if (rest[0] === 'END') {
          this.capOpen = false;
          this.welcome(write);
        }
        return;
      case 'NICK':
        this.nick = rest[0] ?? this.nick;
        return;
      case 'USER':
        this.userSeen = true;
        this.welcome(write);
        return;
      case 'PING':
        write(`:${server} PONG ${server} ${rest.join(' ')}`);
        return;
      case 'JOIN':
        for (const channel of (rest[0] ?? '').split(',')) {
          write(`:${this.nick}!~u@127.0.0.1 JOIN ${channel}`, `:${server} 353 ${this.nick} = ${channel} :${this.nick}`, `:${server} 366 ${this.nick} ${channel} :End of NAMES list`);
        }
        return;
      default:
        write(...(this.options.answer?.(line) ?? []));
    }
  }
}
