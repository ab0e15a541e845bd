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
 *
 * Bounded work: splitting is linear in what it reads and stops once the lines asked for are
 * made. What follows is counted exactly while it is at most `EXACT_COUNT_BYTES`; beyond that the
 * count is an estimate (every remaining line break starts a line, and a line of `b` bytes takes
 * `ceil(b / maxBytes)` lines) and the note says `about N`.
 */
import type { RichText } from '../../core/richtext.js';
import { renderRuns, transition } from './format-render.js';
import { mergeRuns, PLAIN_STYLE, richTextToRuns, sameStyle, type RunStyle, type StyledRun } from './runs.js';

/** The IRC line length when the server does not advertise LINELEN. */
export const DEFAULT_LINE_LENGTH = 512;
/** Assumed host length while the bot's real host is unknown (the longest a host may be). */
const CONSERVATIVE_HOST_LENGTH = 63;
/** Assumed `~user` length while the bot's real username is unknown (USERLEN 10 plus `~`). */
const CONSERVATIVE_USER_LENGTH = 11;
/** Text beyond the lines kept is split just to count its lines only up to this size; beyond it the count is estimated. */
export const EXACT_COUNT_BYTES = 16 * 1024;

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

/** Parts of a message beyond the ones rendered. */
export interface HiddenParts {
  /** How many parts follow the rendered ones (0: none). */
  readonly count: number;
  /** true when `count` is an estimate (see the module comment). */
  readonly estimated: boolean;
}

/** The first parts of a message and how many follow them. */
export interface SplitResult {
  /** The first rendered IRC texts, at most as many as asked for. */
  readonly parts: string[];
  readonly hidden: HiddenParts;
}

interface Atom {
  readonly text: string;
  readonly style: RunStyle;
  readonly bytes: number;
}

/** One rendered part and the bytes of the message it used up (a space dropped at its break included). */
export interface Part {
  readonly text: string;
  readonly consumed: number;
}

/**
 * Made on the first split, not when the module loads: creating it loads ICU's break rules,
 * about 9 ms and 3 MB that a hub which has not sent anything yet does not need.
 */
let graphemes: Intl.Segmenter | undefined;

/** Code units segmented at a time (see graphemesOf). */
const SEGMENT_CHUNK = 1024;
/** A grapheme cluster that grew this long is taken as it is (it is split into code points anyway). */
const MAX_CLUSTER = 4 * SEGMENT_CHUNK;

/**
 * The graphemes of `text`, segmented as they are read, a chunk at a time: V8's segment
 * iterator costs time in proportion to the whole string at every step, so segmenting a long
 * text at once is quadratic. The last grapheme of a chunk may go on in the next one, so it is
 * segmented again together with that (up to MAX_CLUSTER).
 */
function* graphemesOf(text: string): Generator<string> {
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let carry = '';
  let at = 0;
  while (at < text.length) {
    const end = chunkEnd(text, at);
    const chunk = carry + text.slice(at, end);
    at = end;
    let previous: string | undefined;
    for (const { segment } of graphemes.segment(chunk)) {
      if (previous !== undefined) yield previous;
      previous = segment;
    }
    carry = previous ?? '';
    if (carry.length >= MAX_CLUSTER) {
      yield carry;
      carry = '';
    }
  }
  if (carry !== '') yield carry;
}

/**
 * Where the chunk from `at` ends: SEGMENT_CHUNK units on, but never inside a surrogate pair
 * (the segmenter would see half a character and break before it). Whole code points are
 * enough: a grapheme break depends only on the code points on either side of it.
 */
function chunkEnd(text: string, at: number): number {
  const end = Math.min(text.length, at + SEGMENT_CHUNK);
  const last = text.charCodeAt(end - 1);
  return end < text.length && last >= 0xd800 && last <= 0xdbff ? end + 1 : end;
}

/** The graphemes of `runs`, segmented as they are read. */
function* atomsOf(runs: readonly StyledRun[]): Generator<Atom> {
  for (const run of runs) {
    for (const segment of graphemesOf(run.text)) yield { text: segment, style: run.style, bytes: utf8(segment) };
  }
}

/** The atoms of a line, read in order, with atoms put back to be read again first. */
class AtomReader {
  /** Put-back atoms, the next one last (so taking one is a pop). */
  private readonly back: Atom[] = [];
  private readonly source: Iterator<Atom>;

  constructor(runs: readonly StyledRun[]) {
    this.source = atomsOf(runs);
  }

  next(): Atom | undefined {
    const back = this.back.pop();
    if (back !== undefined) return back;
    const next = this.source.next();
    return next.done === true ? undefined : next.value;
  }

  /** Puts `atoms` back, to be read next in their order. */
  putBack(atoms: readonly Atom[]): void {
    for (let i = atoms.length - 1; i >= 0; i--) this.back.push(atoms[i] as Atom);
  }
}

/** Worst-case bytes to switch styles (assumes the text after a colour needs a separator). */
function switchCost(from: RunStyle, to: RunStyle): number {
  return sameStyle(from, to) ? 0 : utf8(transition(from, to, ',0'));
}

function render(atoms: readonly Atom[]): string {
  return renderRuns(mergeRuns(atoms.map((a) => ({ text: a.text, style: a.style }))));
}

function bytesOf(atoms: readonly Atom[]): number {
  let bytes = 0;
  for (const atom of atoms) bytes += atom.bytes;
  return bytes;
}

function isSpace(atom: Atom): boolean {
  return /^\s+$/u.test(atom.text);
}

/** The parts of one line (no `\n`), each at most `maxBytes` bytes, made as they are asked for. */
export function* splitLine(runs: readonly StyledRun[], maxBytes: number): Generator<Part> {
  const whole = wholeLine(runs, maxBytes);
  if (whole === undefined) yield* splitByGraphemes(runs, maxBytes);
  else yield whole;
}

/**
 * splitLine read grapheme by grapheme. Exported for the test that compares it with splitLine's
 * shortcut for lines that fit.
 *
 * @internal
 */
export function* splitByGraphemes(runs: readonly StyledRun[], maxBytes: number): Generator<Part> {
  const reader = new AtomReader(runs);
  let current: Atom[] = [];
  let cost = 0;
  let style = PLAIN_STYLE;
  /** The last whitespace in `current` and the bytes before it (for the word break). */
  let space = -1;
  let bytesBeforeSpace = 0;
  let bytes = 0;
  const reset = (): void => {
    current = [];
    cost = 0;
    style = PLAIN_STYLE;
    space = -1;
    bytesBeforeSpace = 0;
    bytes = 0;
  };
  for (let atom = reader.next(); atom !== undefined; atom = reader.next()) {
    const added = switchCost(style, atom.style) + atom.bytes;
    if (cost + added <= maxBytes) {
      if (isSpace(atom)) {
        space = current.length;
        bytesBeforeSpace = bytes;
      }
      current.push(atom);
      cost += added;
      bytes += atom.bytes;
      style = atom.style;
      continue;
    }
    if (current.length === 0) {
      const codePoints = [...atom.text];
      if (codePoints.length < 2) throw new Error(`split budget ${maxBytes} is too small for one character`);
      const { style: atomStyle } = atom;
      reader.putBack(codePoints.map((text) => ({ text, style: atomStyle, bytes: utf8(text) })));
      continue;
    }
    if (isSpace(atom)) {
      // The part is full and a space follows: the break goes there and the space is dropped.
      yield { text: render(current), consumed: bytes + atom.bytes };
      reset();
      continue;
    }
    // Break at the last whitespace (dropped: the line break stands for it, and servers such as
    // ngIRCd strip trailing spaces anyway), unless that leaves the part less than half full.
    const atSpace = space > 0 && bytesBeforeSpace * 2 >= maxBytes;
    const end = atSpace ? space : current.length;
    const resume = atSpace ? space + 1 : current.length;
    yield { text: render(current.slice(0, end)), consumed: bytesOf(current.slice(0, resume)) };
    reader.putBack([...current.slice(resume), atom]);
    reset();
  }
  if (current.length > 0) yield { text: render(current), consumed: bytes };
}

/**
 * The line as one part when it fits in `maxBytes` as it is (most messages): what the
 * grapheme-by-grapheme split below would make of it, without reading it grapheme by grapheme.
 * undefined when it does not fit.
 */
function wholeLine(runs: readonly StyledRun[], maxBytes: number): Part | undefined {
  let style = PLAIN_STYLE;
  let cost = 0;
  let bytes = 0;
  for (const run of runs) {
    if (run.text === '') continue;
    const runBytes = utf8(run.text);
    cost += switchCost(style, run.style) + runBytes;
    if (cost > maxBytes) return undefined;
    bytes += runBytes;
    style = run.style;
  }
  return bytes === 0 ? undefined : { text: renderRuns(mergeRuns(runs)), consumed: bytes };
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

function lineBytes(line: readonly StyledRun[]): number {
  let bytes = 0;
  for (const run of line) bytes += utf8(run.text);
  return bytes;
}

/** The note that replaces lines beyond the maximum (`about N` when the count is an estimate). */
export function truncationNote(hiddenLines: number, estimated = false): string {
  return `… (${estimated ? 'about ' : ''}${hiddenLines} more line${hiddenLines === 1 ? '' : 's'} truncated)`;
}

/** The note that ends a message whose full text went to a paste service. */
export function pasteNote(url: string): string {
  return `… (full text: ${url})`;
}

/** The line limit actually applied: `maxLines`, at least 2. */
function lineLimit(maxLines: number): number {
  return Math.max(2, Math.floor(maxLines));
}

/**
 * `parts` (followed by `hidden` parts not rendered) cut to `maxLines` (at least 2): beyond it
 * the last line is the truncation note.
 */
export function limitLines(parts: readonly string[], maxLines: number, hidden: HiddenParts = { count: 0, estimated: false }): string[] {
  const limit = lineLimit(maxLines);
  const total = parts.length + hidden.count;
  if (total <= limit) return [...parts];
  const kept = parts.slice(0, limit - 1);
  return [...kept, truncationNote(total - kept.length, hidden.estimated)];
}

/** `parts` cut to `maxLines` (at least 2), the last line being the paste note for `url`. */
export function withPasteLink(parts: readonly string[], maxLines: number, url: string): string[] {
  return [...parts.slice(0, lineLimit(maxLines) - 1), pasteNote(url)];
}

/**
 * How many parts the rest of a message makes: the parts still to come from the line being
 * split (the first of them already taken from `rest`, so counted here) and the lines after
 * it. Counted by splitting when that text is small, estimated otherwise (module comment).
 */
function countHidden(rest: Iterator<Part>, lineLeft: number, later: readonly StyledRun[][], maxBytes: number): HiddenParts {
  const laterBytes = later.map(lineBytes);
  const leftBytes = lineLeft + laterBytes.reduce((sum, b) => sum + b, 0);
  if (leftBytes <= EXACT_COUNT_BYTES) {
    let count = 1;
    for (let r = rest.next(); r.done !== true; r = rest.next()) count++;
    for (const line of later) for (const _part of splitLine(line, maxBytes)) count++;
    return { count, estimated: false };
  }
  const estimate = (b: number): number => Math.max(1, Math.ceil(b / maxBytes));
  return { count: estimate(lineLeft) + laterBytes.reduce((sum, b) => sum + estimate(b), 0), estimated: true };
}

/**
 * The first `limit` rendered IRC texts of `runs` and how many more follow, doing work only
 * for those (plus the count of the rest: see the module comment). No line limit note is added.
 */
export function splitFirstRuns(runs: readonly StyledRun[], maxBytes: number, limit: number): SplitResult {
  if (maxBytes < MIN_SPLIT_BYTES) throw new Error(`split budget ${maxBytes} is below ${MIN_SPLIT_BYTES} bytes`);
  const lines = linesOf(runs);
  const parts: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as StyledRun[];
    const split = splitLine(line, maxBytes);
    let consumed = 0;
    for (let part = split.next(); part.done !== true; part = split.next()) {
      if (parts.length >= limit) {
        const hidden = countHidden(split, lineBytes(line) - consumed, lines.slice(index + 1), maxBytes);
        return { parts, hidden };
      }
      parts.push(part.value.text);
      consumed += part.value.consumed;
    }
  }
  return { parts, hidden: { count: 0, estimated: false } };
}

/** Splits styled runs into rendered IRC texts, at most `maxLines` (see the module comment). */
export function splitRuns(runs: readonly StyledRun[], options: SplitOptions): string[] {
  const limit = lineLimit(options.maxLines);
  const { parts, hidden } = splitFirstRuns(runs, options.maxBytes, limit);
  return limitLines(parts, limit, hidden);
}

/** Renders and splits a message body (see splitRuns). */
export function splitMessage(text: RichText, options: SplitOptions): string[] {
  return splitRuns(richTextToRuns(text), options);
}
