/**
 * fast-check arbitraries shared by the unit tests.
 *
 * `richTextArbitrary()` generates valid RichText trees: every node type, bounded depth, and
 * text that mixes printable unicode, emoji (incl. ZWJ sequences and combining marks), IRC
 * formatting and control characters (CR, LF, NUL, ^B, ^C, ...) and XML specials. Strings are
 * always well-formed UTF-16 (no lone surrogates), because every network encodes to UTF-8.
 *
 * The trees are NOT normalized: adjacent text nodes, empty nodes and nested identical styles
 * all occur. Map through `normalize` from src/core/richtext-ops.ts when a test needs the
 * canonical form.
 */
import fc from 'fast-check';
import type { UserRef } from '../../src/core/refs.js';
import type { RichNode, RichText, StyleKind } from '../../src/core/richtext.js';

/** Every node type a RichText tree may contain. */
export type RichNodeType = RichNode['type'];

export const ALL_NODE_TYPES: readonly RichNodeType[] = [
  'text', 'bold', 'italic', 'underline', 'strike', 'spoiler', 'code', 'pre', 'link', 'mention', 'colour',
];

export interface RichTextArbitraryOptions {
  /** Node types to generate (default: all). Leaves are needed: include at least `text`. */
  readonly types?: readonly RichNodeType[];
  /** Maximum nesting of container nodes (default 3; 0 means leaves only). */
  readonly maxDepth?: number;
  /** Maximum nodes per list (default 4). */
  readonly maxNodes?: number;
  /** Text content: `any` (default) includes control characters; `printable` does not. */
  readonly text?: 'any' | 'printable';
  /** Allow empty strings in text/code/pre/mention (default true). */
  readonly allowEmpty?: boolean;
}

/** Characters that break naive protocol or markup handling. */
export const TRICKY_CHARACTERS: readonly string[] = [
  '\r', '\n', '\0', '\t', '\x01', '\x02', '\x03', '\x04', '\x0f', '\x11', '\x16', '\x1d', '\x1e', '\x1f', '\x7f',
  '<', '>', '&', '"', "'", '*', '_', '~', '`', '|', '\\', ' ', ',', ':', '#', '@', '/',
  '\u00a0', '\u200b', '\u200d', '\u2028', '\u2029', '\ufeff', '\u0301', '\ufffd',
];

/** Emoji, including multi-code-point sequences. */
export const EMOJI: readonly string[] = [
  '😀', '👍', '👍🏽', '❤️', '🇫🇷', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🧑‍💻', 'é', 'e\u0301', '日本語', 'Ωμέγα', 'مرحبا', '𝕏',
];

const STYLE_KINDS: readonly StyleKind[] = ['bold', 'italic', 'underline', 'strike', 'spoiler'];

/** A string of printable unicode, emoji and (for `any`) tricky characters. */
export function chatStringArbitrary(
  text: 'any' | 'printable' = 'any',
  minLength = 0,
): fc.Arbitrary<string> {
  const pieces: fc.Arbitrary<string>[] = [
    fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }),
    fc.constantFrom(...EMOJI),
  ];
  if (text === 'any') pieces.push(fc.constantFrom(...TRICKY_CHARACTERS));
  return fc.array(fc.oneof(...pieces), { minLength, maxLength: 6 }).map((parts) => parts.join(''));
}

const hexColour = fc
  .integer({ min: 0, max: 0xffffff })
  .map((n) => `#${n.toString(16).padStart(6, '0')}`);

const URL_PATH_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/?#[]@!$&\'()*+,;=%';

/**
 * An http(s) URL with a plausible host and a path using every character URLs allow
 * (cheap to build, unlike fc.webUrl(), whose construction takes seconds).
 */
export const urlArbitrary: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('https://', 'http://'),
    fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), minLength: 1, maxLength: 10 }),
    fc.constantFrom('.org', '.net', '.example', '.xn--p1ai'),
    fc.string({ unit: fc.constantFrom(...URL_PATH_CHARS), maxLength: 20 }),
  )
  .map(([scheme, host, tld, path]) => `${scheme}${host}${tld}${path === '' ? '' : `/${path}`}`);

/** A UserRef with an optional nick, like adapters produce. */
export const userRefArbitrary: fc.Arbitrary<UserRef> = fc.record(
  {
    network: fc.constantFrom('libera', 'oftc', 'jabber'),
    id: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }),
    nick: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }),
    account: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }),
  },
  { requiredKeys: ['network', 'id'], noNullPrototype: true },
);

/**
 * Generates valid RichText trees. Optional fields are either present with a value or absent
 * (never `undefined`), so a generated tree survives a JSON round trip deep-equal.
 */
export function richTextArbitrary(options: RichTextArbitraryOptions = {}): fc.Arbitrary<RichText> {
  const types = new Set(options.types ?? ALL_NODE_TYPES);
  const maxDepth = options.maxDepth ?? 3;
  const maxNodes = options.maxNodes ?? 4;
  const minLength = options.allowEmpty === false ? 1 : 0;
  const str = chatStringArbitrary(options.text ?? 'any', minLength);

  const leaves: fc.Arbitrary<RichNode>[] = [];
  if (types.has('text')) leaves.push(str.map((text) => ({ type: 'text', text })));
  if (types.has('code')) leaves.push(str.map((text) => ({ type: 'code', text })));
  if (types.has('pre')) {
    leaves.push(
      fc.record(
        { type: fc.constant('pre' as const), text: str, language: fc.constantFrom('ts', 'python', 'c++', '') },
        { requiredKeys: ['type', 'text'], noNullPrototype: true },
      ),
    );
  }
  if (types.has('mention')) {
    leaves.push(fc.record({ type: fc.constant('mention' as const), user: userRefArbitrary, text: str }, { noNullPrototype: true }));
  }
  if (leaves.length === 0) throw new Error('richTextArbitrary: options.types must include a leaf type (text, code, pre or mention)');
  const leaf = fc.oneof(...leaves);

  const nodeAt = (depth: number): fc.Arbitrary<RichNode> => {
    if (depth <= 0) return leaf;
    const children = fc.array(nodeAt(depth - 1), { maxLength: maxNodes });
    const containers: fc.Arbitrary<RichNode>[] = [];
    for (const kind of STYLE_KINDS) {
      if (types.has(kind)) containers.push(children.map((c) => ({ type: kind, children: c })));
    }
    if (types.has('link')) {
      containers.push(
        fc.record({ type: fc.constant('link' as const), url: urlArbitrary, children }, { noNullPrototype: true }),
      );
    }
    if (types.has('colour')) {
      containers.push(
        fc.record(
          { type: fc.constant('colour' as const), fg: hexColour, bg: hexColour, children },
          { requiredKeys: ['type', 'children'], noNullPrototype: true },
        ),
      );
    }
    if (containers.length === 0) return leaf;
    return fc.oneof({ arbitrary: leaf, weight: containers.length }, ...containers);
  };

  return fc.array(nodeAt(maxDepth), { maxLength: maxNodes });
}
