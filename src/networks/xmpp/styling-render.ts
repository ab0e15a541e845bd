/**
 * RichText → XEP-0393 Message Styling.
 *
 * bold → `*…*`, italic → `_…_`, strike → `~…~`, inline code → `` `…` ``, code blocks → fenced
 * blocks on their own lines. Styles XEP-0393 cannot express (underline, spoiler, colour) keep
 * their text without markup; links show their URL; mentions show their text. Spans cannot cross
 * lines, so a style over several lines is closed and reopened on each line. Markup that would
 * not parse back (an inline code text containing a backtick in a closing position) falls back
 * to plain text.
 *
 * `renderStyling(parseStyling(s)) === s` for every string `s`. The result may still contain
 * characters XML cannot carry: the stanza builders strip those.
 */
import type { RichNode, RichText } from '../../core/richtext.js';

const FENCE = '```';

const SPAN_MARKERS = { bold: '*', italic: '_', strike: '~' } as const;

/** Renders a body as XEP-0393 styled text. */
export function renderStyling(body: RichText): string {
  let out = '';
  let afterBlock = false;
  for (const node of body) {
    if (node.type === 'pre') {
      out = appendBlock(out, node.text, node.language);
      afterBlock = true;
      continue;
    }
    const text = renderInline(node);
    // Text after a fenced block goes on the next line.
    out += afterBlock && text !== '' && !text.startsWith('\n') ? `\n${text}` : text;
    if (text !== '') afterBlock = false;
  }
  return out;
}

/** Plain text of a body, without any markup (for previews, fallbacks and /me detection). */
export function plainText(body: RichText): string {
  return body.map(nodePlainText).join('');
}

function nodePlainText(node: RichNode): string {
  switch (node.type) {
    case 'text':
    case 'code':
    case 'pre':
    case 'mention':
      return node.text;
    case 'link': {
      const text = plainText(node.children);
      return text === '' || text === node.url ? node.url : `${text} <${node.url}>`;
    }
    default:
      return plainText(node.children);
  }
}

function renderInline(node: RichNode): string {
  switch (node.type) {
    case 'text':
    case 'mention':
      return node.text;
    case 'code':
      return mapLines(node.text, (line) => (canWrapCode(line) ? `\`${line}\`` : line));
    case 'pre':
      return appendBlock('', node.text, node.language);
    case 'link': {
      const text = renderStyling(node.children);
      return text === '' || text === node.url ? node.url : `${text} <${node.url}>`;
    }
    case 'bold':
    case 'italic':
    case 'strike':
      return wrapSpan(renderStyling(node.children), SPAN_MARKERS[node.type]);
    default:
      return renderStyling(node.children);
  }
}

/** Wraps each line's non-blank core in `marker`, keeping surrounding whitespace outside. */
function wrapSpan(inner: string, marker: string): string {
  return mapLines(inner, (line) => {
    const match = /^(\s*)(.*?)(\s*)$/s.exec(line);
    const [, lead = '', core = '', trail = ''] = match ?? [];
    return core === '' ? line : `${lead}${marker}${core}${marker}${trail}`;
  });
}

function mapLines(text: string, fn: (line: string) => string): string {
  return text.split('\n').map(fn).join('\n');
}

/** True when `` `text` `` parses back as inline code holding exactly `text`. */
function canWrapCode(text: string): boolean {
  if (text === '' || /^\s|\s$/.test(text)) return false;
  for (let k = 1; k < text.length; k++) {
    if (text[k] === '`' && !/\s/.test(text[k - 1] as string)) return false;
  }
  return true;
}

/** Appends a fenced block, starting it on a new line when needed. */
function appendBlock(out: string, text: string, language: string | undefined): string {
  const prefix = out === '' || out.endsWith('\n') ? out : `${out}\n`;
  return `${prefix}${FENCE}${language ?? ''}\n${text}\n${FENCE}`;
}
