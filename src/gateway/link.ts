/**
 * The gateway's narrow view of its XMPP component connection: send a stanza, receive stanzas,
 * make IQ requests. The framework needs nothing else, so the connection underneath (today
 * xmpp-component/connection.ts; the shared connection lifecycle when it lands) is a small adapter.
 */
import type { Element } from '@xmpp/xml';

export interface ComponentLink {
  /** The component's domain (the gateway JID). */
  readonly domain: string;
  /** Sends one stanza (with its `from` set); dropped when the link is down. */
  send(stanza: Element): void;
  /** Sends an IQ get/set and resolves with the result (rejects on an error reply or after `timeoutMs`). */
  request(iq: Element, timeoutMs: number): Promise<Element>;
}

/** What the link hands to the gateway. */
export interface LinkEvents {
  /** A stanza for the component (IQ results to `request` are not passed on). */
  stanza(stanza: Element): void;
  /** The link was lost (not after `close`). */
  lost(reason: string): void;
}
