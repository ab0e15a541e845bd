import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { RichNode, RichText } from '../../src/core/richtext.js';
import {
  bold, byteLength, code, colour, equals, fromJSON, fromPlain, isEmpty, italic, link, mapText, mention,
  normalize, plainText, pre, RichTextError, spoiler, strike, text, toJSON, underline,
} from '../../src/core/richtext-ops.js';
import { formatPath, MAX_RICHTEXT_DEPTH } from '../../src/core/richtext-schema.js';
import { chatStringArbitrary, richTextArbitrary, urlArbitrary } from './arbitraries.js';

const alice = { network: 'libera', id: 'alice', nick: 'alice' };

/** Every node in a tree with its path from the root, parents before children. */
function nodesWithPaths(rt: RichText, prefix: PropertyKey[] = []): { node: RichNode; path: PropertyKey[] }[] {
  return rt.flatMap((node, i) => {
    const path = [...prefix, i];
    const below = 'children' in node ? nodesWithPaths(node.children, [...path, 'children']) : [];
    return [{ node, path }, ...below];
  });
}

/** Sets `value` at `path` inside a JSON copy of `rt`. */
function withValueAt(rt: RichText, path: PropertyKey[], value: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(rt)) as unknown;
  let target = copy as Record<PropertyKey, unknown>;
  for (const key of path.slice(0, -1)) target = target[key] as Record<PropertyKey, unknown>;
  target[path[path.length - 1]!] = value;
  return copy;
}

function assertRejectedAt(value: unknown, path: string): void {
  assert.throws(() => fromJSON(value), (err: unknown) => {
    assert.ok(err instanceof RichTextError, `expected RichTextError, got ${String(err)}`);
    assert.equal(err.path, path);
    assert.ok(err.message.includes(path), `message names the path: ${err.message}`);
    return true;
  });
}

describe('constructors', () => {
  it('build nodes, turning string children into text nodes', () => {
    assert.deepEqual(text('hi'), { type: 'text', text: 'hi' });
    assert.deepEqual(bold('a', italic('b')), {
      type: 'bold', children: [{ type: 'text', text: 'a' }, { type: 'italic', children: [{ type: 'text', text: 'b' }] }],
    });
    for (const [make, kind] of [[underline, 'underline'], [strike, 'strike'], [spoiler, 'spoiler']] as const) {
      assert.deepEqual(make('x'), { type: kind, children: [{ type: 'text', text: 'x' }] });
    }
    assert.deepEqual(code('x = 1'), { type: 'code', text: 'x = 1' });
    assert.deepEqual(mention(alice, 'Alice'), { type: 'mention', user: alice, text: 'Alice' });
  });

  it('leave out optional fields that are not given', () => {
    assert.deepEqual(pre('ls'), { type: 'pre', text: 'ls' });
    assert.ok(!('language' in pre('ls')));
    assert.deepEqual(pre('ls', 'sh'), { type: 'pre', text: 'ls', language: 'sh' });
    assert.deepEqual(colour({ fg: '#ff0000' }, 'red'), { type: 'colour', fg: '#ff0000', children: [text('red')] });
    assert.ok(!('bg' in colour({ fg: '#ff0000' })));
    assert.deepEqual(colour({ bg: '#000000' }), { type: 'colour', bg: '#000000', children: [] });
  });

  it('label a link with its URL when no label is given', () => {
    assert.deepEqual(link('https://example.org'), { type: 'link', url: 'https://example.org', children: [text('https://example.org')] });
    assert.deepEqual(link('https://example.org', 'site').children, [text('site')]);
  });

  it('fromPlain makes one text node, or nothing for the empty string', () => {
    assert.deepEqual(fromPlain('hello\nworld'), [text('hello\nworld')]);
    assert.deepEqual(fromPlain(''), []);
  });
});

describe('plainText', () => {
  it('keeps the text of styles, colours, code and mentions', () => {
    const rt = [text('a '), bold('b ', italic('c')), colour({ fg: '#00ff00' }, ' d'), text(' '), code('e()'), text(' '), mention(alice, '@alice'), spoiler(' f')];
    assert.equal(plainText(rt), 'a b c d e() @alice f');
  });

  it('renders links as the URL, or as label (url) when the label differs', () => {
    assert.equal(plainText([link('https://x.org')]), 'https://x.org');
    assert.equal(plainText([link('https://x.org', 'https://x.org')]), 'https://x.org');
    assert.equal(plainText([text('see '), link('https://x.org', 'the ', bold('site'))]), 'see the site (https://x.org)');
    assert.equal(plainText([{ type: 'link', url: 'https://x.org', children: [] }]), 'https://x.org');
  });

  it('puts code blocks on their own lines', () => {
    assert.equal(plainText([text('before'), pre('x = 1\ny = 2', 'py'), text('after')]), 'before\nx = 1\ny = 2\nafter');
    assert.equal(plainText([pre('only')]), 'only');
    assert.equal(plainText([text('a\n'), pre('b'), text('\nc')]), 'a\nb\nc');
    assert.equal(plainText([pre('a'), pre('b')]), 'a\nb');
    assert.equal(plainText([pre('a'), text(''), bold('b')]), 'a\nb');
    assert.equal(plainText([text('a'), pre(''), text('b')]), 'ab');
  });

  it('byteLength counts UTF-8 bytes of the plain rendering', () => {
    assert.equal(byteLength([text('abc')]), 3);
    assert.equal(byteLength([text('é'), bold('😀')]), 2 + 4);
    assert.equal(byteLength([link('https://x.org', 'x')]), 'x (https://x.org)'.length);
    assert.equal(byteLength([]), 0);
  });

  it('isEmpty is true only when nothing is shown', () => {
    assert.equal(isEmpty([]), true);
    assert.equal(isEmpty([text(''), bold(italic('')), pre('')]), true);
    assert.equal(isEmpty([text(' ')]), false);
    assert.equal(isEmpty([bold(code('x'))]), false);
  });
});

describe('normalize', () => {
  it('merges adjacent text and drops empty nodes', () => {
    assert.deepEqual(normalize([text('a'), text(''), text('b'), bold(), italic(text('')), code(''), pre('')]), [text('ab')]);
  });

  it('merges adjacent identical styles and the text that then meets', () => {
    assert.deepEqual(normalize([bold('a'), bold('b'), italic('c')]), [bold('ab'), italic('c')]);
    assert.deepEqual(
      normalize([colour({ fg: '#ff0000' }, 'a'), colour({ fg: '#FF0000' }, 'b')]),
      [colour({ fg: '#ff0000' }, 'ab')],
    );
  });

  it('unwraps a style nested in the same style', () => {
    assert.deepEqual(normalize([bold('a', bold('b'), 'c')]), [bold('abc')]);
    assert.deepEqual(normalize([bold(italic(bold('x')))]), [bold(italic('x'))]);
    assert.deepEqual(normalize([italic(link('https://x.org', italic('x')))]), [italic(link('https://x.org', 'x'))]);
  });

  it('unwraps colours that change nothing and lower-cases colours', () => {
    assert.deepEqual(normalize([colour({}, 'x')]), [text('x')]);
    assert.deepEqual(
      normalize([colour({ fg: '#AA0000', bg: '#000000' }, colour({ fg: '#aa0000' }, 'x'))]),
      [colour({ fg: '#aa0000', bg: '#000000' }, 'x')],
    );
    assert.deepEqual(
      normalize([colour({ fg: '#aa0000' }, colour({ fg: '#aa0000', bg: '#00ff00' }, 'x'))]),
      [colour({ fg: '#aa0000' }, colour({ bg: '#00ff00' }, 'x'))],
    );
  });

  it('labels unlabelled links, drops empty languages and undefined fields', () => {
    assert.deepEqual(normalize([{ type: 'link', url: 'https://x.org', children: [text('')] }]), [link('https://x.org')]);
    assert.deepEqual(normalize([{ type: 'pre', text: 'x', language: '' }]), [pre('x')]);
    assert.deepEqual(normalize([{ type: 'pre', text: 'x', language: undefined }]), [pre('x')]);
    const user = { network: 'libera', id: 'bob', nick: undefined };
    assert.deepEqual(normalize([mention(user, 'bob')]), [mention({ network: 'libera', id: 'bob' }, 'bob')]);
  });

  it('keeps mentions with empty text and does not change its input', () => {
    const input = [mention(alice, ''), text('a'), text('b')];
    const snapshot = JSON.stringify(input);
    assert.deepEqual(normalize(input), [mention(alice, ''), text('ab')]);
    assert.equal(JSON.stringify(input), snapshot);
  });

  it('equals compares canonical forms', () => {
    assert.ok(equals([text('a'), text('b')], [text('ab')]));
    assert.ok(equals([bold(bold('x'))], [bold('x')]));
    assert.ok(equals([link('https://x.org')], [{ type: 'link', url: 'https://x.org', children: [] }]));
    assert.ok(!equals([bold('x')], [italic('x')]));
    assert.ok(!equals([text('x')], [code('x')]));
    assert.ok(!equals([mention(alice, 'a')], [mention({ ...alice, id: 'alice2' }, 'a')]));
  });
});

describe('mapText', () => {
  it('rewrites text leaves, including link labels, and nothing else', () => {
    const rt = [text('a'), bold('b', link('https://a.org', 'c')), code('a'), pre('a'), mention(alice, 'a')];
    assert.deepEqual(mapText(rt, (s) => s.toUpperCase()), [
      text('A'), bold('B', link('https://a.org', 'C')), code('a'), pre('a'), mention(alice, 'a'),
    ]);
  });

  it('does not normalize, so empty results stay until normalize', () => {
    const mapped = mapText([text('drop me'), text('x')], (s) => (s === 'drop me' ? '' : s));
    assert.deepEqual(mapped, [text(''), text('x')]);
    assert.deepEqual(normalize(mapped), [text('x')]);
  });
});

describe('toJSON / fromJSON', () => {
  it('round-trips a body with every node type', () => {
    const rt: RichText = [
      text('hi '), bold(italic(underline(strike(spoiler('x'))))), code('c'), pre('p', 'ts'),
      link('https://x.org', 'x'), mention(alice, 'alice'), colour({ fg: '#123456', bg: '#abcdef' }, 'c'),
    ];
    assert.deepEqual(fromJSON(JSON.parse(JSON.stringify(toJSON(rt)))), rt);
  });

  it('toJSON drops undefined fields', () => {
    assert.deepEqual(toJSON([{ type: 'pre', text: 'x', language: undefined }]), [{ type: 'pre', text: 'x' }]);
  });

  it('rejects malformed input with the path of the bad node', () => {
    assertRejectedAt({ type: 'text', text: 'x' }, '$');
    assertRejectedAt('hello', '$');
    assertRejectedAt(null, '$');
    assertRejectedAt([null], '$[0]');
    assertRejectedAt([{ type: 'text' }], '$[0].text');
    assertRejectedAt([{ type: 'blink', text: 'x' }], '$[0].type');
    assertRejectedAt([text('ok'), { type: 'bold', children: [text('ok'), { type: 'text', text: 3 }] }], '$[1].children[1].text');
    assertRejectedAt([{ type: 'colour', fg: 'red', children: [] }], '$[0].fg');
    assertRejectedAt([{ type: 'link', url: '', children: [] }], '$[0].url');
    assertRejectedAt([{ type: 'mention', user: { network: 'libera' }, text: 'x' }], '$[0].user.id');
    assertRejectedAt([{ type: 'bold', children: 'x' }], '$[0].children');
  });

  it('rejects unknown fields rather than dropping them', () => {
    assertRejectedAt([{ type: 'text', text: 'x', colour: 'red' }], '$[0]');
  });

  it('rejects nesting deeper than the limit with a clear error, without overflowing the stack', () => {
    let deep: unknown = [text('x')];
    for (let i = 0; i < 20_000; i++) deep = [{ type: 'bold', children: deep }];
    assert.throws(() => fromJSON(deep), (err: unknown) => err instanceof RichTextError && /nested deeper than/.test(err.message));
    let ok: RichText = [text('x')];
    for (let i = 1; i < MAX_RICHTEXT_DEPTH; i++) ok = [bold(...ok)];
    assert.deepEqual(fromJSON(ok), ok);
  });
});

describe('formatPath', () => {
  it('writes indexes in brackets and odd keys quoted', () => {
    assert.equal(formatPath([]), '$');
    assert.equal(formatPath([0, 'children', 2, 'text']), '$[0].children[2].text');
    assert.equal(formatPath(['a b']), '$["a b"]');
  });
});

describe('properties', () => {
  const anyBody = richTextArbitrary();

  it('JSON round trip gives back an equal tree', () => {
    fc.assert(fc.property(anyBody, (rt) => {
      assert.deepEqual(fromJSON(JSON.parse(JSON.stringify(toJSON(rt)))), rt);
    }));
  });

  it('normalize is idempotent and its result is valid', () => {
    fc.assert(fc.property(anyBody, (rt) => {
      const once = normalize(rt);
      assert.deepEqual(normalize(once), once);
      assert.deepEqual(fromJSON(toJSON(once)), once);
    }));
  });

  it('normalize preserves the plain rendering, and equals holds', () => {
    fc.assert(fc.property(anyBody, (rt) => {
      assert.equal(plainText(normalize(rt)), plainText(rt));
      assert.ok(equals(rt, normalize(rt)));
    }));
  });

  it('normalized trees have no empty or mergeable nodes and no nested identical styles', () => {
    const check = (nodes: readonly RichNode[], outer: ReadonlySet<string>): void => {
      nodes.forEach((node, i) => {
        const prev = nodes[i - 1];
        if (node.type === 'text' || node.type === 'code' || node.type === 'pre') assert.notEqual(node.text, '');
        if (prev) assert.ok(!(prev.type === 'text' && node.type === 'text'), 'adjacent text nodes');
        if ('children' in node) {
          if (node.type !== 'link') {
            assert.ok(node.children.length > 0, 'empty container');
            assert.ok(!(prev && prev.type === node.type && node.type !== 'colour'), 'adjacent identical styles');
          }
          if (node.type !== 'link' && node.type !== 'colour') assert.ok(!outer.has(node.type), `${node.type} inside ${node.type}`);
          check(node.children, new Set([...outer, node.type]));
        }
      });
    };
    fc.assert(fc.property(anyBody, (rt) => check(normalize(rt), new Set())));
  });

  it('plainText of constructors concatenates their text', () => {
    const str = chatStringArbitrary();
    fc.assert(fc.property(str, str, str, urlArbitrary, (a, b, c, url) => {
      assert.equal(plainText([text(a), bold(b, italic(c))]), a + b + c);
      assert.equal(plainText([code(a), mention(alice, b), colour({ fg: '#010203' }, spoiler(c))]), a + b + c);
      assert.equal(plainText([link(url, a)]), a === '' || a === url ? url : `${a} (${url})`);
      assert.equal(plainText(fromPlain(a)), a);
      assert.equal(byteLength([text(a), strike(b)]), Buffer.byteLength(a + b));
    }));
  });

  it('mapText with the identity keeps the tree, and never touches code or mentions', () => {
    fc.assert(fc.property(anyBody, (rt) => {
      assert.deepEqual(mapText(rt, (s) => s), rt);
      const leaves = (t: RichText): RichNode[] => nodesWithPaths(t).map((n) => n.node).filter((n) => n.type === 'code' || n.type === 'pre' || n.type === 'mention');
      const blanked = mapText(rt, () => '');
      assert.deepEqual(leaves(blanked), leaves(rt));
      assert.ok(nodesWithPaths(blanked).every(({ node }) => node.type !== 'text' || node.text === ''));
    }));
  });

  it('fromJSON rejects a corrupted node and names its path', () => {
    const withNode = anyBody.filter((rt) => rt.length > 0);
    fc.assert(fc.property(withNode, fc.nat(), fc.constantFrom('type', 'field'), (rt, pick, how) => {
      const nodes = nodesWithPaths(rt);
      const { node, path } = nodes[pick % nodes.length]!;
      if (how === 'type') {
        assertRejectedAt(withValueAt(rt, [...path, 'type'], 'blink'), formatPath([...path, 'type']));
      } else {
        const field = 'children' in node ? 'children' : 'text';
        assertRejectedAt(withValueAt(rt, [...path, field], 42), formatPath([...path, field]));
      }
    }));
  });
});
