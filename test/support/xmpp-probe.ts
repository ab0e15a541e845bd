/**
 * Readiness probe for an XMPP server: an open TCP port is not enough (Prosody binds its ports
 * while it is still loading modules), so this opens a client stream and waits for the server's
 * answer, which it only gives once its event loop runs, that is after start-up has finished.
 */
import { connect } from 'node:net';
import { pollUntil } from './ports.js';

/** One attempt: resolves true when the server answered a stream header, false otherwise. */
function streamAnswered(host: string, port: number, domain: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let received = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
    socket.once('connect', () => {
      socket.write(
        `<?xml version='1.0'?><stream:stream to='${domain}' xmlns='jabber:client' ` +
          `xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>`,
      );
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8');
      if (received.includes('stream:features')) done(true);
    });
  });
}

/**
 * Waits until the XMPP server on host:port answers a client stream for `domain` with its features.
 * @param stillRunning - checked between attempts; an error it returns ends the wait with that error.
 */
export function waitForXmppStream(
  host: string,
  port: number,
  domain: string,
  deadline: number,
  stillRunning: () => Error | undefined,
): Promise<void> {
  return pollUntil((left) => streamAnswered(host, port, domain, Math.min(left, 2000)), deadline, stillRunning, `${host}:${port} did not answer an XMPP stream`);
}
