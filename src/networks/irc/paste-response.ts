/* eslint-disable no-control-regex -- a paste URL must not carry control characters */
/**
 * Reads the paste's URL out of a paste service's response (see paste-config.ts), and checks
 * that it is one absolute http(s) URL that is safe to put on an IRC line.
 */
import type { PasteResponseSpec } from './paste-config.js';

/** The parts of an HTTP response a paste service's answer is read from. */
export interface PasteReply {
  readonly status: number;
  /** The `Location` header, if any. */
  readonly location?: string | null;
  /** The response body as text. */
  readonly body: string;
}

/** A paste upload that did not produce a URL; the message says why (never with secrets). */
export class PasteError extends Error {
  override readonly name = 'PasteError';
}

/** The longest paste URL accepted (it has to fit on one IRC line with some text). */
export const MAX_PASTE_URL_LENGTH = 300;

/**
 * The paste URL from `reply` as `spec` says; `requestUrl` resolves a relative `Location`.
 * Throws PasteError for an unsuccessful status or a response without a usable URL.
 */
export function pasteUrlFrom(reply: PasteReply, spec: PasteResponseSpec, requestUrl: string): string {
  const redirectOk = spec === 'location' && reply.status >= 300 && reply.status < 400;
  if (!(reply.status >= 200 && reply.status < 300) && !redirectOk) throw new PasteError(`the paste service answered HTTP ${reply.status}`);
  if (spec === 'text') return checkedPasteUrl(firstLine(reply.body));
  if (spec === 'location') {
    if (!reply.location) throw new PasteError('the paste service answered without a Location header');
    return checkedPasteUrl(resolve(reply.location.trim(), requestUrl));
  }
  const value = jsonValue(reply.body, spec.json);
  const url = spec.template === '{value}' ? value : spec.template.split('{value}').join(encodeURIComponent(value));
  return checkedPasteUrl(url);
}

function firstLine(body: string): string {
  const line = body.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '');
  if (line === undefined) throw new PasteError('the paste service answered with an empty body');
  return line;
}

function resolve(location: string, base: string): string {
  try {
    return new URL(location, base).href;
  } catch {
    throw new PasteError('the Location header is not a URL');
  }
}

/** The string (or number) at the dot path `path` of a JSON body. */
export function jsonValue(body: string, path: string): string {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new PasteError('the paste service did not answer with JSON');
  }
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) throw new PasteError(`the JSON answer has no "${path}"`);
    value = (value as Record<string, unknown>)[key];
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string' || value === '') throw new PasteError(`"${path}" in the JSON answer is not a non-empty string`);
  return value;
}

/**
 * `candidate` when it is an absolute http(s) URL without whitespace or control characters
 * and at most MAX_PASTE_URL_LENGTH long; else a PasteError. (A hostile or broken service must
 * not be able to put anything but a link on the IRC line.)
 */
export function checkedPasteUrl(candidate: string): string {
  if (candidate.length > MAX_PASTE_URL_LENGTH) throw new PasteError(`the paste URL is longer than ${MAX_PASTE_URL_LENGTH} characters`);
  if (/[\s\x00-\x1f\x7f]/u.test(candidate)) throw new PasteError('the paste URL contains whitespace or control characters');
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    throw new PasteError('the paste service did not answer with an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PasteError('the paste URL is not http(s)');
  return candidate;
}
