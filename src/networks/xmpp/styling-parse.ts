/**
 * XEP-0393 Message Styling → RichText.
 *
 * Block level: a line starting with three backticks opens a preformatted block that ends at a
 * line holding only three backticks (an unclosed or empty fence stays plain text, so nothing is
 * lost and the parse renders back to the same string).
 * Span level, per line: `*strong*` → bold, `_emphasis_` → italic, `~strike~` → strike,
 * `` `pre` `` → inline code. An opening directive starts a line, follows whitespace or follows
 * another opening directive, and is not followed by whitespace; the closing directive is the
 * first matching character after at least one character of content that is not preceded by
 * whitespace. Everything else (including quotes, `> `) is kept as text.
 *
 * The parse keeps every character: rendering the result with `renderStyling` gives back the
 * original string exactly. Closing fences and directives are looked up in what one pass over
 * the body found (O(n log n) at worst), so unclosed directives cannot make it quadratic.
 */
import type { RichNode, RichText, StyleKind } from '../../core/richtext.js';

const FENCE = '```';

const SPAN_STYLES: Readonly<Record<string, StyleKind | 'code'>> = {
  '*': 'bold',
  _: 'italic',
  '~': 'strike',
  '`': 'code',
};

const isSpace = (ch: string | undefined): boolean => ch !== undefined && /\s/.test(ch);

/** Parses an XEP-0393 styled message body. */
export function parseStyling(body: string): RichText {
  const lines = body.split('\n');
  const fenceAtOrAfter = nextIndexTable(lines.length, (j) => lines[j] === FENCE);
  const out = new NodeList();
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    // A block needs at least one line of content: "```\n```" stays text.
    const closing = line.startsWith(FENCE) ? (fenceAtOrAfter[i + 2] ?? -1) : -1;
    if (closing >= 0) {
      const language = line.slice(FENCE.length);
      const text = lines.slice(i + 1, closing).join('\n');
      out.push(language === '' ? { type: 'pre', text } : { type: 'pre', text, language });
      if (closing + 1 < lines.length) out.pushText('\n');
      i = closing + 1;
      continue;
    }
    for (const node of parseSpans(line)) out.push(node);
    if (i + 1 < lines.length) out.pushText('\n');
    i += 1;
  }
  return out.nodes;
}

/** For each index j, the first index >= j where `matches` holds, or -1 (length + 1 entries). */
function nextIndexTable(length: number, matches: (j: number) => boolean): Int32Array {
  const next = new Int32Array(length + 1).fill(-1);
  for (let j = length - 1; j >= 0; j--) next[j] = matches(j) ? j : (next[j + 1] as number);
  return next;
}

/** Parses the spans of one line (no newlines inside). */
export function parseSpans(line: string): RichNode[] {
  const closers = new ClosingDirectives(line);
  const out = new NodeList();
  let plainStart = 0;
  let i = 0;
  let afterOpening = true; // the start of the text counts like a position after an opener
  while (i < line.length) {
    const ch = line[i] as string;
    const style = SPAN_STYLES[ch];
    const canOpen = style !== undefined && (afterOpening || isSpace(line[i - 1])) && line[i + 1] !== undefined && !isSpace(line[i + 1]);
    const close = canOpen ? closers.after(i, ch) : -1;
    if (style === undefined || close < 0) {
      afterOpening = false;
      i += 1;
      continue;
    }
    if (i > plainStart) out.pushText(line.slice(plainStart, i));
    const inner = line.slice(i + 1, close);
    out.push(style === 'code' ? { type: 'code', text: inner } : { type: style, children: parseSpans(inner) });
    i = close + 1;
    plainStart = i;
    afterOpening = false;
  }
  if (plainStart < line.length) out.pushText(line.slice(plainStart));
  return out.nodes;
}

/** Where each directive could close a span in one line: found in one pass, on first use. */
class ClosingDirectives {
  private positions: Map<string, number[]> | undefined;

  constructor(private readonly line: string) {}

  /**
   * Index of the directive closing the span opened at `open`: the first `directive` after at
   * least one character of content that does not follow whitespace; -1 when there is none.
   */
  after(open: number, directive: string): number {
    this.positions ??= this.findAll();
    const candidates = this.positions.get(directive) ?? [];
    // Binary search for the first candidate at or after open + 2.
    let low = 0;
    let high = candidates.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((candidates[mid] as number) < open + 2) low = mid + 1;
      else high = mid;
    }
    return candidates[low] ?? -1;
  }

  private findAll(): Map<string, number[]> {
    const found = new Map<string, number[]>();
    const line = this.line;
    for (let j = 1; j < line.length; j++) {
      const ch = line[j] as string;
      if (SPAN_STYLES[ch] === undefined || isSpace(line[j - 1])) continue;
      const list = found.get(ch);
      if (list === undefined) found.set(ch, [j]);
      else list.push(j);
    }
    return found;
  }
}

/** Collects nodes, merging adjacent text. */
class NodeList {
  readonly nodes: RichNode[] = [];

  push(node: RichNode): void {
    if (node.type === 'text') this.pushText(node.text);
    else this.nodes.push(node);
  }

  pushText(text: string): void {
    if (text === '') return;
    const last = this.nodes[this.nodes.length - 1];
    if (last?.type === 'text') this.nodes[this.nodes.length - 1] = { type: 'text', text: last.text + text };
    else this.nodes.push({ type: 'text', text });
  }
}
