/**
 * The XML stream parser fed through the StreamSlicer (issue 11, finding 5: linear parsing of
 * large stanzas) emits the same stanzas as xmpp.js's own parser, and no later: compared after
 * every piece of streams cut at random places with the plain parser given all data so far at
 * once. (Its speed is measured in bench/big-message.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Parser, type Element } from '@xmpp/xml';
import { SlicedParser } from '../../src/networks/xmpp/sliced-parser.js';
import { StreamSlicer } from '../../src/networks/xmpp/stream-slicer.js';

const HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='x' version='1.0'>";

/** Text as a server may send it: `<` and `&` escaped, `>` and quotes raw. */
const text = fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 6 }), fc.constantFrom('>', '"', "'", '&lt;', '&amp;', '&gt;', ' ', '\n')), { maxLength: 8 })
  .map((parts) => parts.join('').replace(/&(?!(lt|amp|gt);)/g, '&amp;').replace(/</g, '&lt;'));
const attribute = (quote: string) => text.map((value) => `${quote}${value.split(quote).join(quote === '"' ? '&quot;' : '&apos;')}${quote}`);
const stanza = fc.oneof(
  fc.tuple(attribute('"'), text).map(([id, body]) => `<message type='groupchat' id=${id}><body>${body}</body></message>`),
  fc.tuple(attribute("'"), text).map(([id, body]) => `<message id=${id}>${body}<x xmlns='a' v=${id}/></message>`),
  attribute("'").map((id) => `<presence id=${id}/>`),
  fc.constant(' '),
);

/** The stanzas a parser emitted so far, serialised. */
function collect(parser: Parser): string[] {
  const out: string[] = [];
  parser.on('element', (element: { toString(): string }) => out.push(element.toString()));
  parser.on('error', (error: Error) => out.push(`error: ${error.message}`));
  return out;
}

describe('XMPP stream slicer', () => {
  it('property: after every piece, the sliced parser has emitted what the plain one emits for all data so far at once', () => {
    fc.assert(fc.property(fc.array(stanza, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 12 }), (stanzas, cuts) => {
      const stream = HEADER + stanzas.join('');
      const ends = [...new Set([...cuts.map((c) => c % (stream.length + 1)), stream.length])].sort((a, b) => a - b);
      const sliced = new SlicedParser();
      const actual = collect(sliced);
      let start = 0;
      for (const end of ends) {
        sliced.write(stream.slice(start, end));
        start = end;
        // The oracle: xmpp.js's parser given everything so far in one piece (it has bugs of its
        // own at some piece boundaries, e.g. between `?` and `>`).
        const oracle = new Parser();
        const expected = collect(oracle);
        oracle.write(stream.slice(0, end));
        assert.deepEqual(actual, expected, `after ${JSON.stringify(stream.slice(0, end))}`);
      }
      assert.equal(actual.length, stanzas.filter((s) => s !== ' ').length);
    }), { numRuns: 500 });
  });

  it("builds the library's tree: attributes, parents and inherited namespaces", () => {
    const elements: Element[] = [];
    const sliced = new SlicedParser();
    sliced.on('element', (el: Element) => elements.push(el));
    sliced.write(`${HEADER}<message id='m1' type='groupchat'><body>hi &amp; bye</body><x xmlns='a' v='1'><y/></x></message>`);
    const [message] = elements;
    assert.ok(message !== undefined);
    assert.deepEqual(message.attrs, { id: 'm1', type: 'groupchat' });
    const body = message.getChild('body');
    assert.equal(body?.parent, message);
    assert.equal(body?.text(), 'hi & bye');
    assert.equal(body?.getNS(), 'jabber:client');
    const y = message.getChild('x', 'a')?.getChild('y');
    assert.equal(y?.getNS(), 'a');
    assert.equal(message.parent?.name, 'stream:stream');
  });

  it('holds back an open text or tag, never a complete stanza', () => {
    const slicer = new StreamSlicer();
    assert.equal(slicer.take('<a><b>long text'), '<a><b>');
    assert.equal(slicer.take(' still > text'), '');
    assert.equal(slicer.take(' end</b><c id="x>'), 'long text still > text end</b><');
    assert.equal(slicer.take('y"/>'), 'c id="x>y"/>');
    assert.equal(slicer.flush(), '');
  });
});
