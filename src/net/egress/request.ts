/**
 * One HTTP exchange with a checked target (resolve.ts): node:http/https connecting only to the
 * checked addresses (a `lookup` that answers with them, so no second DNS query can rebind the
 * name), no connection reuse, no content decoding, and the body read as a stream that is cut
 * as soon as it exceeds `maxBytes`, whatever Content-Length said.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { abortedFetchError, EgressError } from './errors.js';
import type { CheckedTarget } from './resolve.js';

/** What is sent. */
export interface ExchangeRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
  /** The most body bytes read; more fails with `too-large`. */
  readonly maxBytes: number;
  readonly signal: AbortSignal;
}

/** What came back. */
export interface ExchangeResponse {
  readonly status: number;
  /** Lower-case names, as node:http gives them. */
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A `lookup` for net.connect that answers with the checked addresses only. */
function pinnedLookup(target: CheckedTarget): LookupFunction {
  return ((_host: string, options: { all?: boolean; family?: number | string }, callback: (...args: unknown[]) => void) => {
    const wanted = options.family === 4 || options.family === 6 ? target.addresses.filter((a) => a.family === options.family) : target.addresses;
    const usable = wanted.length > 0 ? wanted : target.addresses;
    if (options.all) callback(null, usable.map((a) => ({ address: a.address, family: a.family })));
    else callback(null, usable[0]!.address, usable[0]!.family);
  }) as LookupFunction;
}

/** Sends `request` to `target` and reads the response within `request.maxBytes`. */
export function exchange(target: CheckedTarget, request: ExchangeRequest): Promise<ExchangeResponse> {
  const { url } = target;
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      outgoing.destroy();
      reject(error);
    };
    const outgoing = client.request({
      host: target.host,
      port: target.port,
      path: `${url.pathname}${url.search}`,
      method: request.method,
      headers: { ...request.headers, host: url.host },
      lookup: pinnedLookup(target),
      agent: false,
      signal: request.signal,
    });
    outgoing.on('error', (error) => fail(networkError(error, request.signal)));
    outgoing.on('response', (response) => {
      readBody(response, request.maxBytes, request.method).then(
        (body) => {
          if (settled) return;
          settled = true;
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
        },
        (error: Error) => fail(error instanceof EgressError ? error : networkError(error, request.signal)),
      );
    });
    outgoing.end(request.body);
  });
}

/** The body, refused once it passes `maxBytes` (before reading, when Content-Length already says so). */
async function readBody(response: IncomingMessage, maxBytes: number, method: string): Promise<Buffer> {
  const tooLarge = (): EgressError => new EgressError('too-large', `the response body is larger than ${maxBytes} bytes`);
  if (method === 'HEAD') {
    response.resume();
    return Buffer.alloc(0);
  }
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function networkError(error: Error, signal: AbortSignal): EgressError {
  if (signal.aborted) return abortedFetchError(signal);
  return new EgressError('network', `the request failed: ${(error as NodeJS.ErrnoException).code ?? error.message}`, { cause: error });
}
