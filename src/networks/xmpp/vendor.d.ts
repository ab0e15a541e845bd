/**
 * Minimal type declarations for the xmpp.js packages the XMPP adapter composes its client from
 * (the packages ship no types). Only what the adapter uses is declared.
 */

declare module '@xmpp/xml' {
  import { EventEmitter } from 'node:events';
  export type XmlChild = Element | string | null | undefined | false | readonly XmlChild[];
  export type XmlAttrs = Record<string, string | number | null | undefined>;

  /** An ltx element: a parsed or built XML node. */
  export class Element {
    constructor(name: string, attrs?: XmlAttrs);
    name: string;
    attrs: Record<string, string | undefined>;
    children: Array<Element | string>;
    parent: Element | null;
    is(name: string, xmlns?: string): boolean;
    getNS(): string | undefined;
    getChild(name: string, xmlns?: string): Element | undefined;
    getChildren(name: string, xmlns?: string): Element[];
    getChildElements(): Element[];
    getChildText(name: string, xmlns?: string): string | null;
    text(): string;
    append(...nodes: XmlChild[]): Element;
    toString(): string;
  }

  /** The XML stream parser (ltx underneath): emits `start`, `element`, `end` and `error`. */
  export class Parser extends EventEmitter {
    /** The stream's root element (`<stream:stream>`), once opened. */
    protected root: Element | null;
    /** The element being parsed (the root between stanzas). */
    protected cursor: Element | null;
    /** ltx's `startElement`: `attrs` is a new object for every tag. */
    protected onStartElement(name: string, attrs: Record<string, string>): void;
    write(data: string): void;
    end(data?: string): void;
  }

  /** Builds an element; nullish attributes and children are left out. */
  export default function xml(name: string, attrs?: XmlAttrs | null, ...children: XmlChild[]): Element;
  export function xml(name: string, attrs?: XmlAttrs | null, ...children: XmlChild[]): Element;
}

declare module '@xmpp/xml/lib/parse.js' {
  import type { Element } from '@xmpp/xml';
  /** Parses one XML document into an element; throws on malformed input. */
  export default function parse(data: string): Element;
}

declare module '@xmpp/jid' {
  /** An XMPP address (RFC 6122): localpart (XEP-0106-escaped) and domain lower-cased, resource as given. */
  export class JID {
    readonly local: string;
    readonly domain: string;
    readonly resource: string;
    /** The JID without its resource. */
    bare(): JID;
    toString(): string;
  }
  /** Parses `local@domain/resource`; throws a TypeError when there is no domain. */
  export function parse(text: string): JID;
}

declare module '@xmpp/client-core' {
  import type { EventEmitter } from 'node:events';
  import type { Element } from '@xmpp/xml';

  export interface ClientOptions {
    service: string;
    domain: string;
    lang?: string;
    timeout?: number;
  }

  /** A client connection: status events, stanza events, send. */
  export class Client extends EventEmitter {
    constructor(options: ClientOptions);
    options: ClientOptions;
    jid: { toString(): string; bare(): { toString(): string } } | null;
    status: string;
    timeout: number;
    transports: unknown[];
    socket: unknown;
    start(): Promise<unknown>;
    stop(): Promise<unknown>;
    disconnect(): Promise<unknown>;
    send(element: Element): Promise<void>;
    sendMany(elements: Element[]): Promise<void>;
    /** Writes raw text to the stream's socket (what `send` does after serializing; rejects while closing). */
    write(text: string): Promise<void>;
    isSecure(): boolean;
    restart(): Promise<unknown>;
    sendReceive(element: Element, timeout?: number): Promise<Element>;
    _attachSocket(socket: unknown): void;
    /** Opens the socket to `service` (the first half of `start()`). */
    connect(service: string): Promise<unknown>;
    /** Opens the stream (the second half of `start()`). */
    open(options: { domain: string; lang?: string }): Promise<unknown>;
    /** Sets the full JID (resource binding does this; a resumed session keeps the old one). */
    _jid(id: string): unknown;
  }
}

declare module '@xmpp/tcp/lib/Connection.js' {
  /** The plain TCP client transport (`xmpp://`). */
  export default class ConnectionTCP {
    socketParameters(service: string): Record<string, unknown> | undefined;
  }
}

declare module '@xmpp/tls/lib/Connection.js' {
  import ConnectionTCP from '@xmpp/tcp/lib/Connection.js';
  /** The direct TLS client transport (`xmpps://`). */
  export default class ConnectionTLS extends ConnectionTCP {}
}

declare module '@xmpp/tls/lib/Socket.js' {
  import type { EventEmitter } from 'node:events';
  /** Wraps a TLS socket; `connect(options)` calls `tls.connect(options)`. */
  export default class TlsSocket extends EventEmitter {
    connect(options: Record<string, unknown>): void;
  }
}

declare module '@xmpp/middleware' {
  import type { Client } from '@xmpp/client-core';
  import type { Element } from '@xmpp/xml';
  export interface MiddlewareContext {
    stanza: Element;
    entity: Client;
  }
  export type Handler = (ctx: MiddlewareContext, next: () => Promise<unknown>) => unknown;
  export interface Middleware {
    use(fn: Handler): Handler;
    filter(fn: Handler): Handler;
  }
  export default function middleware(deps: { entity: Client }): Middleware;
}

declare module '@xmpp/stream-features' {
  import type { Middleware, MiddlewareContext } from '@xmpp/middleware';
  import type { Element } from '@xmpp/xml';
  export interface StreamFeatures {
    use(
      name: string,
      xmlns: string,
      handler: (ctx: MiddlewareContext, next: () => Promise<unknown>, feature: Element) => unknown,
    ): void;
  }
  export default function streamFeatures(deps: { middleware: Middleware }): StreamFeatures;
}

declare module '@xmpp/iq/caller.js' {
  import type { Client } from '@xmpp/client-core';
  import type { Middleware } from '@xmpp/middleware';
  import type { Element } from '@xmpp/xml';
  export interface IqCaller {
    request(stanza: Element, timeoutMs?: number): Promise<Element>;
    get(child: Element, to?: string, timeoutMs?: number): Promise<Element>;
    set(child: Element, to?: string, timeoutMs?: number): Promise<Element>;
  }
  export default function iqCaller(deps: { middleware: Middleware; entity: Client }): IqCaller;
}

declare module '@xmpp/iq/callee.js' {
  import type { Client } from '@xmpp/client-core';
  import type { Middleware } from '@xmpp/middleware';
  export interface IqCallee {
    /** Answers IQ gets for `<name xmlns=ns/>`; the handler returns the reply child (or `{}` for none). */
    get(ns: string, name: string, handler: () => unknown): void;
  }
  export default function iqCallee(deps: { middleware: Middleware; entity: Client }): IqCallee;
}

declare module 'saslmechanisms' {
  /** The SASL mechanism registry xmpp.js authenticates with. */
  export default class SASLFactory {
    /** Registers a mechanism class (`new Mechanism()` per login) under its prototype's name, or under `name`. */
    use(mech: unknown): this;
    use(name: string, mech: unknown): this;
  }
}

declare module '@xmpp/sasl-plain' {
  import type SASLFactory from 'saslmechanisms';
  export default function saslPlain(factory: SASLFactory): void;
}

declare module '@xmpp/sasl' {
  import type SASLFactory from 'saslmechanisms';
  import type { StreamFeatures } from '@xmpp/stream-features';
  export type Authenticate = (credentials: { username: string; password: string }, mechanism: string) => Promise<void>;
  export default function sasl(
    deps: { streamFeatures: StreamFeatures; saslFactory: SASLFactory },
    onAuthenticate: (authenticate: Authenticate, mechanisms: string[]) => Promise<void>,
  ): void;
}

declare module '@xmpp/resource-binding' {
  import type { IqCaller } from '@xmpp/iq/caller.js';
  import type { StreamFeatures } from '@xmpp/stream-features';
  export default function resourceBinding(deps: { iqCaller: IqCaller; streamFeatures: StreamFeatures }, resource?: string): void;
}

declare module '@xmpp/stream-management' {
  import type { EventEmitter } from 'node:events';
  import type { Client } from '@xmpp/client-core';
  import type { Middleware } from '@xmpp/middleware';
  import type { StreamFeatures } from '@xmpp/stream-features';
  export interface StreamManagement extends EventEmitter {
    enabled: boolean;
    /** The session id the server gave for resumption ('' when it cannot be resumed). */
    id: string;
    /** The server's preferred maximum resumption time in seconds, as sent in <enabled max=...>. */
    max: string | null | undefined;
    /** Stanzas received and handled (h sent to the server). */
    inbound: number;
    /** Stanzas the server acknowledged. */
    outbound: number;
    timeout: number;
    requestAckInterval: number;
    /** Sent stanzas not yet acknowledged. */
    outbound_q: unknown[];
  }
  export default function streamManagement(deps: {
    streamFeatures: StreamFeatures;
    entity: Client;
    middleware: Middleware;
  }): StreamManagement;
}
