/**
 * The JID localpart of a remote person: their user id and their network's name, joined by an
 * escaped `@` — `alice@irc` becomes `alice\40irc`, so `alice\40irc@irc.example.org`, which
 * XEP-0106-aware clients show as `alice@irc@irc.example.org`.
 *
 * The mapping is stable (a pure function), reversible ({@link puppetOf}) and injective for any
 * input, also after the server's case folding of localparts:
 * - the ten characters XEP-0106 escapes (space `"` `&` `'` `/` `:` `<` `>` `@` `\`) become `\XX`
 *   (every `\` is escaped, so every `\` in a localpart starts an escape);
 * - ASCII capitals become `^` and the small letter (`Alice` → `^alice`), `^` becomes `^^`;
 * - every other character outside `a-z 0-9 - . _ ! # $ % ( ) * + , ; = ? [ ] { } | ~ `` `, any
 *   non-ASCII one included (which the server could fold or refuse), becomes `^#<hex code point>;`;
 * - a leading space is written `^#20;` (XEP-0106 forbids `\20` first).
 * The network's name cannot hold `@` (config names are `[a-z][a-z0-9_-]*`, any case), so the
 * last `\40` separates the two parts.
 */

/** The longest localpart a JID may have (RFC 7622), in UTF-8 bytes. */
export const MAX_LOCALPART_BYTES = 1023;

/** XEP-0106: the characters escaped as `\XX`. */
const XEP0106 = new Map<string, string>([...' "&\'/:<>@\\'].map((c) => [c, `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`]));
const XEP0106_BACK = new Map<string, string>([...XEP0106].map(([c, e]) => [e.slice(1), c]));
/** Kept as they are. */
const PLAIN = /^[a-z0-9\-._!#$%()*+,;=?[\]{}|~`]$/;
const SEPARATOR = '\\40';

function escapeChar(c: string, first: boolean): string {
  if (PLAIN.test(c)) return c;
  if (c === ' ' && first) return '^#20;';
  const xep = XEP0106.get(c);
  if (xep !== undefined) return xep;
  if (c >= 'A' && c <= 'Z') return `^${c.toLowerCase()}`;
  if (c === '^') return '^^';
  return `^#${(c.codePointAt(0) ?? 0).toString(16)};`;
}

/** Escapes one part (a user id or a network name) as described above. */
export function escapePart(text: string): string {
  let out = '';
  let first = true;
  for (const c of text) {
    out += escapeChar(c, first);
    first = false;
  }
  return out;
}

/** Undoes {@link escapePart}; undefined when `text` is not something it produces. */
export function unescapePart(text: string): string | undefined {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\\') {
      const back = XEP0106_BACK.get(text.slice(i + 1, i + 3));
      if (back === undefined || (back === ' ' && i === 0)) return undefined;
      out += back;
      i += 3;
    } else if (c === '^') {
      const next = text[i + 1] ?? '';
      if (next === '^') {
        out += '^';
        i += 2;
      } else if (next >= 'a' && next <= 'z') {
        out += next.toUpperCase();
        i += 2;
      } else if (next === '#') {
        const end = text.indexOf(';', i + 2);
        const hex = end === -1 ? '' : text.slice(i + 2, end);
        if (!/^[0-9a-f]{1,6}$/.test(hex)) return undefined;
        const code = Number.parseInt(hex, 16);
        if (code > 0x10ffff) return undefined;
        const char = String.fromCodePoint(code);
        if (escapeChar(char, out === '') !== `^#${hex};`) return undefined; // not the canonical form
        out += char;
        i = end + 1;
      } else {
        return undefined;
      }
    } else if (PLAIN.test(c)) {
      out += c;
      i += 1;
    } else {
      return undefined;
    }
  }
  return out;
}

/** A remote person as their network names them. */
export interface PuppetId {
  readonly network: string;
  readonly userId: string;
}

/** The localpart for a person; undefined when it would be longer than a JID allows. */
export function puppetLocalpart(puppet: PuppetId): string | undefined {
  const local = `${escapePart(puppet.userId)}${SEPARATOR}${escapePart(puppet.network)}`;
  return Buffer.byteLength(local, 'utf8') <= MAX_LOCALPART_BYTES ? local : undefined;
}

/** The person a localpart stands for; undefined when it is none of ours. */
export function puppetOf(localpart: string): PuppetId | undefined {
  const at = localpart.lastIndexOf(SEPARATOR);
  if (at < 0) return undefined;
  const userId = unescapePart(localpart.slice(0, at));
  const network = unescapePart(localpart.slice(at + SEPARATOR.length));
  if (userId === undefined || network === undefined || network === '' || network.includes('@')) return undefined;
  return { network, userId };
}
