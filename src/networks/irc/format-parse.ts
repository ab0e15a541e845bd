/**
 * Parses mIRC formatting codes into RichText.
 *
 * Codes: ^B bold (\x02), ^] italic (\x1d), ^_ underline (\x1f), ^^ strikethrough (\x1e),
 * ^Q monospace (\x11), ^C colour (\x03[fg[,bg]], 0-98 from the palette, 99 = default, a bare
 * ^C resets both), ^D hex colour (\x04[rrggbb[,rrggbb]], snapped to the nearest palette
 * colour), ^V reverse (swaps the colours; the defaults are taken as black on white), ^O reset.
 * Other control characters are dropped. Colours in the result are always palette colours.
 */
import type { RichText } from '../../core/richtext.js';
import { mircCodeToHex, snapToPalette } from './colours.js';
import { PLAIN_STYLE, pushRun, runsToRichText, withColours, type RunStyle, type StyledRun } from './runs.js';

const TOGGLES: Readonly<Record<string, 'bold' | 'italic' | 'underline' | 'strike' | 'mono'>> = {
  '\x02': 'bold', '\x1d': 'italic', '\x1f': 'underline', '\x1e': 'strike', '\x11': 'mono',
};

const DEFAULT_FG = '#000000';
const DEFAULT_BG = '#ffffff';

interface ParseState {
  style: RunStyle;
  reverse: boolean;
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

function isHex(ch: string | undefined): boolean {
  return ch !== undefined && /^[0-9a-fA-F]$/.test(ch);
}

/** Reads up to two digits at `pos`; returns the code and the new position. */
function readCode(line: string, pos: number): [number | undefined, number] {
  let end = pos;
  while (end < pos + 2 && isDigit(line[end])) end++;
  return end === pos ? [undefined, pos] : [Number(line.slice(pos, end)), end];
}

/** Reads six hex digits at `pos`. */
function readHex(line: string, pos: number): [string | undefined, number] {
  for (let i = 0; i < 6; i++) if (!isHex(line[pos + i])) return [undefined, pos];
  return [snapToPalette(line.slice(pos, pos + 6)), pos + 6];
}

/** Parses `\x03` arguments at `pos`; returns the new position. */
function applyColourCode(line: string, pos: number, state: ParseState): number {
  const [fg, afterFg] = readCode(line, pos);
  if (fg === undefined) {
    state.style = withColours(state.style, undefined, undefined);
    return pos;
  }
  let next = afterFg;
  let bg: number | undefined;
  if (line[next] === ',' && isDigit(line[next + 1])) [bg, next] = readCode(line, next + 1);
  state.style = withColours(state.style, mircCodeToHex(fg), bg === undefined ? state.style.bg : mircCodeToHex(bg));
  return next;
}

/** Parses `\x04` arguments at `pos`; returns the new position. */
function applyHexColour(line: string, pos: number, state: ParseState): number {
  const [fg, afterFg] = readHex(line, pos);
  if (fg === undefined) {
    state.style = withColours(state.style, undefined, undefined);
    return pos;
  }
  let next = afterFg;
  let bg = state.style.bg;
  if (line[next] === ',') {
    const [hexBg, afterBg] = readHex(line, next + 1);
    if (hexBg !== undefined) [bg, next] = [hexBg, afterBg];
  }
  state.style = withColours(state.style, fg, bg);
  return next;
}

/** The style text is shown in, applying reverse video. */
function effectiveStyle(state: ParseState): RunStyle {
  if (!state.reverse) return state.style;
  return withColours(state.style, state.style.bg ?? DEFAULT_BG, state.style.fg ?? DEFAULT_FG);
}

/** Any formatting code or other control character (tab included: it takes the general path). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * Parses one IRC message text into styled runs. Text without any control character (most
 * messages) is one plain run, as the character-by-character parse would give, without it.
 */
export function parseIrcRuns(line: string): StyledRun[] {
  if (!CONTROL.test(line)) return line === '' ? [] : [{ text: line, style: PLAIN_STYLE }];
  return parseIrcRunsByChar(line);
}

/** The general parse of `parseIrcRuns`: formatting codes applied character by character. */
export function parseIrcRunsByChar(line: string): StyledRun[] {
  const runs: StyledRun[] = [];
  const state: ParseState = { style: PLAIN_STYLE, reverse: false };
  let text = '';
  const flush = (): void => {
    pushRun(runs, { text, style: effectiveStyle(state) });
    text = '';
  };
  let pos = 0;
  while (pos < line.length) {
    const ch = line[pos] as string;
    pos++;
    const toggle = TOGGLES[ch];
    if (toggle) {
      flush();
      state.style = { ...state.style, [toggle]: !state.style[toggle] };
    } else if (ch === '\x03') {
      flush();
      pos = applyColourCode(line, pos, state);
    } else if (ch === '\x04') {
      flush();
      pos = applyHexColour(line, pos, state);
    } else if (ch === '\x16') {
      flush();
      state.reverse = !state.reverse;
    } else if (ch === '\x0f') {
      flush();
      state.style = PLAIN_STYLE;
      state.reverse = false;
      // eslint-disable-next-line no-control-regex
    } else if (/[\x00-\x08\x0a-\x1f\x7f]/.test(ch)) {
      continue;
    } else {
      text += ch;
    }
  }
  flush();
  return runs;
}

/** Parses one IRC message text (PRIVMSG/NOTICE body, topic, ...) into canonical RichText. */
export function parseIrcFormatting(line: string): RichText {
  return runsToRichText(parseIrcRuns(line));
}
