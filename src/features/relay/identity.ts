/**
 * The identity prefix of a relayed message: a template such as `<{nick}@{network}> ` filled
 * in with the author's details, as RichText (the nick optionally coloured on IRC).
 *
 * The names people choose ({nick}, {displayName}, {id}, {account}) are made safe for the
 * template first (core/identity-text.ts): no name can contain the template's delimiters, a
 * line break or a control character, so the identity always ends where the template says.
 * {network} and {protocol} come from the configuration and are used as they are.
 */
import { createHash } from 'node:crypto';
import { cleanName, safeName } from '../../core/identity-text.js';
import type { UserRef } from '../../core/refs.js';
import type { RichNode, RichText } from '../../core/richtext.js';

/** What the placeholders of an identity template are filled with. */
export interface IdentityValues {
  readonly nick: string;
  readonly displayName: string;
  readonly network: string;
  readonly protocol: string;
  readonly id: string;
  readonly account: string;
}

/** Shown for a name that is empty once made safe (letters are never replaced). */
const UNNAMED = 'unnamed';

const PLACEHOLDER = /\{(nick|displayName|network|protocol|id|account)\}/g;

/**
 * Readable colours for nicks (mIRC palette entries that read well on light and dark
 * backgrounds; white, black and greys are left out).
 */
const NICK_COLOURS = ['#fc7f00', '#009300', '#ff0000', '#7f0000', '#9c009c', '#00fc00', '#009393', '#00ffff', '#0000fc', '#ff00ff', '#000080'] as const;

export { cleanName };

/** The placeholders whose values people choose, made safe for the template before use. */
const CHOSEN_BY_USERS: ReadonlySet<keyof IdentityValues> = new Set(['nick', 'displayName', 'id', 'account']);

/** The values for `author`, sent from a network speaking `protocol`. */
export function identityValues(author: UserRef, protocol: string): IdentityValues {
  const nick = cleanName(author.nick ?? author.id) || '?';
  return {
    nick,
    displayName: cleanName(author.displayName ?? '') || nick,
    network: author.network,
    protocol,
    id: cleanName(author.id),
    account: cleanName(author.account ?? ''),
  };
}

/** A colour chosen from the nick alone, so each person keeps theirs across messages and restarts. */
export function nickColour(nick: string): string {
  const digest = createHash('sha1').update(nick.toLowerCase()).digest();
  return NICK_COLOURS[digest.readUInt32BE(0) % NICK_COLOURS.length] as string;
}

/**
 * Fills in `template`, the names made safe for it (see the module comment). With `colourNick`,
 * every `{nick}` becomes a colour node. Adjacent text is merged; an empty result is an empty body.
 */
export function renderIdentity(template: string, values: IdentityValues, colourNick = false): RichText {
  const nodes: RichNode[] = [];
  const pushText = (text: string): void => {
    if (text === '') return;
    const last = nodes[nodes.length - 1];
    if (last?.type === 'text') nodes[nodes.length - 1] = { type: 'text', text: last.text + text };
    else nodes.push({ type: 'text', text });
  };
  for (const part of templateParts(template)) {
    if (typeof part === 'string') {
      pushText(part);
      continue;
    }
    const key = part.key;
    const value = CHOSEN_BY_USERS.has(key) && values[key] !== '' ? safeName(values[key], template) || UNNAMED : values[key];
    if (key === 'nick' && colourNick) nodes.push({ type: 'colour', fg: nickColour(values.nick), children: [{ type: 'text', text: value }] });
    else pushText(value);
  }
  return nodes;
}

/** A template cut at its placeholders: literal text, and the placeholders' keys. */
type TemplatePart = string | { readonly key: keyof IdentityValues };

/** Templates already cut (they come from the configuration: few); emptied when full. */
const cutTemplates = new Map<string, readonly TemplatePart[]>();
const MAX_CUT_TEMPLATES = 256;

/** `template` cut at its placeholders, kept: the template is not parsed again for every message. */
function templateParts(template: string): readonly TemplatePart[] {
  let parts = cutTemplates.get(template);
  if (parts !== undefined) return parts;
  const cut: TemplatePart[] = [];
  let at = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (match.index > at) cut.push(template.slice(at, match.index));
    cut.push({ key: match[1] as keyof IdentityValues });
    at = match.index + match[0].length;
  }
  if (at < template.length) cut.push(template.slice(at));
  parts = cut;
  if (cutTemplates.size >= MAX_CUT_TEMPLATES) cutTemplates.clear();
  cutTemplates.set(template, parts);
  return parts;
}
