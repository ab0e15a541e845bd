/**
 * Loopback TCP ports for test servers: picking free ones and waiting until one accepts.
 */
import { createServer, connect, type Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** The loopback address every test server listens on. */
export const LOOPBACK = '127.0.0.1';

function listenOnRandomPort(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: LOOPBACK, port: 0, exclusive: true }, () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * `count` distinct TCP ports on 127.0.0.1 that were free a moment ago (all held open at the same
 * time while picking, so they never repeat). Another process may still grab one before the
 * server binds it: callers retry the start with new ports when the bind fails.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await listenOnRandomPort());
    return servers.map((s) => {
      const address = s.address();
      if (address === null || typeof address === 'string') throw new Error('unexpected listen address');
      return address.port;
    });
  } finally {
    await Promise.all(servers.map(close));
  }
}

/** One TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  if (port === undefined) throw new Error('no free port found');
  return port;
}

/** Whether something accepts TCP connections on host:port right now. */
export function portAccepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Runs `attempt` every 20 ms until it resolves true.
 * @param stillRunning - checked between attempts; when it returns an error the wait fails with it
 *   (the server process died, no point in waiting).
 * @param what - what did not happen, for the error after `deadline` (ms since the epoch).
 */
export async function pollUntil(
  attempt: (msLeft: number) => Promise<boolean>,
  deadline: number,
  stillRunning: () => Error | undefined,
  what: string,
): Promise<void> {
  for (;;) {
    const dead = stillRunning();
    if (dead) throw dead;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`${what} in time`);
    if (await attempt(left)) return;
    await sleep(20);
  }
}

/**
 * Waits until host:port accepts a connection.
 * @param stillRunning - checked between attempts (see {@link pollUntil}).
 */
export function waitForPort(
  host: string,
  port: number,
  deadline: number,
  stillRunning: () => Error | undefined,
): Promise<void> {
  return pollUntil(() => portAccepts(host, port), deadline, stillRunning, `port ${host}:${port} did not accept connections`);
}
