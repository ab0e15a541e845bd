/**
 * A minimal second server for ngIRCd e2e tests: it links to the test ngIRCd as a leaf
 * (RFC 2813 / IRC+, as ngIRCd speaks it), introduces users, and can send what only servers
 * may (SVSNICK) or split off (its socket closes: ngIRCd sends SQUIT for it to the other links).
 * A test peer speaking the real server protocol to a real ngIRCd, not a stand-in for it.
 */
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { IrcServer } from '../support/servers.js';
import { waitFor } from '../support/wait.js';

/** The [Server] block the test ngIRCd needs for the leaf (pass it as `extraConfig`). */
export interface LeafBlock {
  readonly name: string;
  readonly sends: string;
  readonly receives: string;
  readonly config: string;
}

export function leafBlock(name = 'leaf.ngircd.test'): LeafBlock {
  const sends = randomBytes(8).toString('hex');
  const receives = randomBytes(8).toString('hex');
  return { name, sends, receives, config: `\n[Server]\n\tName = ${name}\n\tHost = 127.0.0.1\n\tMyPassword = ${sends}\n\tPeerPassword = ${receives}\n` };
}

export interface LeafPeer {
  /** Lines received from ngIRCd. */
  readonly lines: readonly string[];
  /** Sends raw lines (with the leaf as the source where they need one). */
  send(...lines: string[]): void;
  /** Introduces a user on the leaf and puts it in `channel`. */
  introduce(nick: string, channel: string): void;
  /** Closes the socket: ngIRCd splits the leaf off. */
  split(): void;
}

/** Links a leaf to `server` (its config must hold `block.config`); resolves after ngIRCd's burst. */
export async function linkLeaf(server: IrcServer, block: LeafBlock, timeoutMs: number): Promise<LeafPeer> {
  const socket: Socket = connect({ host: server.host, port: server.port });
  const lines: string[] = [];
  let buffer = '';
  let burstDone = false;
  const write = (line: string): void => {
    if (!socket.destroyed) socket.write(`${line}\r\n`);
  };
  socket.setEncoding('utf8');
  socket.on('error', () => undefined);
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (let at = buffer.indexOf('\n'); at !== -1; at = buffer.indexOf('\n')) {
      const line = buffer.slice(0, at).replace(/\r$/, '');
      buffer = buffer.slice(at + 1);
      lines.push(line);
      const ping = /^(?::\S+ )?PING (?:\S+ )?:?(\S+)/.exec(line);
      if (ping) {
        write(`:${block.name} PONG ${block.name} :${ping[1]}`);
        burstDone = true;
      }
    }
  });
  write(`PASS ${block.sends} 0210-IRC+ leaf|1.0:CMX`);
  write(`SERVER ${block.name} 1 :a leaf for tests`);
  await waitFor(() => burstDone || undefined, { timeoutMs, what: `${block.name} to be linked (lines: ${lines.slice(-5).join(' | ')})` });
  return {
    lines,
    send: (...more) => more.forEach(write),
    introduce(nick, channel) {
      write(`:${block.name} NICK ${nick} 1 ${nick} 127.0.0.1 1 + :${nick} on the leaf`);
      write(`:${block.name} NJOIN ${channel} :${nick}`);
    },
    split: () => socket.destroy(),
  };
}
