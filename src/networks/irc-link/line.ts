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

/**
 * Parses one line (without CR LF). Returns undefined for a line without a command. A nick
 * prefix `nick!user@host` is cut to the nick.
 */
export function parseLinkLine(raw: string): LinkLine | undefined {
  let rest = raw;
  if (rest.startsWith('@')) {
    const space = rest.indexOf(' ');
    rest = space === -1 ? '' : rest.slice(space + 1);
  }
  rest = rest.replace(/^ +/, '');
  let source = '';
  if (rest.startsWith(':')) {
    const space = rest.indexOf(' ');
    if (space === -1) return undefined;
    source = rest.slice(1, space);
    const bang = source.indexOf('!');
    if (bang > 0) source = source.slice(0, bang);
    rest = rest.slice(space + 1).replace(/^ +/, '');
  }
  const params: string[] = [];
  let command = '';
  while (rest !== '') {
    if (command !== '' && (rest.startsWith(':') || params.length === MAX_PARAMS - 1)) {
      params.push(rest.startsWith(':') ? rest.slice(1) : rest);
      break;
    }
    const space = rest.indexOf(' ');
    const word = space === -1 ? rest : rest.slice(0, space);
    rest = space === -1 ? '' : rest.slice(space + 1).replace(/^ +/, '');
    if (command === '') command = word.toUpperCase();
    else params.push(word);
  }
  if (!/^[A-Z]+$|^[0-9]{3}$/.test(command)) return undefined;
  return { source, command, params };
}

/** true when `value` can be a middle parameter (not empty, no space, no leading colon, no CR/LF/NUL). */
export function isMiddleParam(value: string): boolean {
  return value !== '' && !value.startsWith(':') && !/[\s\0]/.test(value);
}

/**
 * Builds `:source COMMAND middle... :trailing`. Throws when a middle parameter is not one, or
 * when anything holds CR, LF or NUL: a line we build never smuggles a second command.
 */
export function buildLine(source: string, command: string, middle: readonly string[], trailing?: string): string {
  for (const part of [source, command, ...middle]) {
    if (!isMiddleParam(part)) throw new Error(`not a valid IRC parameter: ${JSON.stringify(part)}`);
  }
  if (trailing !== undefined && /[\r\n\0]/.test(trailing)) throw new Error('a trailing parameter may not hold CR, LF or NUL');
  return `:${source} ${command}${middle.map((m) => ` ${m}`).join('')}${trailing === undefined ? '' : ` :${trailing}`}`;
}
