/**
 * A small HTTP server for egress tests, on a random 127.0.0.1 port: it records every request
 * and serves the test's routes, plus `/endless`, a body without Content-Length streamed (with
 * backpressure) until `ENDLESS_LIMIT` or until the client goes away, so a test can tell where a
 * reader stopped.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';

/** What `/endless` sends at most if nobody stops it. */
export const ENDLESS_LIMIT = 64 * 1024 * 1024;
const CHUNK = Buffer.alloc(16 * 1024, 'x');

/** How a GET of `/endless` ended. */
export interface EndlessState {
  /** Bytes handed to the socket. */
  written: number;
  /** The client closed the connection before the body was complete. */
  cutByClient: boolean;
  /** Resolves when the connection of the (last) GET of `/endless` closed. */
  closed: Promise<void>;
}

export interface HttpFixture {
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  /** `127.0.0.1:<port>`, as an egress allow-list entry. */
  readonly hostPort: string;
  readonly port: number;
  /** Every request seen, in order. */
  readonly requests: { method: string; path: string; headers: IncomingMessage['headers'] }[];
  readonly endless: EndlessState;
  close(): Promise<void>;
}

/** Starts the server; `routes` answers everything but `/endless`. Call `close()` when done. */
export async function startHttpFixture(routes: (req: IncomingMessage, res: ServerResponse, base: string) => void): Promise<HttpFixture> {
  const endless: EndlessState = { written: 0, cutByClient: false, closed: Promise.resolve() };
  const requests: HttpFixture['requests'] = [];
  let base = '';
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    if (req.url === '/endless') streamEndless(req, res, endless);
    else routes(req, res, base);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return {
    base,
    hostPort: `127.0.0.1:${port}`,
    port,
    requests,
    endless,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

function streamEndless(req: IncomingMessage, res: ServerResponse, state: EndlessState): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  state.written = 0;
  state.cutByClient = false;
  state.closed = new Promise((resolve) => res.on('close', () => {
    state.cutByClient = state.written < ENDLESS_LIMIT || !res.writableFinished;
    resolve();
  }));
  const write = (): void => {
    while (state.written < ENDLESS_LIMIT && !res.destroyed) {
      state.written += CHUNK.length;
      if (!res.write(CHUNK)) {
        res.once('drain', write);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  write();
}
