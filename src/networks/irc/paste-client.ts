/**
 * Uploads a text to the configured paste service (paste-config.ts) with the global fetch and
 * returns the paste's URL (paste-response.ts). Everything, the answer's body included, must
 * arrive within `timeoutMs`. Errors are PasteErrors whose message never contains the
 * configured headers (they may hold an API token).
 */
import { randomBytes } from 'node:crypto';
import type { PasteConfig } from './paste-config.js';
import { PasteError, pasteUrlFrom } from './paste-response.js';

/** The most of a paste service's answer that is read (a URL or a small JSON object is expected). */
export const MAX_REPLY_BYTES = 64 * 1024;

/** The fetch function used (the global one; tests may pass their own). */
export type FetchFunction = typeof fetch;

/** Uploads `text` and returns the paste's URL; rejects with a PasteError. */
export async function uploadPaste(text: string, config: PasteConfig, fetchFn: FetchFunction = fetch): Promise<string> {
  const signal = AbortSignal.timeout(config.timeoutMs);
  try {
    const response = await fetchFn(config.url, {
      method: config.method,
      ...requestBody(text, config),
      redirect: config.response === 'location' ? 'manual' : 'follow',
      signal,
    });
    const body = await readLimited(response);
    return pasteUrlFrom({ status: response.status, location: response.headers.get('location'), body }, config.response, config.url);
  } catch (error) {
    if (error instanceof PasteError) throw error;
    if (signal.aborted) throw new PasteError(`the paste service did not answer within ${config.timeoutMs} ms`);
    throw new PasteError(`could not reach the paste service: ${describe(error)}`);
  }
}

/** The body and headers of the upload request. */
function requestBody(text: string, config: PasteConfig): { body: NonNullable<RequestInit['body']>; headers: Record<string, string> } {
  const { body } = config;
  if (body === 'raw') return { body: text, headers: withType('text/plain; charset=utf-8', config.headers) };
  if ('json' in body) return { body: JSON.stringify({ [body.json]: text }), headers: withType('application/json', config.headers) };
  const form = multipart(text, body.field, body.filename);
  return { body: form.body, headers: withType(form.contentType, config.headers) };
}

/** The configured headers plus `Content-Type: type`, unless they set one themselves (in any case). */
function withType(type: string, headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.keys(headers).some((name) => name.toLowerCase() === 'content-type') ? { ...headers } : { 'content-type': type, ...headers };
}

/**
 * A multipart/form-data body with one part holding `text` byte for byte (FormData would turn
 * a text field's line breaks into CRLF). Quotes and line breaks in names are escaped as HTML
 * does (%22, %0D, %0A).
 */
export function multipart(text: string, field: string, filename?: string): { body: string; contentType: string } {
  let boundary = `switchboard-${randomBytes(12).toString('hex')}`;
  while (text.includes(boundary)) boundary = `switchboard-${randomBytes(12).toString('hex')}`;
  const quoted = (name: string): string => `"${name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}"`;
  const disposition = `form-data; name=${quoted(field)}${filename === undefined ? '' : `; filename=${quoted(filename)}`}`;
  const type = filename === undefined ? '' : 'Content-Type: text/plain; charset=utf-8\r\n';
  return {
    body: `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n${text}\r\n--${boundary}--\r\n`,
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** The response body as UTF-8 text; a PasteError when it is larger than MAX_REPLY_BYTES. */
async function readLimited(response: Response): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_REPLY_BYTES) {
      await reader.cancel();
      throw new PasteError(`the paste service's answer is larger than ${MAX_REPLY_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A short reason for a network error (fetch puts the useful part in `cause`). */
function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (cause instanceof Error) return (cause as NodeJS.ErrnoException).code ?? cause.message;
  return String(cause);
}
