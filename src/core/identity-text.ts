/**
 * Names (nicks, display names, accounts) made safe to show inside an identity template such as
 * `<{nick}@{network}> `, so that no name can end the identity early or show a second one.
 *
 * A name is cleaned (control characters, line breaks and bidirectional controls removed),
 * shortened to `NAME_MAX_BYTES`, and every character that could pass for one of the template's
 * delimiters is replaced by `_`. The delimiters are the template's literal characters other
 * than letters and digits, plus `<` and `>` always. A character passes for a delimiter when it
 * is one, when its compatibility form (NFKC) contains one (`＜` → `<`), when it is a common
 * look-alike of `<` or `>` (`‹`, `〈`, `❮`, …), or when it is whitespace and the template holds
 * whitespace (a no-break space passes for a space). When `_` is itself a delimiter the
 * replacement is the first of `-`, `.`, `?` that is not; when none is free the character is
 * dropped. docs/bridges.md describes the result for operators.
 */

/** Longest a name may be in an identity, in UTF-8 bytes (longer ones are cut and end in `…`). */
export const NAME_MAX_BYTES = 64;

/** Controls removed from every name: C0, DEL, C1 (\p{Cc}), line/paragraph separators, bidi controls. */
const REMOVED = /[\p{Cc}\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** Characters that read as `<` or `>` without being them or decomposing to them. */
const ANGLE_LOOKALIKES = new Set([...'‹›«»˂˃ᐸᐳ❮❯❬❭❰❱⟨⟩⟪⟫〈〉〈〉《》⧼⧽≺≻⋖⋗']);

const REPLACEMENTS = ['_', '-', '.', '?'] as const;
const ALWAYS = ['<', '>'];
const WHITESPACE = /^\s$/u;

/** Removes control characters, line breaks and bidirectional controls from a name. */
export function cleanName(name: string): string {
  return name.replace(REMOVED, '');
}

/** The characters of `template` that delimit its placeholders (see the module comment). */
export function templateDelimiters(template: string): Set<string> {
  const literal = template.replace(/\{[A-Za-z]+\}/g, '');
  const delimiters = new Set(ALWAYS);
  for (const char of literal) if (!/[\p{L}\p{N}]/u.test(char)) delimiters.add(char);
  return delimiters;
}

/** Replaces what could pass for a delimiter of one template; made once per template. */
class Neutraliser {
  private readonly spaceIsDelimiter: boolean;
  private readonly replacement: string;

  constructor(private readonly delimiters: ReadonlySet<string>) {
    this.spaceIsDelimiter = [...delimiters].some((d) => WHITESPACE.test(d));
    this.replacement = REPLACEMENTS.find((r) => !delimiters.has(r)) ?? '';
  }

  passesForDelimiter(char: string): boolean {
    if (this.delimiters.has(char) || ANGLE_LOOKALIKES.has(char)) return true;
    if (this.spaceIsDelimiter && WHITESPACE.test(char)) return true;
    const compatible = char.normalize('NFKC');
    if (compatible === char) return false;
    for (const c of compatible) if (this.delimiters.has(c) || ANGLE_LOOKALIKES.has(c)) return true;
    return false;
  }

  apply(name: string): string {
    let out = '';
    for (const char of name) out += this.passesForDelimiter(char) ? this.replacement : char;
    return out;
  }
}

const neutralisers = new Map<string, Neutraliser>();

function neutraliserFor(template: string): Neutraliser {
  let neutraliser = neutralisers.get(template);
  if (!neutraliser) {
    neutraliser = new Neutraliser(templateDelimiters(template));
    // Templates come from the configuration: a handful. The bound only guards against misuse.
    if (neutralisers.size >= 256) neutralisers.clear();
    neutralisers.set(template, neutraliser);
  }
  return neutraliser;
}

let graphemes: Intl.Segmenter | undefined;

/** `name` cut at a grapheme boundary to at most `NAME_MAX_BYTES` bytes, ending in `…` when cut. */
function capName(name: string): string {
  if (Buffer.byteLength(name, 'utf8') <= NAME_MAX_BYTES) return name;
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const room = NAME_MAX_BYTES - Buffer.byteLength('…', 'utf8');
  let out = '';
  let bytes = 0;
  for (const { segment } of graphemes.segment(name)) {
    bytes += Buffer.byteLength(segment, 'utf8');
    if (bytes > room) break;
    out += segment;
  }
  return `${out}…`;
}

/**
 * `name` made safe to fill a placeholder of `template` (see the module comment): cleaned,
 * shortened, look-alikes of the delimiters replaced. May return an empty string.
 */
export function safeName(name: string, template: string): string {
  return neutraliserFor(template).apply(capName(cleanName(name)));
}
