/**
 * Feeds the XML stream parser in pieces it parses in linear time.
 *
 * xmpp.js parses with ltx, which scans a text or an attribute value by looking for its end
 * (`<`, the closing quote) from every character of it when that end is not in the piece
 * written: quadratic in the piece. And a text or value left open at the end of a piece is
 * prepended to every later piece. A 256 KB message body read in 64 KB pieces took ~170 ms of
 * CPU (issue 11, finding 5).
 *
 * The slicer passes on each piece only up to a point where nothing is left open: just after the
 * `>` that closes the last complete tag (the text after it is held back until the `<` that ends
 * it arrives), or, inside a tag, just after its `<` (the rest of the tag is held back until the
 * tag is complete). No stanza is held back: a stanza ends with the `>` of a tag. It tracks
 * only text, tags and quoted attribute values (XMPP forbids comments and processing
 * instructions; a CDATA section could only make it hold back less).
 */

type ScanState = 'text' | 'tag' | 'quote';

/** What ends a tag or starts a quoted value in it. */
const TAG_CHARS: readonly string[] = ['>', '"', "'"];

export class StreamSlicer {
  private held: string[] = [];
  private state: ScanState = 'text';
  private quote = '';

  /** The part of everything received so far, `chunk` last, to parse now; the rest is held back. */
  take(chunk: string): string {
    let tagEnd = -1;
    let tagStart = -1;
    let at = 0;
    const tagChars = new NextOf(chunk, TAG_CHARS);
    while (at < chunk.length) {
      if (this.state === 'text') {
        const lt = chunk.indexOf('<', at);
        if (lt === -1) break;
        this.state = 'tag';
        tagStart = lt;
        at = lt + 1;
      } else if (this.state === 'quote') {
        const close = chunk.indexOf(this.quote, at);
        if (close === -1) break;
        this.state = 'tag';
        at = close + 1;
      } else {
        const next = tagChars.from(at);
        if (next === -1) break;
        const char = chunk[next] as string;
        if (char === '>') {
          this.state = 'text';
          tagEnd = next + 1;
          tagStart = -1;
        } else {
          this.state = 'quote';
          this.quote = char;
        }
        at = next + 1;
      }
    }
    const cut = this.state === 'text' ? tagEnd : tagStart === -1 ? -1 : tagStart + 1;
    if (cut === -1) {
      this.held.push(chunk);
      return '';
    }
    const ready = this.held.length === 0 ? chunk.slice(0, cut) : this.held.join('') + chunk.slice(0, cut);
    if (cut < chunk.length) this.held = [chunk.slice(cut)];
    else if (this.held.length > 0) this.held = [];
    return ready;
  }

  /** Everything held back (at the end of the stream). */
  flush(): string {
    const rest = this.held.join('');
    this.held = [];
    return rest;
  }
}

/**
 * Finds the next of a few characters in a text, again and again from positions that only grow:
 * each character's last position found is kept until it is passed, so the text is read once.
 */
class NextOf {
  private readonly found: number[];

  constructor(private readonly text: string, private readonly chars: readonly string[]) {
    this.found = chars.map(() => -2);
  }

  /** The index of the first of the characters at or after `from`, or -1. */
  from(from: number): number {
    let first = -1;
    for (let i = 0; i < this.chars.length; i++) {
      let index = this.found[i] as number;
      if (index !== -1 && index < from) {
        index = this.text.indexOf(this.chars[i] as string, from);
        this.found[i] = index;
      }
      if (index !== -1 && (first === -1 || index < first)) first = index;
    }
    return first;
  }
}
