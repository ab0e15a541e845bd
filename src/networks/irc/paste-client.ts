/**
 * Uploads a text to the configured paste service (paste-config.ts) through the hub's egress
 * client (so the service's address and every redirect are checked against `egress:`) and
 * returns the paste's URL (paste-response.ts). Everything, the answer's body included, must
 * arrive within `timeoutMs`. Errors are PasteErrors whose message never contains the
 * configured headers (they may hold an API token).
 */
import { randomBytes } from 'node:crypto';
import type { PasteConfig } from './paste-config.js';
import { PasteError, pasteUrlFrom } from './paste-response.js';
import { EgressError } from '../../net/egress/index.js';
import type { Egress } from '../../core/egress.js';

/** The most of a paste service's answer that is read (a URL or a small JSON object is expected). */
const MAX_REPLY_BYTES = 64 * 1024;

/** Uploads `text` and returns the paste's URL; rejects with a PasteError. */
export async function uploadPaste(text: string, config: PasteConfig, egress: Egress): Promise<string> {
  try {
    const response = await egress.request(config.url, {
      method: config.method,
      ...requestBody(text, config),
      redirect: config.response === 'location' ? 'manual' : 'follow',
      maxBytes: MAX_REPLY_BYTES,
      timeoutMs: config.timeoutMs,
    });
    const body = response.body.toString('utf8');
    return pasteUrlFrom({ status: response.status, location: response.header('location') ?? null, body }, config.response, config.url);
  } catch (error) {
    if (error instanceof PasteError) throw error;
    throw new PasteError(describe(error, config.timeoutMs));
  }
}

/** The body and headers of the upload request. */
function requestBody(text: string, config: PasteConfig): { body: string; headers: Record<string, string> } {
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

/** What went wrong, for the PasteError (egress errors name no header). */
function describe(error: unknown, timeoutMs: number): string {
  if (!(error instanceof EgressError)) return `could not reach the paste service: ${String(error)}`;
  switch (error.code) {
    case 'budget': return `the paste service did not answer within ${timeoutMs} ms`;
    case 'too-large': return `the paste service's answer is larger than ${MAX_REPLY_BYTES} bytes`;
    case 'network': return `could not reach the paste service: ${error.message}`;
    default: return `the paste service was not contacted: ${error.message}`;
  }
}
