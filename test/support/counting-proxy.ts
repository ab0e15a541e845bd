/**
 * A TCP pass-through on loopback that counts the connections it accepts: put in front of a real
 * server to see how many times a client connected. Every socket is closed on `close()`.
 */
import { createConnection, createServer, type Socket } from 'node:net';
import { LOOPBACK } from './ports.js';

export interface CountingProxy {
  readonly host: string;
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  close(): Promise<void>;
}

/** Starts a proxy to `target` on a random loopback port. */
export async function startCountingProxy(target: { readonly host: string; readonly port: number }): Promise<CountingProxy> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    accepted++;
    const upstream = createConnection(target.port, target.host);
    track(client);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, resolve);
  });
  const port = (server.address() as { port: number }).port;
  return {
    host: LOOPBACK,
    port,
    get accepted() {
      return accepted;
    },
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
