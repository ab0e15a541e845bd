/**
 * The XML stream parser of the hub's XMPP connections: xmpp.js's parser, fed through a
 * StreamSlicer so that a large stanza costs time in proportion to its size (stream-slicer.ts).
 */
import { Parser } from '@xmpp/xml';
import { StreamSlicer } from './stream-slicer.js';

export class SlicedParser extends Parser {
  private readonly slicer = new StreamSlicer();

  override write(data: string): void {
    const ready = this.slicer.take(String(data));
    if (ready !== '') super.write(ready);
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
