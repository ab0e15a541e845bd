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

/** Folds a nick or channel name to its canonical (lower) case under a mapping. */
export function casefold(text: string, mapping: CaseMapping): string {
  const extra = EXTRA[mapping];
  let out = '';
  for (const ch of text) {
    if (ch >= 'A' && ch <= 'Z') out += String.fromCharCode(ch.charCodeAt(0) + 32);
    else out += extra[ch] ?? ch;
  }
  return out;
}
