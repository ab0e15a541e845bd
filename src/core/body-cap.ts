/**
 * The size cap adapters put on a received message's text before parsing its formatting, so the
 * work one message causes is bounded whatever its sender sent (docs: `maxBodyBytes` of each
 * network).
 */

/** Appended to a text that was cut at the cap, so readers on every network see it was cut. */
export const TRUNCATION_MARKER = ' […truncated]';

/** A received text after the cap. */
export interface CappedText {
  /** The text itself when within the cap, else its head plus `TRUNCATION_MARKER`. */
  readonly text: string;
  /** true when the text was cut. */
  readonly truncated: boolean;
}

const encoder = new TextEncoder();

/**
 * Caps `text` at `maxBytes` UTF-8 bytes, marker included: a longer text is cut at a character
 * boundary (never inside a surrogate pair) and ends with `TRUNCATION_MARKER`. Linear in the
 * length of the text.
 */
export function capText(text: string, maxBytes: number): CappedText {
  // A UTF-16 code unit encodes to at most 3 UTF-8 bytes: short texts need no encoding.
  if (text.length * 3 <= maxBytes) return { text, truncated: false };
  const bytes = encoder.encode(text);
  if (bytes.length <= maxBytes) return { text, truncated: false };
  const budget = Math.max(0, maxBytes - encoder.encode(TRUNCATION_MARKER).length);
  let end = budget;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--; // back to the start of a character
  return { text: new TextDecoder().decode(bytes.subarray(0, end)) + TRUNCATION_MARKER, truncated: true };
}
