/**
 * One server-to-server protocol line: parsed from what the ircd sends, and built safely for
 * what we send. Bounded: at most 15 parameters (RFC 1459), tags are skipped.
 */

/** A parsed line. `source` is the prefix without `:` (a server name, a nick, or `nick!user@host`). */
export interface LinkLine {
  readonly source: string;
  /** Upper-case command or three-digit numeric. */
  readonly command: string;
  readonly params: readonly string[];
}

const MAX_PARAMS = 15;

const SPACE = 0x20;
const COLON = 0x3a;
const COMMAND = /^[A-Z]+$|^[0-9]{3}$/;

/** The index of the first character at or after `from` that is not a space. */
function skipSpaces(raw: string, from: number): number {
  let i = from;
  while (raw.charCodeAt(i) === SPACE) i += 1;
  return i;
}

/**
 * Parses one line (without CR LF). Returns undefined for a line without a command. A nick
 * prefix `nick!user@host` is cut to the nick. One pass over the line by index: no copy of the
 * rest of the line per word, no regular expression per word (it runs for every line a link
 * receives).
 */
export function parseLinkLine(raw: string): LinkLine | undefined {
  const end = raw.length;
  let i = 0;
  if (raw.charCodeAt(0) === 0x40 /* @ */) {
    const space = raw.indexOf(' ');
    if (space === -1) return undefined;
    i = space + 1;
  }
  i = skipSpaces(raw, i);
  let source = '';
  if (raw.charCodeAt(i) === COLON) {
    const space = raw.indexOf(' ', i);
    if (space === -1) return undefined;
    const bang = raw.indexOf('!', i + 1);
    source = raw.slice(i + 1, bang > i + 1 && bang < space ? bang : space);
    i = skipSpaces(raw, space + 1);
  }
  if (i >= end) return undefined;
  let space = raw.indexOf(' ', i);
  const command = raw.slice(i, space === -1 ? end : space).toUpperCase();
  if (!COMMAND.test(command)) return undefined;
  const params: string[] = [];
  i = space === -1 ? end : skipSpaces(raw, space + 1);
  while (i < end) {
    if (raw.charCodeAt(i) === COLON) {
      params.push(raw.slice(i + 1));
      break;
    }
    space = params.length === MAX_PARAMS - 1 ? -1 : raw.indexOf(' ', i);
    if (space === -1) {
      params.push(raw.slice(i));
      break;
    }
    params.push(raw.slice(i, space));
    i = skipSpaces(raw, space + 1);
  }
  return { source, command, params };
}

/** true when `value` can be a middle parameter (not empty, no space, no leading colon, no CR/LF/NUL). */
export function isMiddleParam(value: string): boolean {
  return value !== '' && value.charCodeAt(0) !== COLON && !/[\s\0]/.test(value);
}

/** Throws unless `part` can be a middle parameter. */
function checkMiddle(part: string): void {
  if (!isMiddleParam(part)) throw new Error(`not a valid IRC parameter: ${JSON.stringify(part)}`);
}

/**
 * Builds `:source COMMAND middle... :trailing`. Throws when a middle parameter is not one, or
 * when anything holds CR, LF or NUL: a line we build never smuggles a second command.
 */
export function buildLine(source: string, command: string, middle: readonly string[], trailing?: string): string {
  checkMiddle(source);
  checkMiddle(command);
  for (const part of middle) checkMiddle(part);
  if (trailing !== undefined && /[\r\n\0]/.test(trailing)) throw new Error('a trailing parameter may not hold CR, LF or NUL');
  // One string built at once (a line per introduced client in a burst: no string per part).
  const start = middle.length === 0 ? `:${source} ${command}` : `:${source} ${command} ${middle.join(' ')}`;
  return trailing === undefined ? start : `${start} :${trailing}`;
}
