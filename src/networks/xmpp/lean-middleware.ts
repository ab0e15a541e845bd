/**
 * xmpp.js's stanza middleware (`@xmpp/middleware`), with the per-stanza work the hub never uses
 * taken out. For every stanza received and every stanza sent, the library makes a context whose
 * constructor parses the stanza's `from` and `to` into JIDs (with XEP-0106 escape detection),
 * and composes the whole handler chain anew (koa-compose, which copies the list each time). None
 * of the plugins the hub runs on it (stream features, SASL, stream management, the IQ caller and
 * callee) reads those JIDs, and the chain changes only while the client is put together.
 *
 * Here a context parses a JID only when a handler reads it (the same values, from the same
 * library), and the chain is composed once and again only after `use`/`filter`. The API
 * (`use`, `filter`), the context's fields and the order and semantics of the chain (each handler
 * gets `next`; what the chain resolves to for a received stanza is sent as the reply; an error
 * is emitted on the entity) are the library's, so the plugins run unchanged. One difference: a
 * filter (sent stanza) that fails is an `error` event too, where the library leaves the
 * rejection unhandled.
 */
import { parse as parseJid, type JID } from '@xmpp/jid';
import type { Element } from '@xmpp/xml';
import type { Client } from '@xmpp/client-core';
import type { Handler, Middleware, MiddlewareContext } from '@xmpp/middleware';

/** The context of one stanza, as `@xmpp/middleware` makes it, with `from`/`to` parsed on first read. */
class StanzaContext implements MiddlewareContext {
  readonly name: string;
  readonly id: string;
  readonly type: string;
  /** Set by the IQ callee for the query child. */
  element: Element | undefined;
  private parsed: { from: JID | null; to: JID | null } | undefined;

  constructor(
    readonly entity: Client,
    readonly stanza: Element,
    /** Received (`from` defaults to the server's domain) or sent (`from` defaults to our JID). */
    private readonly incoming: boolean,
  ) {
    const { name, attrs } = stanza;
    this.name = name;
    this.id = typeof attrs.id === 'string' && attrs.id !== '' ? attrs.id : '';
    const type = typeof attrs.type === 'string' && attrs.type !== '' ? attrs.type : '';
    this.type = type !== '' ? type : name === 'message' ? 'normal' : name === 'presence' ? 'available' : '';
  }

  get from(): JID | null {
    return this.addresses().from;
  }

  get to(): JID | null {
    return this.addresses().to;
  }

  /** The parts of the other side's address: `from` for a received stanza, `to` for a sent one. */
  get local(): string {
    return this.peer()?.local ?? '';
  }

  get domain(): string {
    return this.peer()?.domain ?? '';
  }

  get resource(): string {
    return this.peer()?.resource ?? '';
  }

  private peer(): JID | null {
    const { from, to } = this.addresses();
    return this.incoming ? from : to;
  }

  /** Parses like the library's contexts do (and throws where they throw: an address without a domain). */
  private addresses(): { from: JID | null; to: JID | null } {
    if (this.parsed !== undefined) return this.parsed;
    const { attrs } = this.stanza;
    const own = this.entity.jid?.toString();
    const domain = this.entity.options.domain;
    const attr = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
    const from = attr(attrs.from) ?? (this.incoming ? domain : own);
    const to = attr(attrs.to) ?? (this.incoming ? own : domain);
    this.parsed = { from: from ? parseJid(from) : null, to: to ? parseJid(to) : null };
    return this.parsed;
  }
}

type Chain = (ctx: MiddlewareContext) => Promise<unknown>;

/** Runs `handlers` in order, each with a `next` that runs the rest (koa-compose's semantics). */
function chainOf(handlers: readonly Handler[]): Chain {
  return (ctx) => {
    let index = -1;
    const dispatch = (i: number): Promise<unknown> => {
      if (i <= index) return Promise.reject(new Error('next() called multiple times'));
      index = i;
      const handler = handlers[i];
      if (handler === undefined) return Promise.resolve();
      try {
        return Promise.resolve(handler(ctx, () => dispatch(i + 1)));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    };
    return dispatch(0);
  };
}

/** A handler list whose chain is composed on first use after a change. */
class HandlerList {
  private readonly handlers: Handler[] = [];
  private chain: Chain | undefined;

  constructor(first: readonly Handler[] = []) {
    this.handlers.push(...first);
  }

  add(handler: Handler): Handler {
    this.handlers.push(handler);
    this.chain = undefined;
    return handler;
  }

  run(ctx: MiddlewareContext): Promise<unknown> {
    this.chain ??= chainOf([...this.handlers]);
    return this.chain(ctx);
  }
}

/**
 * Drop-in for `@xmpp/middleware`'s default export: received elements run the `use` handlers
 * (what they resolve to is sent as the reply), sent stanzas run the `filter` handlers.
 */
export function leanMiddleware({ entity }: { entity: Client }): Middleware {
  const replyOrError: Handler = (ctx, next) => {
    next()
      .then((reply) => (reply ? entity.send(reply as Element) : undefined))
      .catch((error: unknown) => entity.emit('error', error));
  };
  const incoming = new HandlerList([replyOrError]);
  const outgoing = new HandlerList();
  entity.on('element', (stanza: Element) => {
    void incoming.run(new StanzaContext(entity, stanza, true)); // the first handler catches
  });
  // The library leaves a failing filter's rejection unhandled; here it is an error event, like an incoming one's.
  entity.on('send', (stanza: Element) => {
    outgoing.run(new StanzaContext(entity, stanza, false)).catch((error: unknown) => entity.emit('error', error));
  });
  return {
    use: (fn) => incoming.add(fn),
    filter: (fn) => outgoing.add(fn),
  };
}
