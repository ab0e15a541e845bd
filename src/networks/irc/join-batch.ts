/**
 * Several channels per JOIN line (`JOIN #a,#b,#c key1`), so that joining a thousand channels
 * takes a few dozen lines instead of a thousand, each within the server's line length and its
 * JOIN target limit. Keys pair with channels by position, so keyed channels come first.
 */

/** One channel to join, with its key when it has one. */
export interface JoinTarget {
  readonly name: string;
  readonly key?: string | undefined;
}

/** One JOIN line and the channels it joins. */
export interface JoinLine {
  readonly line: string;
  readonly channels: readonly string[];
}

export interface JoinLimits {
  /** Most bytes of a line without its CR LF (the server's line length − 2). */
  readonly maxBytes: number;
  /** Most channels in one JOIN (TARGMAX JOIN when the server gives it). */
  readonly maxTargets: number;
}

/**
 * When the server advertises no TARGMAX for JOIN, at most this many channels go in one line:
 * servers without a stated limit take lists, and 20 keeps each reply burst small.
 */
export const DEFAULT_JOIN_TARGETS = 20;

/**
 * Groups `targets` into as few JOIN lines as the limits allow, in order (keyed ones first).
 * A channel too long to share a line gets a line of its own. Names and keys must not contain
 * `,` or whitespace (callers check with `safeJoinName`).
 */
export function joinLines(targets: readonly JoinTarget[], limits: JoinLimits): JoinLine[] {
  const ordered = [...targets.filter((t) => t.key !== undefined), ...targets.filter((t) => t.key === undefined)];
  const lines: JoinLine[] = [];
  let names: string[] = [];
  let keys: string[] = [];
  const render = (n: readonly string[], k: readonly string[]): string => `JOIN ${n.join(',')}${k.length > 0 ? ` ${k.join(',')}` : ''}`;
  const flush = (): void => {
    if (names.length > 0) lines.push({ line: render(names, keys), channels: names });
    names = [];
    keys = [];
  };
  for (const target of ordered) {
    const nextNames = [...names, target.name];
    const nextKeys = target.key === undefined ? keys : [...keys, target.key];
    const fits = nextNames.length <= limits.maxTargets && Buffer.byteLength(render(nextNames, nextKeys)) <= limits.maxBytes;
    if (!fits && names.length > 0) {
      flush();
      names = [target.name];
      keys = target.key === undefined ? [] : [target.key];
    } else {
      names = nextNames;
      keys = nextKeys;
    }
  }
  flush();
  return lines;
}

/** true when `value` can be an item of a comma-separated JOIN list. */
export function safeJoinName(value: string): boolean {
  return value !== '' && !/[\s\0,]/.test(value) && !value.startsWith(':');
}
