/**
 * Legacy ↔ XMPP message ids (slidge's `legacy_to_xmpp_msg_id` / `xmpp_to_legacy_msg_id`). A legacy
 * network may convert ids both ways ({@link MessageIdConversion}); the default is the id as is
 * (capped, control characters refused). Besides, each session remembers the ids of the person's
 * own messages: the XMPP id their client gave a message ↔ the legacy id `onText` answered, so a
 * later correction, reaction, retraction or displayed marker that names the XMPP id reaches the
 * legacy network with its own id. Bounded per session (the oldest are forgotten).
 */

import type { LegacySession } from './api.js';

/** The conversions a legacy network may provide (both optional, both pure). */
export type MessageIdConversion = Pick<LegacySession, 'xmppMessageId' | 'legacyMessageId'>;

/** Longest id taken either way (XMPP ids and IRC msgids are far shorter). */
export const MAX_MESSAGE_ID_CHARS = 128;
/** Most of the person's own messages remembered per session. */
export const MAX_REMEMBERED_IDS = 500;

/** `id` if usable as a message id (non-empty, bounded, no control characters). */
export function usableId(id: string | undefined): string | undefined {
  if (id === undefined || id === '' || id.length > MAX_MESSAGE_ID_CHARS) return undefined;
  return /\p{Cc}/u.test(id) ? undefined : id;
}

/** One session's message ids. */
export class MessageIds {
  /** XMPP id → legacy id of the person's own messages, oldest first. */
  readonly #sent = new Map<string, string>();

  constructor(
    private readonly conversion: MessageIdConversion,
    private readonly max = MAX_REMEMBERED_IDS,
  ) {}

  /** The person sent `xmppId`, which the legacy network calls `legacyId`. */
  remember(xmppId: string | undefined, legacyId: string | undefined): void {
    const from = usableId(xmppId);
    const to = usableId(legacyId);
    if (from === undefined || to === undefined) return;
    this.#sent.delete(from);
    this.#sent.set(from, to);
    if (this.#sent.size > this.max) {
      const oldest = this.#sent.keys().next().value;
      if (oldest !== undefined) this.#sent.delete(oldest);
    }
  }

  /** The legacy id of the message XMPP calls `xmppId`: remembered, else converted; undefined: none. */
  toLegacy(xmppId: string | undefined): string | undefined {
    const id = usableId(xmppId);
    if (id === undefined) return undefined;
    const known = this.#sent.get(id);
    if (known !== undefined) return known;
    return usableId(this.conversion.legacyMessageId === undefined ? id : this.conversion.legacyMessageId(id));
  }

  /** The XMPP id of the legacy message `legacyId`; undefined when there is none usable. */
  toXmpp(legacyId: string | undefined): string | undefined {
    const id = usableId(legacyId);
    if (id === undefined) return undefined;
    return usableId(this.conversion.xmppMessageId === undefined ? id : this.conversion.xmppMessageId(id));
  }
}
