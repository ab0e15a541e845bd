/**
 * Renders styled runs / RichText as mIRC formatting codes.
 *
 * The output never contains CR, LF, NUL or the CTCP delimiter: run text is sanitized (see
 * runs.ts) and line breaks are the splitter's business (split.ts); `renderIrcLine` turns any
 * remaining `\n` into a space. Colours are always written with two digits (`\x0304`), so text
 * that starts with a digit is never taken as part of the code.
 */
import type { RichText } from '../../core/richtext.js';
import { nearestMircCode } from './colours.js';
import { PLAIN_STYLE, richTextToRuns, type RunOptions, type RunStyle, type StyledRun } from './runs.js';

const CODES = { bold: '\x02', italic: '\x1d', underline: '\x1f', strike: '\x1e', mono: '\x11' } as const;
const TOGGLE_KEYS = Object.keys(CODES) as Array<keyof typeof CODES>;
const RESET = '\x0f';
const COLOUR = '\x03';
/** An empty bold toggle: a no-op that separates a colour code from a following `,digit`. */
const SEPARATOR = '\x02\x02';

function pad2(code: number): string {
  return code.toString().padStart(2, '0');
}

function colourCode(style: RunStyle): string {
  const fg = style.fg === undefined ? 99 : nearestMircCode(style.fg) ?? 99;
  const bg = style.bg === undefined ? undefined : nearestMircCode(style.bg);
  return COLOUR + pad2(fg) + (bg === undefined ? '' : `,${pad2(bg)}`);
}

/**
 * The codes that switch from style `from` to style `to`, given the text that follows (needed
 * to keep `,5` after a foreground-only colour from being read as a background).
 */
export function transition(from: RunStyle, to: RunStyle, nextText: string): string {
  let out = '';
  let current = from;
  const losesColour = (current.fg !== undefined && to.fg === undefined) || (current.bg !== undefined && to.bg === undefined);
  if (losesColour) {
    out += RESET;
    current = PLAIN_STYLE;
  }
  for (const key of TOGGLE_KEYS) if (current[key] !== to[key]) out += CODES[key];
  if (current.fg !== to.fg || current.bg !== to.bg) {
    out += colourCode(to);
    if (to.bg === undefined && /^,[0-9]/.test(nextText)) out += SEPARATOR;
  }
  return out;
}

/** Renders runs (without line breaks) as one IRC text, starting from plain style. */
export function renderRuns(runs: readonly StyledRun[]): string {
  let out = '';
  let style = PLAIN_STYLE;
  for (const run of runs) {
    if (run.text === '') continue;
    out += transition(style, run.style, run.text) + run.text;
    style = run.style;
  }
  return out;
}

/**
 * Renders RichText as a single IRC text (for a topic, a kick reason, a part message): line
 * breaks become spaces. Messages go through split.ts instead, which keeps lines apart.
 */
export function renderIrcLine(text: RichText, options: RunOptions = {}): string {
  return renderRuns(oneLine(text, options));
}

function oneLine(text: RichText, options: RunOptions): StyledRun[] {
  return richTextToRuns(text, options).map((run) => ({ ...run, text: run.text.replace(/\n/g, ' ') }));
}

/**
 * Renders RichText as the start of a line that other text follows (an attribution such as
 * `<alice@irc> `): on one line, and ending in plain style, so that it lends the text after it
 * no formatting.
 */
export function renderLineStart(text: RichText, options: RunOptions = {}): string {
  const runs = oneLine(text, options).filter((run) => run.text !== '');
  const last = runs[runs.length - 1];
  return renderRuns(runs) + (last ? transition(last.style, PLAIN_STYLE, '') : '');
}
