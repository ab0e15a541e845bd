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
