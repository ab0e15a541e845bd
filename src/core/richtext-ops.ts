/**
 * Functions over RichText (src/core/richtext.ts): constructors, the plain-text rendering,
 * the canonical form, JSON conversion with validation, and small helpers.
 *
 * All functions are pure: they never modify their input and return fresh trees.
 */
import { isDeepStrictEqual } from 'node:util';
import type { UserRef } from './refs.js';
import type {
  CodeNode, ColourNode, LinkNode, MentionNode, PreNode, RichNode, RichText, StyleKind, StyleNode, TextNode,
} from './richtext.js';
import { describeIssues, findTooDeep, formatPath, MAX_RICHTEXT_DEPTH, richTextSchema } from './richtext-schema.js';

/** A child given to a constructor: a node, or a string that becomes a text node. */
export type Child = RichNode | string;

function toNodes(children: readonly Child[]): RichNode[] {
  return children.map((c) => (typeof c === 'string' ? text(c) : c));
}

// --- constructors -----------------------------------------------------------------------

/** A text node. */
export function text(s: string): TextNode {
  return { type: 'text', text: s };
}

function style(kind: StyleKind, children: readonly Child[]): StyleNode {
  return { type: kind, children: toNodes(children) };
}

/** Bold children. */
export function bold(...children: Child[]): StyleNode { return style('bold', children); }
/** Italic children. */
export function italic(...children: Child[]): StyleNode { return style('italic', children); }
/** Underlined children. */
export function underline(...children: Child[]): StyleNode { return style('underline', children); }
/** Struck-through children. */
export function strike(...children: Child[]): StyleNode { return style('strike', children); }
/** Children hidden until the reader reveals them, where the network supports it. */
export function spoiler(...children: Child[]): StyleNode { return style('spoiler', children); }

/** Inline code. */
export function code(s: string): CodeNode {
  return { type: 'code', text: s };
}

/** A code block, optionally tagged with its language. */
export function pre(s: string, language?: string): PreNode {
  return language === undefined ? { type: 'pre', text: s } : { type: 'pre', text: s, language };
}

/** A link; without children its label is the URL itself. */
export function link(url: string, ...children: Child[]): LinkNode {
  return { type: 'link', url, children: children.length > 0 ? toNodes(children) : [text(url)] };
}

/** A mention of `user`, shown as `shown`. */
export function mention(user: UserRef, shown: string): MentionNode {
  return { type: 'mention', user, text: shown };
}

/** Coloured children; `fg` and `bg` are `#rrggbb`, either may be left out. */
export function colour(colours: { fg?: string; bg?: string }, ...children: Child[]): ColourNode {
  return {
    type: 'colour',
    ...(colours.fg !== undefined ? { fg: colours.fg } : {}),
    ...(colours.bg !== undefined ? { bg: colours.bg } : {}),
    children: toNodes(children),
  };
}

/** A body from a plain string (no formatting); the empty string gives an empty body. */
export function fromPlain(s: string): RichText {
  return s === '' ? [] : [text(s)];
}

// --- plain text -------------------------------------------------------------------------

/**
 * The plain-text rendering, for networks and logs without formatting:
 * - styles and colours are dropped, their text kept; spoilers are shown as their text (a
 *   plain rendering cannot hide anything; adapters that can hide spoilers do so themselves);
 * - inline code is its text, without backticks;
 * - a code block stands on its own lines: a line break is added before it and after it where
 *   there is not one already, none at the very start or end; its language is not shown;
 * - a link is `label (url)` when its label differs from the URL, else just the URL;
 * - a mention is its shown text.
 */
export function plainText(rt: RichText): string {
  const out = new PlainWriter();
  writeNodes(out, rt);
  return out.result();
}

/** Collects plain text, keeping code blocks on their own lines. */
class PlainWriter {
  private text = '';
  private newlineDue = false;

  write(s: string): void {
    if (s === '') return;
    if (this.newlineDue && !this.text.endsWith('\n') && !s.startsWith('\n')) this.text += '\n';
    this.newlineDue = false;
    this.text += s;
  }

  writeBlock(s: string): void {
    if (s === '') return;
    if (this.text !== '' && !this.text.endsWith('\n') && !s.startsWith('\n')) this.text += '\n';
    this.newlineDue = false;
    this.text += s;
    this.newlineDue = true;
  }

  result(): string {
    return this.text;
  }
}

function writeNodes(out: PlainWriter, nodes: readonly RichNode[]): void {
  for (const node of nodes) {
    switch (node.type) {
      case 'text':
      case 'code':
      case 'mention':
        out.write(node.text);
        break;
      case 'pre':
        out.writeBlock(node.text);
        break;
      case 'link': {
        const label = plainText(node.children);
        out.write(label === '' || label === node.url ? node.url : `${label} (${node.url})`);
        break;
      }
      default:
        writeNodes(out, node.children);
    }
  }
}

/** Bytes of the plain rendering in UTF-8 (an estimate for splitting long messages). */
export function byteLength(rt: RichText): number {
  return Buffer.byteLength(plainText(rt), 'utf8');
}

/** True when the body shows nothing: its plain rendering is the empty string. */
export function isEmpty(rt: RichText): boolean {
  return plainText(rt) === '';
}

// --- canonical form ---------------------------------------------------------------------

/** The styles and colours in effect where a node sits. */
interface StyleContext {
  readonly styles: ReadonlySet<StyleKind>;
  readonly fg?: string;
  readonly bg?: string;
}

const ROOT_CONTEXT: StyleContext = { styles: new Set() };

/**
 * The canonical form of a body. It has the same plain rendering and the same look, and:
 * - adjacent text nodes are merged, and so are adjacent style nodes of the same kind and
 *   adjacent colour nodes with the same colours;
 * - empty text, code and code-block nodes are dropped, and style and colour nodes with no
 *   children left;
 * - a style inside the same style (bold in bold, at any depth) is unwrapped, and so is a
 *   colour that sets no colour other than those already in effect;
 * - colours are lower case; an empty code-block language is dropped;
 * - a link without a label gets its URL as label;
 * - optional fields that are `undefined` are removed.
 * normalize is idempotent: normalize(normalize(x)) deep-equals normalize(x).
 */
export function normalize(rt: RichText): RichText {
  return normalizeNodes(rt, ROOT_CONTEXT);
}

function normalizeNodes(nodes: readonly RichNode[], ctx: StyleContext): RichNode[] {
  const out: RichNode[] = [];
  for (const node of nodes) {
    for (const normal of normalizeNode(node, ctx)) append(out, normal, ctx);
  }
  return out;
}

/** Appends a normalized node, merging it into the last one where they are alike. */
function append(out: RichNode[], node: RichNode, ctx: StyleContext): void {
  const last = out[out.length - 1];
  if (last?.type === 'text' && node.type === 'text') {
    out[out.length - 1] = text(last.text + node.text);
  } else if (last && isStyle(last) && last.type === node.type && isStyle(node)) {
    const inner = { ...ctx, styles: new Set([...ctx.styles, node.type]) };
    out[out.length - 1] = { type: node.type, children: normalizeNodes([...last.children, ...node.children], inner) };
  } else if (last?.type === 'colour' && node.type === 'colour' && last.fg === node.fg && last.bg === node.bg) {
    const merged: ColourNode = { ...node, children: [...last.children, ...node.children] };
    out.pop();
    for (const n of normalizeNode(merged, ctx)) out.push(n);
  } else {
    out.push(node);
  }
}

function isStyle(node: RichNode): node is StyleNode {
  return node.type === 'bold' || node.type === 'italic' || node.type === 'underline'
    || node.type === 'strike' || node.type === 'spoiler';
}

/** The normal form of one node: none (dropped), one, or several (an unwrapped style). */
function normalizeNode(node: RichNode, ctx: StyleContext): RichNode[] {
  switch (node.type) {
    case 'text':
      return node.text === '' ? [] : [text(node.text)];
    case 'code':
      return node.text === '' ? [] : [code(node.text)];
    case 'pre':
      return node.text === '' ? [] : [pre(node.text, node.language === '' ? undefined : node.language)];
    case 'mention':
      return [mention(withoutUndefined(node.user), node.text)];
    case 'link': {
      const label = normalizeNodes(node.children, ctx);
      return [{ type: 'link', url: node.url, children: label.length > 0 ? label : normalizeNodes([text(node.url)], ctx) }];
    }
    case 'colour':
      return normalizeColour(node, ctx);
    default: {
      if (ctx.styles.has(node.type)) return normalizeNodes(node.children, ctx);
      const children = normalizeNodes(node.children, { ...ctx, styles: new Set([...ctx.styles, node.type]) });
      return children.length === 0 ? [] : [{ type: node.type, children }];
    }
  }
}

function normalizeColour(node: ColourNode, ctx: StyleContext): RichNode[] {
  const fg = node.fg?.toLowerCase();
  const bg = node.bg?.toLowerCase();
  const newFg = fg !== undefined && fg !== ctx.fg ? fg : undefined;
  const newBg = bg !== undefined && bg !== ctx.bg ? bg : undefined;
  if (newFg === undefined && newBg === undefined) return normalizeNodes(node.children, ctx);
  const inner: StyleContext = { styles: ctx.styles, fg: newFg ?? ctx.fg, bg: newBg ?? ctx.bg };
  const children = normalizeNodes(node.children, inner);
  return children.length === 0 ? [] : [colour({ fg: newFg, bg: newBg }, ...children)];
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Structural equality of the canonical forms. */
export function equals(a: RichText, b: RichText): boolean {
  return isDeepStrictEqual(normalize(a), normalize(b));
}

/**
 * Rewrites every text node (also inside styles, colours and link labels) with `fn`. Code,
 * code blocks, mentions and URLs are left alone. The result is not normalized: `fn` may
 * return '' and leave empty text nodes behind.
 */
export function mapText(rt: RichText, fn: (text: string) => string): RichText {
  return rt.map((node): RichNode => {
    switch (node.type) {
      case 'text':
        return text(fn(node.text));
      case 'code':
      case 'pre':
      case 'mention':
        return node;
      default:
        return { ...node, children: mapText(node.children, fn) };
    }
  });
}

// --- JSON -------------------------------------------------------------------------------

/** A RichText that failed validation; `path` names the first bad value, e.g. `$[0].children[1].text`. */
export class RichTextError extends Error {
  constructor(message: string, readonly path: string) {
    super(message);
    this.name = 'RichTextError';
  }
}

/**
 * A JSON-safe copy of a body: plain objects and arrays only, `undefined` fields removed.
 * `fromJSON(JSON.parse(JSON.stringify(toJSON(rt))))` deep-equals `rt`.
 */
export function toJSON(rt: RichText): RichText {
  return JSON.parse(JSON.stringify(rt)) as RichText;
}

/**
 * Validates a value (usually parsed JSON) as a RichText and returns it as fresh objects.
 * Throws a RichTextError naming the path of the first bad node when it is not one: an unknown
 * node type, a missing or mistyped field, an unknown field, a malformed colour, or nesting
 * deeper than MAX_RICHTEXT_DEPTH nodes.
 */
export function fromJSON(value: unknown): RichText {
  const tooDeep = findTooDeep(value, MAX_RICHTEXT_DEPTH * 2);
  if (tooDeep) {
    const path = formatPath(tooDeep);
    throw new RichTextError(`invalid RichText: ${path}: nested deeper than ${MAX_RICHTEXT_DEPTH} nodes`, path);
  }
  const parsed = richTextSchema.safeParse(value);
  if (!parsed.success) {
    const path = formatPath(parsed.error.issues[0]?.path ?? []);
    throw new RichTextError(`invalid RichText: ${describeIssues(parsed.error)}`, path);
  }
  return parsed.data;
}
