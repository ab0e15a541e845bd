/**
 * Files sent as a link (XEP-0066 out-of-band data, what XEP-0363 uploads carry), pure: the
 * message's `<x xmlns='jabber:x:oob'><url>` and its body. The gateway never fetches the file; the
 * legacy network gets the URL (and the body's text when it says more than the URL).
 */
import type { Element } from '@xmpp/xml';
import { NS } from './namespaces.js';

/** The longest URL taken (characters); a longer one is ignored. */
const MAX_URL = 2000;

/** A file offered by link. */
export interface OfferedFile {
  readonly url: string;
  /** The message's text when it is more than the URL. */
  readonly caption?: string;
}

/**
 * The file `message` offers, if any: the first OOB URL that is http(s), one token of printable
 * characters and at most MAX_URL long (anything else is ignored, the body stays the message).
 */
export function offeredFile(message: Element, body: string | null): OfferedFile | undefined {
  const url = message.getChild('x', NS.oob)?.getChildText('url')?.trim();
  if (url === undefined || url.length > MAX_URL || !/^https?:\/\/[^\s\p{Cc}]+$/iu.test(url)) return undefined;
  const text = body?.trim() ?? '';
  return text === '' || text === url ? { url } : { url, caption: text };
}

/** The file as one message of text: the caption and the URL (the caption alone when it already has the URL). */
export function fileAsText(file: OfferedFile): string {
  if (file.caption === undefined) return file.url;
  return file.caption.includes(file.url) ? file.caption : `${file.caption} ${file.url}`;
}
