/**
 * Characters XML 1.0 cannot carry. Relayed text may contain them (IRC control codes, broken
 * UTF-16 from other networks); an XMPP server would close the stream on seeing one, so they are
 * removed before anything goes into a stanza.
 */

/**
 * C0 controls except tab/LF/CR, U+FFFE/U+FFFF, and lone (unpaired) surrogates. Without the
 * `u` flag the regex sees UTF-16 code units, which is what lets it find unpaired surrogates.
 */
const INVALID_XML_CHARS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Removes every character that is not allowed in an XML 1.0 document. */
export function stripInvalidXmlChars(text: string): string {
  return text.replace(INVALID_XML_CHARS, '');
}

/** True when `text` holds only characters XML 1.0 allows. */
export function isValidXmlText(text: string): boolean {
  INVALID_XML_CHARS.lastIndex = 0;
  const found = INVALID_XML_CHARS.test(text);
  INVALID_XML_CHARS.lastIndex = 0;
  return !found;
}

/** What {@link stripInvalidXmlCharsInTree} walks: an ltx element's attributes and children. */
interface XmlTree {
  readonly attrs: Record<string, unknown>;
  readonly children: unknown[];
}

/**
 * Removes every character XML 1.0 cannot carry from the attribute values and text of `element`
 * and all its descendants, in place: a last guard before a stanza is written, so text that
 * reached it unchecked (an IRC colour code in a private message, a WHOIS field) cannot make
 * the server close the stream. Strings that are already valid are left as they are.
 */
export function stripInvalidXmlCharsInTree(element: XmlTree): void {
  for (const [name, value] of Object.entries(element.attrs)) {
    if (typeof value === 'string' && !isValidXmlText(value)) element.attrs[name] = stripInvalidXmlChars(value);
  }
  const children = element.children;
  for (let i = 0; i < children.length; i++) {
    const child = children[i];
    if (typeof child === 'string') {
      if (!isValidXmlText(child)) children[i] = stripInvalidXmlChars(child);
    } else if (typeof child === 'object' && child !== null && 'attrs' in child && 'children' in child) {
      stripInvalidXmlCharsInTree(child as XmlTree);
    }
  }
}
