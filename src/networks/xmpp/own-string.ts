/**
 * Strings kept long from received stanzas, copied out of the data they were read from.
 *
 * The XML parser takes attribute values and texts as substrings of the piece of the stream it
 * parsed, and V8 keeps such a substring as a view of the whole piece (up to 64 KB): a nick
 * kept in a room's occupant list kept the network read it arrived in alive. With 1,000
 * occupants that was 50 MB (the xmpp-component benchmark's memory per puppet). What a
 * network keeps for long (occupants) goes through `ownString` first.
 */

/**
 * `text` as a string of its own: the same characters, no longer holding on to a larger string
 * it was cut from. (Concatenation then slicing makes V8 flatten into a new string: the copy is
 * the only way; there is no API for it.)
 */
export function ownString(text: string): string {
  return (' ' + text).slice(1);
}

/** `ownString` of a value that may be absent. */
export function ownOptional(text: string | undefined): string | undefined {
  return text === undefined ? undefined : ownString(text);
}
