/**
 * RichText: the network-neutral message body.
 *
 * A body is a list of nodes. Style nodes (bold, italic, ...) wrap children; leaf nodes carry
 * text. Each network adapter converts its own format to and from this tree (mIRC codes,
 * XEP-0393 styling, HTML, ...). The tree is plain data: it survives `JSON.stringify` /
 * `JSON.parse` unchanged, which is how it is stored and sent between processes.
 */
import type { UserRef } from './refs.js';

/** Styles that wrap other nodes. */
export type StyleKind = 'bold' | 'italic' | 'underline' | 'strike' | 'spoiler';

export interface TextNode { readonly type: 'text'; readonly text: string }
export interface StyleNode { readonly type: StyleKind; readonly children: readonly RichNode[] }
/** Inline code (monospace). */
export interface CodeNode { readonly type: 'code'; readonly text: string }
/** A code block (preformatted, may span lines). */
export interface PreNode { readonly type: 'pre'; readonly text: string; readonly language?: string }
export interface LinkNode { readonly type: 'link'; readonly url: string; readonly children: readonly RichNode[] }
/** A mention of a user; `text` is what is shown (usually the nick). */
export interface MentionNode { readonly type: 'mention'; readonly user: UserRef; readonly text: string }
/**
 * Coloured text. Colours are `#rrggbb` strings; adapters map them to the nearest colour their
 * network supports (IRC's 99-colour palette, for example).
 */
export interface ColourNode {
  readonly type: 'colour';
  readonly fg?: string;
  readonly bg?: string;
  readonly children: readonly RichNode[];
}

export type RichNode = TextNode | StyleNode | CodeNode | PreNode | LinkNode | MentionNode | ColourNode;

/** A message body. */
export type RichText = readonly RichNode[];
