/**
 * POST /access/verify: verification on demand for admins over HTTP.
 *
 * Authentication: `Authorization: Bearer <token>`, where the token is the module's
 * `http.token` (write it as `${SWITCHBOARD_ACCESS_TOKEN}` to keep it out of the file). Both
 * sides are hashed and compared in constant time. Body (optional, JSON):
 * `{"channels": ["irc:#staff"]}`; without it every secured channel is verified.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ChannelRef } from '../../core/refs.js';
import { parseChannelRef } from '../../core/refs.js';
import type { WebRequest, WebResponse } from '../../modules/web-resources.js';
import { summaryJson } from './summary.js';
import type { VerifyReport, VerifyRequest } from './verifier.js';

/** The path of the endpoint. */
export const VERIFY_PATH = '/access/verify';

export interface EndpointOptions {
  readonly token: string;
  /** true for a secured channel (others are refused with 400). */
  readonly secures: (channel: ChannelRef) => boolean;
  readonly verify: (request: VerifyRequest | undefined) => Promise<VerifyReport>;
}

/** true when the request carries `Authorization: Bearer <token>` with the right token. */
export function authorized(request: WebRequest, token: string): boolean {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) return false;
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(match[1]!), digest(token));
}

/** Builds the handler of {@link VERIFY_PATH}. */
export function verifyEndpoint(options: EndpointOptions): (request: WebRequest) => Promise<WebResponse> {
  return async (request): Promise<WebResponse> => {
    if (request.method !== 'POST') return { status: 405, headers: { allow: 'POST' }, body: { error: 'use POST' } };
    if (!authorized(request, options.token)) {
      return { status: 401, headers: { 'www-authenticate': 'Bearer realm="switchboard-access"' }, body: { error: 'send Authorization: Bearer <token>' } };
    }
    const channels = readChannels(request.body);
    if (typeof channels === 'string') return { status: 400, body: { error: channels } };
    const unsecured = channels?.find((c) => !options.secures(c));
    if (unsecured) return { status: 400, body: { error: `${unsecured.network}:${unsecured.id} is not a secured channel` } };
    const report = await options.verify(channels && new Map(channels.map((c) => [c, undefined])));
    return { status: 200, body: summaryJson(report, await report.removals) };
  };
}

/** The `channels` of the body, undefined for "all", or an error message. */
function readChannels(body: unknown): ChannelRef[] | undefined | string {
  if (body === undefined || body === null || body === '') return undefined;
  if (typeof body !== 'object' || Array.isArray(body)) return 'the body must be a JSON object, e.g. {"channels": ["irc:#staff"]}';
  const list = (body as { channels?: unknown }).channels;
  if (list === undefined) return undefined;
  if (!Array.isArray(list) || list.length === 0) return 'channels must be a non-empty list of network:channel';
  const refs: ChannelRef[] = [];
  for (const item of list) {
    const ref = typeof item === 'string' ? parseChannelRef(item) : undefined;
    if (!ref) return `${JSON.stringify(item)} is not network:channel, e.g. irc:#staff`;
    refs.push(ref);
  }
  return refs;
}
