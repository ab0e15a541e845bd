/**
 * Text for IRC, pure: one message becomes lines with no CR, LF or NUL, each at most `maxBytes`
 * of UTF-8 (cut between characters), empty lines dropped; at most `maxLines` lines (the rest is
 * cut with a note), so one XMPP message costs a bounded number of IRC lines.
 */
export function ircLines(text: string, maxBytes: number, maxLines: number): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.replace(/\0/g, '');
    let current = '';
    let bytes = 0;
    for (const ch of line) {
      const size = Buffer.byteLength(ch, 'utf8');
      if (bytes + size > maxBytes) {
        out.push(current);
        current = '';
        bytes = 0;
      }
      current += ch;
      bytes += size;
    }
    if (current.trim() !== '') out.push(current);
  }
  if (out.length <= maxLines) return out;
  return [...out.slice(0, maxLines - 1), `[… ${out.length - maxLines + 1} more lines cut]`];
}

/** A nick as a contact id: no spaces, no channel prefix, no prefix characters, not too long. */
export function isNick(id: string): boolean {
  return /^[^\s#&!@,:*?]{1,64}$/u.test(id) && !id.startsWith('$') && ![...id].some((c) => c.charCodeAt(0) < 0x20);
}

/**
 * `items` joined by `separator` into as few groups as fit `maxBytes` of UTF-8 each (a MONITOR or
 * ISON line's targets); an item longer than `maxBytes` gets a group of its own.
 */
export function joinedBatches(items: readonly string[], separator: string, maxBytes: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const item of items) {
    const next = current === '' ? item : `${current}${separator}${item}`;
    if (current !== '' && Buffer.byteLength(next, 'utf8') > maxBytes) {
      out.push(current);
      current = item;
    } else {
      current = next;
    }
  }
  if (current !== '') out.push(current);
  return out;
}
