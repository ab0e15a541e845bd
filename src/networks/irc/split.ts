/**
 * Splits a message into IRC lines that fit the server's line length.
 *
 * A line the server relays is `:nick!user@host PRIVMSG #chan :text\r\n` and may not exceed
 * 512 bytes (or the advertised LINELEN). `messageBudget` computes what is left for `text`;
 * `splitRuns` cuts the message there: at grapheme boundaries (never inside a UTF-8 character
 * or a grapheme, unless one grapheme alone is larger than the budget), preferably at
 * whitespace (the one whitespace character at such a break is dropped), re-opening the
 * formatting in effect at the start of every part. Line breaks in
 * the message start a new IRC line; empty lines are skipped. Beyond `maxLines` lines the rest
 * is replaced by a note `… (N more lines truncated)`, or, when the text went to a paste service
 * (long-messages.ts), by `… (full text: <url>)`.
 */
import type { RichText } from '../../core/richtext.js';
import { renderRuns, transition } from './format-render.js';
import { mergeRuns, PLAIN_STYLE, richTextToRuns, sameStyle, type RunStyle, type StyledRun } from './runs.js';

/** The IRC line length when the server does not advertise LINELEN. */
export const DEFAULT_LINE_LENGTH = 512;
/** Assumed host length while the bot's real host is unknown (the longest a host may be). */
export const CONSERVATIVE_HOST_LENGTH = 63;
/** Assumed `~user` length while the bot's real username is unknown (USERLEN 10 plus `~`). */
export const CONSERVATIVE_USER_LENGTH = 11;

/** What the server will put around the text of one message line. */
export interface BudgetInput {
  /** The advertised LINELEN, or 512. */
  readonly lineLength?: number;
  readonly nick: string;
  /** The bot's username as the server shows it (with `~` if any); unknown = conservative. */
  readonly user?: string;
  /** The bot's host as the server shows it; unknown = conservative. */
  readonly host?: string;
  readonly command: 'PRIVMSG' | 'NOTICE';
  readonly target: string;
  /** A CTCP ACTION adds `\x01ACTION ` and `\x01` around the text. */
  readonly action?: boolean;
}

const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Bytes left for the message text on one line (see BudgetInput). */
export function messageBudget(input: BudgetInput): number {
  const user = input.user === undefined ? CONSERVATIVE_USER_LENGTH : utf8(input.user);
  const host = input.host === undefined ? CONSERVATIVE_HOST_LENGTH : utf8(input.host);
  const prefix = 1 + utf8(input.nick) + 1 + user + 1 + host + 1 + utf8(input.command) + 1 + utf8(input.target) + 2;
  const action = input.action ? utf8('\x01ACTION \x01') : 0;
  return (input.lineLength ?? DEFAULT_LINE_LENGTH) - prefix - 2 - action;
}

export interface SplitOptions {
  /** Bytes available for the text of one line, formatting codes included (see messageBudget). */
  readonly maxBytes: number;
  /** The most lines one message may become; at least 2 (the last one may be the note). */
  readonly maxLines: number;
}

/** The smallest budget the splitter accepts (one 4-byte character plus formatting). */
export const MIN_SPLIT_BYTES = 32;

interface Atom {
  readonly text: string;
  readonly style: RunStyle;
  readonly bytes: number;
}

/**
 * Made on the first split, not when the module loads: creating it loads ICU's break rules,
 * about 9 ms and 3 MB that a hub which has not sent anything yet does not need.
 */
let graphemes: Intl.Segmenter | undefined;

function atomsOf(runs: readonly StyledRun[]): Atom[] {
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const atoms: Atom[] = [];
  for (const run of runs) {
    for (const { segment } of graphemes.segment(run.text)) atoms.push({ text: segment, style: run.style, bytes: utf8(segment) });
  }
  return atoms;
}

/** Worst-case bytes to switch styles (assumes the text after a colour needs a separator). */
function switchCost(from: RunStyle, to: RunStyle): number {
  return sameStyle(from, to) ? 0 : utf8(transition(from, to, ',0'));
}

function render(atoms: readonly Atom[]): string {
  return renderRuns(mergeRuns(atoms.map((a) => ({ text: a.text, style: a.style }))));
}

/** Splits one line (no `\n`) into rendered parts of at most `maxBytes` bytes. */
function splitLine(runs: readonly StyledRun[], maxBytes: number): string[] {
  const parts: string[] = [];
  const pending = atomsOf(runs);
  let current: Atom[] = [];
  let cost = 0;
  let style = PLAIN_STYLE;
  const push = (atom: Atom): void => {
    cost += switchCost(style, atom.style) + atom.bytes;
    style = atom.style;
    current.push(atom);
  };
  const reset = (): void => {
    current = [];
    cost = 0;
    style = PLAIN_STYLE;
  };
  while (pending.length > 0) {
    const atom = pending.shift() as Atom;
    if (cost + switchCost(style, atom.style) + atom.bytes <= maxBytes) {
      push(atom);
      continue;
    }
    if (current.length === 0) {
      const codePoints = [...atom.text];
      if (codePoints.length < 2) throw new Error(`split budget ${maxBytes} is too small for one character`);
      pending.unshift(...codePoints.map((text) => ({ text, style: atom.style, bytes: utf8(text) })));
      continue;
    }
    if (isSpace(atom)) {
      // The part is full and a space follows: the break goes there and the space is dropped.
      parts.push(render(current));
      reset();
      continue;
    }
    const { end, resume } = wordBreak(current, maxBytes);
    parts.push(render(current.slice(0, end)));
    pending.unshift(...current.slice(resume), atom);
    reset();
  }
  if (current.length > 0) parts.push(render(current));
  return parts;
}

function isSpace(atom: Atom): boolean {
  return /^\s+$/u.test(atom.text);
}

/**
 * Where to end a full part: at its last whitespace (which is dropped: the line break stands
 * for it, and servers such as ngIRCd strip trailing spaces anyway), unless that leaves the part
 * less than half full; then it is cut where it is full.
 */
function wordBreak(atoms: readonly Atom[], maxBytes: number): { end: number; resume: number } {
  let bytes = 0;
  let space = -1;
  let bytesBeforeSpace = 0;
  atoms.forEach((atom, index) => {
    if (isSpace(atom)) {
      space = index;
      bytesBeforeSpace = bytes;
    }
    bytes += atom.bytes;
  });
  return space > 0 && bytesBeforeSpace * 2 >= maxBytes ? { end: space, resume: space + 1 } : { end: atoms.length, resume: atoms.length };
}

/** Splits runs at `\n` into lines; empty lines are dropped. */
function linesOf(runs: readonly StyledRun[]): StyledRun[][] {
  const lines: StyledRun[][] = [[]];
  for (const run of runs) {
    run.text.split('\n').forEach((piece, index) => {
      if (index > 0) lines.push([]);
      if (piece !== '') (lines[lines.length - 1] as StyledRun[]).push({ text: piece, style: run.style });
    });
  }
  return lines.filter((line) => line.length > 0);
}

/** The note that replaces lines beyond the maximum. */
export function truncationNote(hiddenLines: number): string {
  return `… (${hiddenLines} more line${hiddenLines === 1 ? '' : 's'} truncated)`;
}

/** The note that ends a message whose full text went to a paste service. */
export function pasteNote(url: string): string {
  return `… (full text: ${url})`;
}

/** `parts` cut to `maxLines` (at least 2): beyond it the last line is the truncation note. */
export function limitLines(parts: readonly string[], maxLines: number): string[] {
  const limit = Math.max(2, Math.floor(maxLines));
  if (parts.length <= limit) return [...parts];
  const kept = parts.slice(0, limit - 1);
  return [...kept, truncationNote(parts.length - kept.length)];
}

/** `parts` cut to `maxLines` (at least 2), the last line being the paste note for `url`. */
export function withPasteLink(parts: readonly string[], maxLines: number, url: string): string[] {
  return [...parts.slice(0, Math.max(2, Math.floor(maxLines)) - 1), pasteNote(url)];
}

/** Splits styled runs into every rendered IRC text, with no line limit (see the module comment). */
export function splitAllRuns(runs: readonly StyledRun[], maxBytes: number): string[] {
  if (maxBytes < MIN_SPLIT_BYTES) throw new Error(`split budget ${maxBytes} is below ${MIN_SPLIT_BYTES} bytes`);
  return linesOf(runs).flatMap((line) => splitLine(line, maxBytes));
}

/** Splits styled runs into rendered IRC texts, at most `maxLines` (see the module comment). */
export function splitRuns(runs: readonly StyledRun[], options: SplitOptions): string[] {
  return limitLines(splitAllRuns(runs, options.maxBytes), options.maxLines);
}

/** Renders and splits a message body (see splitRuns). */
export function splitMessage(text: RichText, options: SplitOptions): string[] {
  return splitRuns(richTextToRuns(text), options);
}
