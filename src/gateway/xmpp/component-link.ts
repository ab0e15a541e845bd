/**
 * A {@link ComponentLink} over the XEP-0114 connection of networks/xmpp-component/connection.ts
 * (xmpp.js): one instance per connect attempt.
 */
import type { Client } from '@xmpp/client-core';
import middlewareFactory from '@xmpp/middleware';
import iqCallerFactory, { type IqCaller } from '@xmpp/iq/caller.js';
import type { Element } from '@xmpp/xml';
import { createComponentEntity, startComponent, type ComponentEndpoint } from '../../networks/xmpp-component/connection.js';
import { stopEntity } from '../../networks/xmpp/connect-round.js';
import { stripInvalidXmlCharsInTree } from '../../networks/xmpp/xml-chars.js';
import type { ComponentLink, LinkEvents } from '../link.js';
import { WriteBatch } from './write-batch.js';

/** Why the stream closed, in words. */
function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return reason === undefined || reason === null ? 'connection closed' : String(reason);
}

export class XmppComponentLink implements ComponentLink {
  readonly domain: string;
  readonly #entity: Client;
  readonly #iq: IqCaller;
  #closing = false;
  /** Set once the handshake succeeded: a close before that is the connect round's to report. */
  #open = false;
  /** Stanzas sent in this turn, written together (write-batch.ts). */
  readonly #batch = new WriteBatch((text) => {
    if (this.#closing || this.#entity.socket === null) return;
    this.#entity.write(text).catch(() => undefined);
  });

  private constructor(endpoint: ComponentEndpoint, events: LinkEvents) {
    this.domain = endpoint.domain;
    this.#entity = createComponentEntity(endpoint);
    const middleware = middlewareFactory({ entity: this.#entity });
    this.#iq = iqCallerFactory({ middleware, entity: this.#entity });
    this.#entity.on('error', () => undefined); // reported through disconnect / the connect round
    this.#entity.on('stanza', (el: Element) => {
      if (el.is('iq') && (el.attrs.type === 'result' || el.attrs.type === 'error')) return; // the IQ caller's
      events.stanza(el);
    });
    this.#entity.on('disconnect', (info?: { reason?: unknown }) => {
      if (this.#open && !this.#closing) events.lost(describeReason(info?.reason));
    });
  }

  /** Connects and does the handshake; rejects (FatalComponentError for a wrong secret) otherwise. */
  static async open(endpoint: ComponentEndpoint, events: LinkEvents, signal?: AbortSignal): Promise<XmppComponentLink> {
    const link = new XmppComponentLink(endpoint, events);
    try {
      await startComponent(link.#entity, endpoint, signal);
      link.#open = true;
    } catch (error) {
      await link.close();
      throw error;
    }
    return link;
  }

  send(stanza: Element): void {
    if (this.#closing || this.#entity.socket === null) return;
    // Text from the legacy network may hold characters XML cannot carry (IRC colour codes): the
    // server would close the stream on one, so none leaves, whichever code built the stanza.
    stripInvalidXmlCharsInTree(stanza);
    // Serialized now (as xmpp.js's send does) and written with the turn's other stanzas; not
    // through xmpp.js's send, whose outgoing middleware (none is used) parses both JIDs of each.
    this.#batch.add(stanza.toString());
  }

  request(iq: Element, timeoutMs: number): Promise<Element> {
    stripInvalidXmlCharsInTree(iq);
    this.#batch.flush(); // what was sent before the request leaves before it
    return this.#iq.request(iq, timeoutMs);
  }

  /** Ends the stream. Never rejects. */
  async close(): Promise<void> {
    this.#batch.flush();
    this.#closing = true;
    await stopEntity(this.#entity, 2000).catch(() => undefined);
  }
}
