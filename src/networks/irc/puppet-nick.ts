/**
 * Nicks for puppets (one IRC connection per remote user): a template such as `{nick}[{network}]`
 * filled in and made valid for IRC.
 *
 * Valid means the RFC 2812 nick grammar every server accepts: letters, digits and
 * `[ ] \ ` _ ^ { | } -`, not starting with a digit or `-`, at most NICKLEN characters. Other
 * characters are transliterated where Unicode allows (é → e) and dropped otherwise; `/`, `.`, `@`
 * and spaces become `|`, `_`. When the result is too long, the remote nick is shortened and the
 * rest of the template (the network tag) kept. On a collision, attempt n (n ≥ 1) adds a
 * separator and number in front of the tag, PyLink-style: `alice[xmpp]` → `alic|1[xmpp]`.
 */

import { cleanName, safeName } from '../../core/identity-text.js';

/** What the template placeholders are filled with. */
export interface PuppetNickValues {
  /** The remote user's nick. */
  readonly nick: string;
  /** The remote user's network name. */
  readonly network: string;
}

const SPECIAL = '[]\\`_^{|}';
const VALID_CHAR = /[A-Za-z0-9[\]\\`_^{|}-]/;
const ALL_VALID = /^[A-Za-z0-9[\]\\`_^{|}-]*$/;
const PLACEHOLDER = /\{(nick|network)\}/g;

/**
 * Makes a piece of text nick-safe (not yet checking the first character or the length). `keep`:
 * further characters the server accepts (a server link to InspIRCd keeps `/`).
 */
export function sanitizeNickPart(text: string, keep = ''): string {
  // The usual nick or tag (ASCII letters, digits, specials) is safe as it is: no per-character work.
  if (ALL_VALID.test(text)) return text;
  let out = '';
  for (const char of text.normalize('NFKD')) {
    if (VALID_CHAR.test(char) || (char !== '' && keep.includes(char))) out += char;
    else if (char === '/' || char === '@' || char === ':') out += '|';
    else if (char === '.' || char === ' ' || char === ',') out += '_';
    // anything else (combining marks, other scripts, control characters) is dropped
  }
  return out;
}

/** true when `nick` fits the RFC 2812 grammar (plus the characters in `keep`, not first) and `maxLength`. */
export function isValidNick(nick: string, maxLength: number, keep = ''): boolean {
  if (nick.length === 0 || nick.length > maxLength) return false;
  const first = nick[0] as string;
  if (!/[A-Za-z]/.test(first) && !SPECIAL.includes(first)) return false;
  return [...nick].every((c) => VALID_CHAR.test(c) || keep.includes(c));
}

/** The made-safe parts of a template around `{nick}`, for one network (see templateParts). */
interface TemplateParts {
  readonly prefix: string;
  readonly after: string;
}

/** Templates × networks seen (a few per process): each is rendered once, not for every nick. */
const partsCache = new Map<string, TemplateParts>();
const PARTS_CACHE_MAX = 256;

/** What comes before and after the nick in `template` filled in for `network`, made nick-safe. */
function templateParts(template: string, network: string, keep: string): TemplateParts {
  const key = `${template}\u0000${network}\u0000${keep}`;
  const cached = partsCache.get(key);
  if (cached) return cached;
  const marker = '\u0000';
  // The template with the nick left as a marker, so the nick alone can be shortened.
  const rendered = template.replace(PLACEHOLDER, (_m, name: string) => (name === 'nick' ? marker : sanitizeNickPart(network, keep)));
  const [before = '', ...rest] = rendered.split(marker);
  const parts = { prefix: sanitizeNickPart(before, keep), after: sanitizeNickPart(rest.join(''), keep) };
  if (partsCache.size >= PARTS_CACHE_MAX) partsCache.clear();
  partsCache.set(key, parts);
  return parts;
}

/**
 * The nick for a puppet on attempt `attempt` (0 = the plain template). Always valid for
 * `maxLength` (NICKLEN, at least 1); different attempts give different nicks.
 */
export function puppetNick(template: string, values: PuppetNickValues, maxLength: number, attempt = 0, keep = ''): string {
  const max = Math.max(1, maxLength);
  const { prefix, after } = templateParts(template, values.network, keep);
  const suffix = attempt > 0 ? `|${attempt}${after}` : after;
  let nick = sanitizeNickPart(values.nick, keep) || 'user';
  const room = max - prefix.length - suffix.length;
  nick = nick.slice(0, Math.max(1, room));
  let result = prefix + nick + suffix;
  if (!/^[A-Za-z[\]\\`_^{|}]/.test(result)) result = `_${result}`;
  if (result.length > max) {
    // The fixed parts alone are too long: keep the start, and the attempt number at the end.
    const tail = attempt > 0 ? `|${attempt}` : '';
    result = result.slice(0, Math.max(1, max - tail.length)) + tail;
    if (!isValidNick(result, max, keep)) result = `_${String(attempt)}`.slice(0, max);
  }
  const tail = `^${attempt}`;
  if (attempt > 0 && max > tail.length && result === puppetNick(template, values, maxLength, 0, keep)) {
    // The plain nick happened to end like this attempt's tail (`x|1`): mark the attempt otherwise.
    result = result.slice(0, max - tail.length) + tail;
  }
  return result;
}

/**
 * The identity put in front of every line when the bot speaks for a user in puppets mode
 * (`puppets.fallbackIdentity`, e.g. `<{nick}> `), with `{nick}` and `{network}` filled in: the
 * nick made safe for the template (core/identity-text.ts: no delimiters, controls or line
 * breaks), the configured network name cleaned of controls.
 */
export function fillIdentity(template: string, user: { readonly nick?: string; readonly displayName?: string; readonly id: string; readonly network: string }): string {
  return template.replace(PLACEHOLDER, (_m, key: string) =>
    (key === 'nick' ? safeName(user.nick ?? user.displayName ?? user.id, template) || 'unnamed' : cleanName(user.network)));
}
