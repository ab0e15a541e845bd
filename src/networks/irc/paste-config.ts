/* eslint-disable no-control-regex -- header values must not carry CR, LF or other controls */
/**
 * The `paste` option of an IRC network: a generic HTTP contract for paste services, used for
 * messages longer than `maxLines` (docs/networks/irc.md, *Paste*). It fits haste-server /
 * hastebin (raw body, `{"key": …}`), form-upload services such as 0x0.st, sprunge and ix.io
 * (a multipart field, the URL as the response body), JSON-API bins (`{"content": …}` →
 * `{"url": …}`) and services that answer with a `Location` header.
 */
import * as z from 'zod';

/** An HTTP header name (RFC 9110 token). */
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A header value without control characters (no CR/LF header injection). */
const headerValue = /^[^\x00-\x08\x0a-\x1f\x7f]*$/;

/** How the text goes into the request body. */
const bodySchema = z.union([
  /** The text itself, `Content-Type: text/plain; charset=utf-8`. */
  z.literal('raw'),
  /** A multipart/form-data field; with `filename`, the text is sent as a file part. */
  z.strictObject({ field: z.string().min(1), filename: z.string().min(1).optional() }),
  /** A JSON object `{ "<json>": text }`, `Content-Type: application/json`. */
  z.strictObject({ json: z.string().min(1) }),
]);

/** Where the paste's URL is found in the response. */
const responseSchema = z.union([
  /** The response body (its first non-empty line) is the URL. */
  z.literal('text'),
  /** The `Location` header (resolved against the request URL); redirects are not followed. */
  z.literal('location'),
  /**
   * A JSON response: `json` is a dot path to a string (`key`, `data.url`); `template` builds the
   * URL with `{value}` (URL-encoded unless the template is just `{value}`).
   */
  z.strictObject({
    json: z.string().regex(/^[^.]+(\.[^.]+)*$/, 'a dot path such as key or data.url'),
    template: z.string().includes('{value}', { message: 'must contain {value}' }).default('{value}'),
  }),
]);

export const pasteSchema = z.strictObject({
  /** The endpoint that creates a paste. */
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  method: z.enum(['POST', 'PUT']).default('POST'),
  body: bodySchema.default('raw'),
  response: responseSchema,
  /** Extra request headers (an API token, a User-Agent). Never logged. */
  headers: z.record(z.string().regex(headerName, 'not a valid header name'), z.string().regex(headerValue, 'contains control characters')).default({}),
  /** The upload must complete within this time, else the truncation note is used. */
  timeoutMs: z.number().int().min(100).max(60_000).default(5_000),
  /** Longer texts (UTF-8 bytes) are not uploaded; the truncation note is used. */
  maxBytes: z.number().int().min(1_024).max(10_000_000).default(400_000),
});

/** The validated `paste` option. */
export type PasteConfig = z.output<typeof pasteSchema>;
/** Where the paste's URL is found in the response (see pasteSchema). */
export type PasteResponseSpec = PasteConfig['response'];
