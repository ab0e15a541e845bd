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
 * original string exactly.
 */
import type { RichNode, RichText, StyleKind } from '../../core/richtext.js';

const FENCE = '```';

const SPAN_STYLES: Readonly<Record<string, StyleKind | 'code'>> = {
  '*': 'bold',
  _: 'italic',
  '~': 'strike',
  '`': 'code',
};

/** Any of the directives (a global pattern: callers set `lastIndex` before each search). */
const DIRECTIVE = /[*_~`]/g;

/** Whitespace as `\s` has it; ASCII without a regular expression (the common case, on every opener). */
const isSpace = (ch: string | undefined): boolean => {
  if (ch === undefined) return false;
  const code = ch.charCodeAt(0);
  return code < 128 ? code === 32 || (code >= 9 && code <= 13) : /\s/.test(ch);
};

/** Any directive character, fences included (they start with a backtick). */
const ANY_DIRECTIVE = /[*_~`]/;

/**
 * Parses an XEP-0393 styled message body. A body without any directive character (most
 * messages) is one text node, as the full parse gives, without its per-line work.
 */
export function parseStyling(body: string): RichText {
  if (!ANY_DIRECTIVE.test(body)) return body === '' ? [] : [{ type: 'text', text: body }];
  return parseStylingFull(body);
}

/** The full parse of `parseStyling`: fenced blocks, then spans line by line. */
export function parseStylingFull(body: string): RichText {
  const lines = body.split('\n');
  const out = new NodeList();
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    const closing = line.startsWith(FENCE) ? findFenceEnd(lines, i + 1) : -1;
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

function findFenceEnd(lines: readonly string[], from: number): number {
  // A block needs at least one line of content: "```\n```" stays text.
  for (let j = from + 1; j < lines.length; j++) if (lines[j] === FENCE) return j;
  return -1;
}

/** Parses the spans of one line (no newlines inside). */
function parseSpans(line: string): RichNode[] {
  const out = new NodeList();
  const closers = new Closers(line);
  let plainStart = 0;
  let i = 0;
  let afterOpening = true; // the start of the text counts like a position after an opener
  while (i < line.length) {
    // Jump to the next directive: the characters before it are plain text.
    DIRECTIVE.lastIndex = i;
    const next = DIRECTIVE.exec(line);
    if (next === null) break;
    if (next.index > i) {
      afterOpening = false;
      i = next.index;
    }
    const ch = line[i] as string;
    const style = SPAN_STYLES[ch];
    const canOpen = style !== undefined && (afterOpening || isSpace(line[i - 1])) && line[i + 1] !== undefined && !isSpace(line[i + 1]);
    const close = canOpen ? closers.find(i, ch) : -1;
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

/**
 * Where spans of one line can close: for each directive, a table of the next position from
 * every index where it may close a span, made on first use. Looking a closing up is then
 * constant time, so a line full of openers without closers parses in linear time (scanning
 * ahead from every opener was quadratic: a 24 KB line of `_a ` took over a second).
 */
class Closers {
  private readonly tables = new Map<string, Int32Array>();
  /** 1 where the character is whitespace; made with the first table. */
  private spaces: Uint8Array | undefined;

  constructor(private readonly line: string) {}

  /** Index of the directive closing the span opened at `open`, or -1. */
  find(open: number, directive: string): number {
    let table = this.tables.get(directive);
    if (table === undefined) {
      table = this.closingTable(directive);
      this.tables.set(directive, table);
    }
    return open + 2 < this.line.length ? (table[open + 2] as number) : -1;
  }

  /** For every index, the first position at or after it of `directive` not preceded by whitespace (-1: none). */
  private closingTable(directive: string): Int32Array {
    const { line } = this;
    const spaces = (this.spaces ??= spacesOf(line));
    const table = new Int32Array(line.length + 1);
    table[line.length] = -1;
    for (let j = line.length - 1; j >= 0; j--) {
      table[j] = line[j] === directive && spaces[j - 1] !== 1 ? j : (table[j + 1] as number);
    }
    return table;
  }
}

/** 1 for each UTF-16 unit of `line` that is whitespace. */
function spacesOf(line: string): Uint8Array {
  const spaces = new Uint8Array(line.length);
  for (let j = 0; j < line.length; j++) spaces[j] = isSpace(line[j]) ? 1 : 0;
  return spaces;
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
