import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { RichNode, RichText } from '../../src/core/richtext.js';
import { richTextArbitrary } from './arbitraries.js';
import { parseStyling, parseStylingFull } from '../../src/networks/xmpp/styling-parse.js';
import { plainText, renderStyling } from '../../src/networks/xmpp/styling-render.js';

void describe('XEP-0393 styling', () => {

  const t = (text: string): RichNode => ({ type: 'text', text });

  void it('parses the XEP-0393 spans', () => {
    assert.deepEqual(parseStyling('I *really* _mean_ ~it~ `now`'), [
      t('I '),
      { type: 'bold', children: [t('really')] },
      t(' '),
      { type: 'italic', children: [t('mean')] },
      t(' '),
      { type: 'strike', children: [t('it')] },
      t(' '),
      { type: 'code', text: 'now' },
    ]);
  });

  void it('nests spans and keeps code spans literal', () => {
    assert.deepEqual(parseStyling('*_both_* `*not bold*`'), [
      { type: 'bold', children: [{ type: 'italic', children: [t('both')] }] },
      t(' '),
      { type: 'code', text: '*not bold*' },
    ]);
  });

  void it('directives that break the rules stay text', () => {
    for (const s of ['a*b*', '* not*', '*not *', '**', 'x_y_z', '*open', 'a *b\nc* d']) {
      assert.deepEqual(parseStyling(s), [t(s)], s);
    }
  });

  void it('parses fenced code blocks with a language', () => {
    assert.deepEqual(parseStyling('look:\n```ts\nconst a = 1;\n*x*\n```\ndone'), [
      t('look:\n'),
      { type: 'pre', text: 'const a = 1;\n*x*', language: 'ts' },
      t('\ndone'),
    ]);
  });

  void it('an unclosed fence stays text', () => {
    assert.deepEqual(parseStyling('```\ncode'), [{ type: 'code', text: '`' }, t('\ncode')]);
  });

  void it('renders styles, links and what styling cannot express', () => {
    const body: RichText = [
      { type: 'bold', children: [t('bold')] },
      t(' '),
      { type: 'underline', children: [t('under')] },
      t(' '),
      { type: 'link', url: 'https://x.test/', children: [t('site')] },
      t(' '),
      { type: 'link', url: 'https://y.test/', children: [t('https://y.test/')] },
      t(' '),
      { type: 'mention', user: { network: 'n', id: 'r@c/al' }, text: 'al' },
      { type: 'pre', text: 'x = 1', language: 'py' },
      t('after'),
    ];
    assert.equal(renderStyling(body), '*bold* under site <https://x.test/> https://y.test/ al\n```py\nx = 1\n```\nafter');
  });

  void it('a style over several lines and with outer whitespace is wrapped per line', () => {
    assert.equal(renderStyling([{ type: 'italic', children: [t(' a\nb ')] }]), ' _a_\n_b_ ');
  });

  void it('inline code that cannot be wrapped falls back to its text', () => {
    assert.equal(renderStyling([{ type: 'code', text: 'a`b' }]), 'a`b');
  });

  void it('plainText drops the markup', () => {
    assert.equal(plainText(parseStyling('*a* _b_ `c`')), 'a b c');
  });

  const styledCharacters = fc.string({
    unit: fc.constantFrom('*', '_', '~', '`', '```', '\n', ' ', '\t', 'a', 'b', '>', 'é', '😀'),
    maxLength: 40,
  });

  void it('property: a body without directives takes the shortcut and gives what the full parse gives', () => {
    const body = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.array(fc.constantFrom('a', ' ', '\n', '>', '`', '*', '_', '~', '```'), { maxLength: 12 }).map((p) => p.join('')));
    fc.assert(fc.property(body, (text) => assert.deepEqual(parseStyling(text), parseStylingFull(text))), { numRuns: 1000 });
    assert.deepEqual(parseStyling('plain\n> quoted'), [{ type: 'text', text: 'plain\n> quoted' }]);
  });

  void it('property: rendering a parse gives back the original text', () => {
    fc.assert(
      fc.property(fc.oneof(styledCharacters, fc.string({ unit: 'binary', maxLength: 60 })), (s) => {
        assert.equal(renderStyling(parseStyling(s)), s);
      }),
      { numRuns: 2000 },
    );
  });

  /** Words without directive characters or whitespace. */
  const word = fc.stringMatching(/^[a-z0-9é.,!?]{1,8}$/);
  const words = fc.array(word, { minLength: 1, maxLength: 4 }).map((ws) => ws.join(' '));
  /** A style span over words, possibly nested once, as the parser would produce it. */
  const span: fc.Arbitrary<RichNode> = fc.oneof(
    words.map((w) => t(w)),
    words.map((w): RichNode => ({ type: 'code', text: w })),
    fc.tuple(fc.constantFrom('bold', 'italic', 'strike') as fc.Arbitrary<'bold' | 'italic' | 'strike'>, words).map(
      ([type, w]): RichNode => ({ type, children: [t(w)] }),
    ),
    fc.tuple(fc.constantFrom('bold', 'italic') as fc.Arbitrary<'bold' | 'italic'>, words).map(
      ([type, w]): RichNode => ({ type, children: [{ type: type === 'bold' ? 'italic' : 'bold', children: [t(w)] }] }),
    ),
  );

  /** Joins spans with single spaces, merging adjacent text as the parser does. */
  function spaced(nodes: readonly RichNode[]): RichText {
    const out: RichNode[] = [];
    const pushText = (text: string): void => {
      const last = out[out.length - 1];
      if (last?.type === 'text') out[out.length - 1] = t(last.text + text);
      else out.push(t(text));
    };
    nodes.forEach((node, i) => {
      if (i > 0) pushText(' ');
      if (node.type === 'text') pushText(node.text);
      else out.push(node);
    });
    return out;
  }

  void it('property: styled words survive render then parse', () => {
    fc.assert(
      fc.property(fc.array(span, { minLength: 1, maxLength: 6 }), (nodes) => {
        const body = spaced(nodes);
        assert.deepEqual(parseStyling(renderStyling(body)), body);
      }),
      { numRuns: 1000 },
    );
  });

  /** The text leaves of a body, in order. */
  function leafTexts(body: RichText): string[] {
    return body.flatMap((n): string[] => ('children' in n ? leafTexts(n.children) : [n.text]));
  }

  void it('property: rendering never loses or reorders text', () => {
    fc.assert(
      fc.property(richTextArbitrary(), (body) => {
        const rendered = renderStyling(body);
        let at = 0;
        for (const text of leafTexts(body)) {
          // Each leaf appears, line by line, after the previous one (markup only adds characters).
          for (const piece of text.split('\n').map((l) => l.trim()).filter((l) => l !== '')) {
            const found = rendered.indexOf(piece, at);
            assert.ok(found >= 0, `missing ${JSON.stringify(piece)} in ${JSON.stringify(rendered)}`);
            at = found + piece.length;
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
