/**
 * IRC formatting → XEP-0393 message styling (pure), for what the gateway shows of IRC messages
 * (rooms and one-to-one chats).
 *
 * The mIRC codes are read by the relay's parser (`parseIrcRuns`, networks/irc/format-parse.ts):
 * bold `\x02` → `*…*`, italics `\x1d` → `_…_`, strikethrough `\x1e` → `~…~`, monospace `\x11` →
 * `` `…` `` (a code span is literal in XEP-0393, so other styles inside it are dropped); colours
 * (`\x03`, `\x04`), underline and reverse have no XEP-0393 form and are dropped; every other
 * control character is removed (a tab stays).
 *
 * Markup is only emitted where a client parses it back as meant: each span is shrunk to its
 * non-blank core (a directive never sits next to whitespace inside its span), spans nest
 * properly (no span inside one of the same kind; where spans overlap so that they cannot nest, they
 * are written word by word), and the candidate is checked by parsing it
 * with the XEP-0393 parser (`parseStyling`): every character must come out with exactly the
 * styles IRC gave it. A span that fails that (an opener glued to a word, `a\x02b\x02`; a
 * closing character inside the span, `\x022*3\x02`) is dropped, its text kept plain. Nothing is
 * escaped (XEP-0393 has no escape): text without IRC codes comes out byte for byte.
 *
 * Bounded: at most MAX_SPANS spans per message and MAX_TRIES checks (beyond: plain), each linear.
 */
import { parseIrcRuns } from '../../networks/irc/format-parse.js';
import type { RunStyle } from '../../networks/irc/runs.js';
import { parseStyling } from '../../networks/xmpp/styling-parse.js';
import type { RichNode } from '../../core/richtext.js';

/** Styles XEP-0393 can show, as bits. */
const BOLD = 1;
const ITALIC = 2;
const STRIKE = 4;
const MONO = 8;
const STYLES = [BOLD, ITALIC, STRIKE, MONO] as const;
const MARKER: Readonly<Record<number, string>> = { [BOLD]: '*', [ITALIC]: '_', [STRIKE]: '~', [MONO]: '`' };

/** What parseIrcRuns reads or removes (a tab is text). */
// eslint-disable-next-line no-control-regex -- control characters are what is looked for
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

/** Most spans written in one message; the rest stays plain. */
export const MAX_SPANS = 64;
/** Most candidates checked when the spans cannot all be written at once (each check is linear). */
const MAX_TRIES = 2 * MAX_SPANS;

/** A stretch `[start, end)` of the text (UTF-16 indices) with one style. */
interface Span {
  readonly style: number;
  readonly start: number;
  readonly end: number;
}

const isSpace = (ch: string | undefined): boolean => ch !== undefined && /\s/u.test(ch);

function bitsOf(style: RunStyle): number {
  if (style.mono) return MONO;
  return (style.bold ? BOLD : 0) | (style.italic ? ITALIC : 0) | (style.strike ? STRIKE : 0);
}

/** An IRC text without its formatting (codes and colour numbers removed): for a topic, which clients do not style. */
export function ircPlainText(text: string): string {
  return parseIrcRuns(text).map((r) => r.text).join('');
}

/** An IRC message text (one PRIVMSG, NOTICE or ACTION body) as XEP-0393 styled text. */
export function ircToStyling(text: string): string {
  if (!CONTROL.test(text)) return text; // most messages: no codes, nothing to do
  const runs = parseIrcRuns(text);
  const plain = runs.map((r) => r.text).join('');
  if (!runs.some((r) => bitsOf(r.style) !== 0)) return plain;
  const masks = new Uint8Array(plain.length);
  let at = 0;
  for (const run of runs) {
    masks.fill(bitsOf(run.style), at, at + run.text.length);
    at += run.text.length;
  }
  const spans = spansOf(plain, masks).slice(0, MAX_SPANS);
  const all = render(plain, spans);
  if (matches(all, plain, spans)) return all;
  // Span by span, each kept when it still parses back as meant with those kept before it; a span
  // that does not is tried word by word (`*a _b_* _c_` where `*a _b*_ c_` cannot be written).
  const kept: Span[] = [];
  let tries = 0;
  const keep = (span: Span): boolean => {
    if (tries++ >= MAX_TRIES) return false;
    const tried = [...kept, span];
    if (!matches(render(plain, tried), plain, tried)) return false;
    kept.push(span);
    return true;
  };
  for (const span of spans) {
    if (!keep(span)) for (const word of wordsOf(plain, span)) keep(word);
  }
  return render(plain, kept);
}

const byStart = (a: Span, b: Span): number => a.start - b.start || b.end - a.end;

/** `span` cut at whitespace into one span per word. */
function wordsOf(plain: string, span: Span): Span[] {
  const out: Span[] = [];
  let start = -1;
  for (let i = span.start; i <= span.end; i++) {
    const blank = i === span.end || isSpace(plain[i]);
    if (!blank && start < 0) start = i;
    if (blank && start >= 0) {
      out.push({ style: span.style, start, end: i });
      start = -1;
    }
  }
  return out;
}

/** The maximal stretches of each style, shrunk to their non-blank cores (blank ones dropped), by start. */
function spansOf(plain: string, masks: Uint8Array): Span[] {
  const spans: Span[] = [];
  for (const style of STYLES) {
    let i = 0;
    while (i < plain.length) {
      if (((masks[i] as number) & style) === 0) {
        i++;
        continue;
      }
      let end = i;
      while (end < plain.length && ((masks[end] as number) & style) !== 0) end++;
      let start = i;
      let stop = end;
      while (start < stop && isSpace(plain[start])) start++;
      while (stop > start && isSpace(plain[stop - 1])) stop--;
      if (stop > start) spans.push({ style, start, end: stop });
      i = end;
    }
  }
  return spans.sort(byStart);
}

/** The styles of each position under `spans`. */
function maskOf(length: number, spans: readonly Span[]): Uint8Array {
  const mask = new Uint8Array(length);
  for (const span of spans) for (let i = span.start; i < span.end; i++) mask[i] = (mask[i] as number) | span.style;
  return mask;
}

/**
 * `plain` with the directives of `spans`, properly nested: at each change the spans that end are
 * closed (those opened after them closed first and reopened), then new ones opened, the one
 * lasting longest outermost.
 */
function render(plain: string, spans: readonly Span[]): string {
  const mask = maskOf(plain.length, spans);
  const endAt = (style: number, i: number): number => spans.find((s) => s.style === style && s.start <= i && i < s.end)?.end ?? i;
  const stack: number[] = [];
  let out = '';
  for (let i = 0; i <= plain.length; i++) {
    const now = i < plain.length ? (mask[i] as number) : 0;
    const open = stack.reduce((bits, style) => bits | style, 0);
    if (now !== open) {
      const depth = stack.findIndex((style) => (now & style) === 0);
      const reopen: number[] = [];
      if (depth >= 0) {
        while (stack.length > depth) {
          const style = stack.pop() as number;
          out += MARKER[style];
          if ((now & style) !== 0) reopen.push(style);
        }
      }
      const opened = stack.reduce((bits, style) => bits | style, 0);
      const starting = STYLES.filter((style) => (now & style) !== 0 && (opened & style) === 0)
        .sort((a, b) => endAt(b, i) - endAt(a, i));
      for (const style of starting) {
        out += MARKER[style];
        stack.push(style);
      }
    }
    if (i < plain.length) out += plain[i];
  }
  return out;
}

/** Whether `styled` parses (XEP-0393) into exactly `plain` with exactly the styles of `spans`. */
function matches(styled: string, plain: string, spans: readonly Span[]): boolean {
  const expected = maskOf(plain.length, spans);
  let at = 0;
  const walk = (nodes: readonly RichNode[], bits: number): boolean => {
    for (const node of nodes) {
      let text: string;
      let style = bits;
      switch (node.type) {
        case 'text': text = node.text; break;
        case 'code': text = node.text; style |= MONO; break;
        case 'bold': if (!walk(node.children, bits | BOLD)) return false; continue;
        case 'italic': if (!walk(node.children, bits | ITALIC)) return false; continue;
        case 'strike': if (!walk(node.children, bits | STRIKE)) return false; continue;
        default: return false;
      }
      if (plain.slice(at, at + text.length) !== text) return false;
      for (let i = at; i < at + text.length; i++) if (expected[i] !== style) return false;
      at += text.length;
    }
    return true;
  };
  return walk(parseStyling(styled), 0) && at === plain.length;
}
