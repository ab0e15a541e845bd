/**
 * IRC case mapping: how nicks and channel names compare (ISUPPORT CASEMAPPING).
 *
 * - `ascii`: A-Z fold to a-z.
 * - `rfc1459` (the default when the server says nothing): also `[]\~` fold to `{}|^`.
 * - `strict-rfc1459`: also `[]\` fold to `{}|`, but `~` and `^` stay apart.
 */
export type CaseMapping = 'ascii' | 'rfc1459' | 'strict-rfc1459';

/** The mapping for an advertised CASEMAPPING value; unknown or missing values mean rfc1459. */
export function parseCaseMapping(value: string | undefined): CaseMapping {
  const lower = value?.toLowerCase();
  return lower === 'ascii' || lower === 'strict-rfc1459' ? lower : 'rfc1459';
}

const EXTRA: Readonly<Record<CaseMapping, Readonly<Record<string, string>>>> = {
  ascii: {},
  rfc1459: { '[': '{', ']': '}', '\\': '|', '~': '^' },
  'strict-rfc1459': { '[': '{', ']': '}', '\\': '|' },
};

/** The characters each mapping folds (ASCII letters and its extras). */
const FOLDED: Readonly<Record<CaseMapping, RegExp>> = {
  ascii: /[A-Z]/g,
  rfc1459: /[A-Z[\]\\~]/g,
  'strict-rfc1459': /[A-Z[\]\\]/g,
};

/**
 * Folds a nick or channel name to its canonical (lower) case under a mapping. Called for every
 * name a line or a lookup carries: a name that is folded already (the common case) comes back
 * as it is, without a new string.
 */
export function casefold(text: string, mapping: CaseMapping): string {
  const folded = FOLDED[mapping];
  folded.lastIndex = 0;
  if (!folded.test(text)) return text;
  const extra = EXTRA[mapping];
  return text.replace(folded, (ch) => (ch >= 'A' && ch <= 'Z' ? String.fromCharCode(ch.charCodeAt(0) + 32) : extra[ch] ?? ch));
}
