/**
 * Styled runs: the flat form both IRC formatting directions go through.
 *
 * IRC formatting is a sequence of toggles, not a tree, so a message is handled as a list of
 * runs (text + the full style in effect). `richTextToRuns` flattens a RichText tree into runs,
 * `runsToRichText` builds the canonical tree back. Colours in runs are always palette colours
 * (see colours.ts), because that is all IRC can carry.
 */
import type { RichNode, RichText } from '../../core/richtext.js';
import { MIRC_PALETTE, snapToPalette } from './colours.js';

/** The formatting in effect for one run. `fg`/`bg` are palette hex colours. */
export interface RunStyle {
  readonly bold: boolean;
  readonly italic: boolean;
  readonly underline: boolean;
  readonly strike: boolean;
  /** Monospace (RichText `code` / `pre`). */
  readonly mono: boolean;
  readonly fg?: string;
  readonly bg?: string;
}

/** A stretch of text with one style. `text` may contain `\n` (line breaks) but no other C0 control. */
export interface StyledRun {
  readonly text: string;
  readonly style: RunStyle;
}

export const PLAIN_STYLE: RunStyle = { bold: false, italic: false, underline: false, strike: false, mono: false };

/** The colour pair IRC clients conventionally use to hide spoilers: black on black. */
const SPOILER_COLOUR = MIRC_PALETTE[1];

/** true when two styles render identically. */
export function sameStyle(a: RunStyle, b: RunStyle): boolean {
  return a.bold === b.bold && a.italic === b.italic && a.underline === b.underline && a.strike === b.strike
    && a.mono === b.mono && a.fg === b.fg && a.bg === b.bg;
}

/**
 * Makes text safe to carry in a run: CRLF and lone CR become `\n`; every other C0 control
 * character (NUL, the CTCP delimiter \x01, IRC formatting codes, ...) and DEL are removed.
 * Tabs are kept.
 */
export function sanitizeRunText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r\n?/g, '\n').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
}

/** Appends a run, merging it into the previous one when the style is the same; drops empty text. */
export function pushRun(runs: StyledRun[], run: StyledRun): void {
  if (run.text === '') return;
  const last = runs[runs.length - 1];
  if (last && sameStyle(last.style, run.style)) runs[runs.length - 1] = { text: last.text + run.text, style: last.style };
  else runs.push(run);
}

/** Merges adjacent runs of the same style and drops empty ones. */
export function mergeRuns(runs: readonly StyledRun[]): StyledRun[] {
  const out: StyledRun[] = [];
  for (const run of runs) pushRun(out, run);
  return out;
}

/** How a link is shown on IRC: its text, followed by the URL when the text is not the URL itself. */
function linkChildren(url: string, children: readonly RichNode[]): RichNode[] {
  const shown = plainTextOf(children);
  if (shown.trim() === '' || shown === url) return [{ type: 'text', text: url }];
  return [...children, { type: 'text', text: ` (${url})` }];
}

/** The text a reader sees in nodes, without formatting. */
function plainTextOf(nodes: readonly RichNode[]): string {
  return nodes.map((node) => {
    switch (node.type) {
      case 'text': case 'code': case 'pre': case 'mention': return node.text;
      default: return plainTextOf(node.children);
    }
  }).join('');
}

/**
 * How code is shown on IRC. `monospace`: the ^Q (\x11) monospace toggle, which several common
 * clients (irssi among them) do not know and show as a stray character. `backticks`: inline
 * code between backticks and code blocks between ``` fence lines, as people type it, readable
 * in every client.
 */
export type CodeStyle = 'backticks' | 'monospace';

/** Options of the conversion from RichText to runs. */
export interface RunOptions {
  /** How code and code blocks are shown (default `monospace`; the IRC network's `codeStyle` option chooses). */
  readonly codeStyle?: CodeStyle;
}

/** Code as text between backticks: inline code line by line, a block between fence lines. */
function backticked(node: { readonly type: 'code' | 'pre'; readonly text: string; readonly language?: string }): string {
  const text = sanitizeRunText(node.text);
  if (node.type === 'pre') return `\n\`\`\`${node.language ?? ''}\n${text}\n\`\`\`\n`;
  return text.split('\n').map((line) => (line === '' ? line : `\`${line}\``)).join('\n');
}

function flatten(nodes: readonly RichNode[], style: RunStyle, out: StyledRun[], options: RunOptions): void {
  for (const node of nodes) {
    switch (node.type) {
      case 'text':
      case 'mention':
        pushRun(out, { text: sanitizeRunText(node.text), style });
        break;
      case 'code':
      case 'pre':
        if (options.codeStyle === 'backticks') pushRun(out, { text: backticked(node), style });
        else pushRun(out, { text: sanitizeRunText(node.text), style: { ...style, mono: true } });
        break;
      case 'bold': case 'italic': case 'underline': case 'strike':
        flatten(node.children, { ...style, [node.type]: true }, out, options);
        break;
      case 'spoiler':
        flatten(node.children, { ...style, fg: SPOILER_COLOUR, bg: SPOILER_COLOUR }, out, options);
        break;
      case 'colour': {
        const fg = node.fg === undefined ? style.fg : snapToPalette(node.fg) ?? style.fg;
        const bg = node.bg === undefined ? style.bg : snapToPalette(node.bg) ?? style.bg;
        flatten(node.children, withColours(style, fg, bg), out, options);
        break;
      }
      case 'link':
        flatten(linkChildren(node.url, node.children), style, out, options);
        break;
    }
  }
}

/** A style with the given colours (absent colours are left out, not set to undefined). */
export function withColours(style: RunStyle, fg: string | undefined, bg: string | undefined): RunStyle {
  const { fg: _fg, bg: _bg, ...rest } = style;
  return { ...rest, ...(fg === undefined ? {} : { fg }), ...(bg === undefined ? {} : { bg }) };
}

/**
 * Flattens RichText into runs. What IRC cannot show is lowered: links become their text plus
 * ` (url)`, mentions their text, spoilers black-on-black, code and pre monospace or backticks
 * (`options.codeStyle`), colours the nearest palette colour; unsafe control characters are
 * removed (see sanitizeRunText).
 */
export function richTextToRuns(text: RichText, options: RunOptions = {}): StyledRun[] {
  const out: StyledRun[] = [];
  flatten(text, PLAIN_STYLE, out, options);
  return out;
}

type Level = 'colour' | 'bold' | 'italic' | 'underline' | 'strike';
const LEVELS: readonly Level[] = ['colour', 'bold', 'italic', 'underline', 'strike'];

function levelKey(style: RunStyle, level: Level): string {
  if (level === 'colour') return style.fg === undefined && style.bg === undefined ? '' : `${style.fg ?? ''}/${style.bg ?? ''}`;
  return style[level] ? '1' : '';
}

function group(runs: readonly StyledRun[], depth: number): RichNode[] {
  const level = LEVELS[depth];
  if (level === undefined) {
    return runs.map((run): RichNode => (run.style.mono ? { type: 'code', text: run.text } : { type: 'text', text: run.text }));
  }
  const out: RichNode[] = [];
  let start = 0;
  while (start < runs.length) {
    const first = runs[start] as StyledRun;
    const key = levelKey(first.style, level);
    let end = start + 1;
    while (end < runs.length && levelKey((runs[end] as StyledRun).style, level) === key) end++;
    const children = group(runs.slice(start, end), depth + 1);
    if (key === '') out.push(...children);
    else if (level === 'colour') {
      out.push({
        type: 'colour',
        ...(first.style.fg === undefined ? {} : { fg: first.style.fg }),
        ...(first.style.bg === undefined ? {} : { bg: first.style.bg }),
        children,
      });
    } else out.push({ type: level, children });
    start = end;
  }
  return out;
}

/**
 * Builds the canonical RichText for runs: adjacent runs of one style merged, then nested as
 * colour > bold > italic > underline > strike > (code | text), each level grouping the longest
 * stretch of consecutive runs that share it. This is the normal form parsing produces.
 */
export function runsToRichText(runs: readonly StyledRun[]): RichText {
  const merged = mergeRuns(runs);
  // One plain run (most messages): what the grouping below gives for it, without its arrays.
  const only = merged.length === 1 ? merged[0] : undefined;
  if (only !== undefined && sameStyle(only.style, PLAIN_STYLE)) return [{ type: 'text', text: only.text }];
  return group(merged, 0);
}

/**
 * The IRC normal form of RichText: what survives rendering to IRC and parsing back. Links,
 * mentions, spoilers, code and pre are lowered as in `richTextToRuns`, colours snapped to the
 * palette, control characters removed, line breaks turned into spaces (one IRC line), and the
 * tree rebuilt canonically by `runsToRichText`.
 */
export function ircNormalForm(text: RichText): RichText {
  return runsToRichText(richTextToRuns(text).map((run) => ({ ...run, text: run.text.replace(/\n/g, ' ') })));
}
