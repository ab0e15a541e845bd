/**
 * The XML stream parser of the hub's XMPP connections: xmpp.js's parser, fed through a
 * StreamSlicer so that a large stanza costs time in proportion to its size (stream-slicer.ts).
 */
import { Element, Parser } from '@xmpp/xml';
import { StreamSlicer } from './stream-slicer.js';

export class SlicedParser extends Parser {
  private readonly slicer = new StreamSlicer();
  /** An error was reported: the stream is over, nothing more is parsed or reported. */
  private failed = false;

  override write(data: string): void {
    if (this.failed) return;
    const ready = this.slicer.take(String(data));
    if (ready !== '') super.write(ready);
  }

  /**
   * Reports only the first error. xmpp.js stops listening at the first one, while ltx goes on
   * with the rest of the piece: a second error (`<a></b></c>`) would be an 'error' event
   * without listener, thrown out of the socket's data handler, ending the process.
   */
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'error') {
      if (this.failed) return false;
      this.failed = true;
    }
    return super.emit(event, ...args);
  }

  /**
   * As the library's: the element opened becomes the root or a child of the element being parsed.
   * Its attributes are the object ltx made for this tag (a new one per tag, never used again by
   * it) instead of a copy (`new Element(name, attrs)` copies them), one object less per element.
   */
  protected override onStartElement(name: string, attrs: Record<string, string>): void {
    const element = new Element(name);
    element.attrs = attrs;
    const { root, cursor } = this;
    if (!root) {
      this.root = element;
      this.emit('start', element);
    } else if (cursor !== root && cursor !== null) {
      cursor.children.push(element);
      element.parent = cursor;
    }
    this.cursor = element;
  }

  override end(data?: string): void {
    if (data) this.slicer.take(data);
    super.end(this.slicer.flush());
  }
}

/** Makes connections of `transport` (an xmpp.js transport class) parse with SlicedParser. */
export function parseSliced(transport: { readonly prototype: object }): void {
  Object.defineProperty(transport.prototype, 'Parser', { value: SlicedParser, configurable: true, writable: true });
}

/** A stanza longer than the cap: the stream is ended (`bad-format`) rather than the stanza parsed. */
export class StanzaTooLargeError extends Error {
  override readonly name = 'StanzaTooLargeError';
}

/**
 * Makes connections of `transport` parse with SlicedParser, and give up on a stanza once more
 * than `maxChars` characters arrived since the previous one ended: the parser reports an
 * error (the connection then ends the stream and closes). Counted per received piece, so a
 * piece holding several stanzas counts from the end of the first one; bounded all the same.
 */
export function parseSlicedCapped(transport: { readonly prototype: object }, maxChars: number): void {
  class CappedParser extends SlicedParser {
    private sinceStanza = 0;
    private over = false;

    constructor() {
      super();
      this.on('element', () => {
        this.sinceStanza = 0;
      });
    }

    override write(data: string): void {
      if (this.over) return;
      this.sinceStanza += String(data).length;
      if (this.sinceStanza > maxChars) {
        this.over = true;
        this.emit('error', new StanzaTooLargeError(`a stanza of more than ${maxChars} characters arrived`));
        return;
      }
      super.write(data);
    }
  }
  Object.defineProperty(transport.prototype, 'Parser', { value: CappedParser, configurable: true, writable: true });
}

/**
 * Makes `entity` ignore data that arrives after its parser was dropped. xmpp.js drops the parser
 * at a parse error and closes the socket afterwards; data arriving meanwhile would be written
 * to no parser (a TypeError thrown out of the socket's data handler, ending the process).
 * Call before the entity connects.
 */
export function ignoreDataWithoutParser(entity: object): void {
  const connection = entity as { parser: unknown; _onData(data: unknown): void };
  const onData = connection._onData.bind(connection);
  connection._onData = (data: unknown): void => {
    if (connection.parser !== null && connection.parser !== undefined) onData(data);
  };
}
