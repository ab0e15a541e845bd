/**
 * A load generator for the server-link benchmark: a bare RFC 2813 pseudo-server (not our
 * irc-link adapter) that links to ngIRCd and introduces many users into one channel, then lets
 * each of them speak once. It answers PING and nothing else; its lines are written in large
 * batches so that the ircd, not this process, sets the pace.
 */
import { connect, type Socket } from 'node:net';
import { withTimeout } from '../../test/support/wait.js';

/** The [Server] block ngIRCd must have for the load server (appended with `extraConfig`). */
export interface LoadServerBlock {
  readonly name: string;
  readonly peerSends: string;
  readonly serverSends: string;
}

/** The ngIRCd config section that accepts `block` as a passive server link. */
export function ngircdServerSection(block: LoadServerBlock): string {
  return `
[Server]
	Name = ${block.name}
	Host = 127.0.0.1
	MyPassword = ${block.peerSends}
	PeerPassword = ${block.serverSends}
`;
}

/**
 * How the load server brings its people (all written at once; the ircd sets the pace):
 * - `live`: as people arrive one after another on a network already linked: per batch of 50,
 *   their NICK lines and then their NJOIN, so that joins follow the introductions closely;
 * - `netjoin`: as a server that (re)links brings its users: every NICK first, then the NJOIN
 *   lines (RFC 2813's burst order), so that no one joins before all are introduced.
 */
export type IntroductionShape = 'live' | 'netjoin';

/** People per NJOIN line (and per batch in the `live` shape). */
const PER_NJOIN = 50;

export interface LoadServer {
  /**
   * Introduces users `<prefix>0` … `<prefix>(count-1)` and puts them all in `channel` (one NJOIN
   * per 50), in `shape`'s order (a netjoin unless told).
   */
  introduce(prefix: string, count: number, channel: string, shape?: IntroductionShape): void;
  /** Each of the users says `text(i)` in `channel`. */
  speak(prefix: string, count: number, channel: string, text: (index: number) => string): void;
  close(): Promise<void>;
}

/** Links to ngIRCd at `host:port` as `block.name`; resolves once the ircd's burst ended (its first PING). */
export async function linkLoadServer(host: string, port: number, block: LoadServerBlock, timeoutMs: number): Promise<LoadServer> {
  const socket: Socket = connect({ host, port });
  socket.setNoDelay(true);
  socket.setEncoding('utf8');
  let buffer = '';
  let burstDone: (() => void) | undefined;
  let failed: ((error: Error) => void) | undefined;
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      const ping = /^(?::\S+ )?PING :?(\S+)/.exec(line);
      if (ping) {
        socket.write(`:${block.name} PONG ${block.name} :${ping[1]}\r\n`);
        burstDone?.();
      } else if (line.startsWith('ERROR')) {
        failed?.(new Error(`the load server's link was refused: ${line}`));
      }
    }
  });
  socket.on('error', (error) => failed?.(error));
  const linked = new Promise<void>((resolve, reject) => {
    burstDone = resolve;
    failed = reject;
  });
  socket.write(`PASS ${block.peerSends} 0210-IRC+ loadgen|1:CMSX\r\nSERVER ${block.name} 1 :benchmark load\r\n`);
  try {
    await withTimeout(linked, timeoutMs, `the load server to link to ${host}:${port}`);
  } catch (error) {
    socket.destroy();
    throw error;
  }
  burstDone = undefined;
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    introduce(prefix, count, channel, shape = 'netjoin') {
      const nicks: string[] = [];
      const joins: string[] = [];
      for (let first = 0; first < count; first += PER_NJOIN) {
        const batch = Array.from({ length: Math.min(PER_NJOIN, count - first) }, (_, k) => first + k);
        for (const i of batch) nicks.push(`:${block.name} NICK ${prefix}${i} 1 u${i} 10.0.0.1 1 + :load user ${i}`);
        joins.push(`:${block.name} NJOIN ${channel} :${batch.map((i) => `${prefix}${i}`).join(',')}`);
        // Live: this batch's NJOIN right after its NICKs.
        if (shape === 'live') nicks.push(joins.pop()!);
      }
      socket.write([...nicks, ...joins].map((l) => `${l}\r\n`).join(''));
    },
    speak(prefix, count, channel, text) {
      const lines: string[] = [];
      for (let i = 0; i < count; i++) lines.push(`:${prefix}${i} PRIVMSG ${channel} :${text(i)}\r\n`);
      socket.write(lines.join(''));
    },
    async close() {
      if (!socket.destroyed) {
        socket.end(`:${block.name} SQUIT ${block.name} :done\r\n`);
        setTimeout(() => socket.destroy(), 1000).unref();
      }
      await closed;
    },
  };
}
