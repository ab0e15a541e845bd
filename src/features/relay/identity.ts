/**
 * The identity prefix of a relayed message: a template such as `<{nick}@{network}> ` filled
 * in with the author's details, as RichText (the nick optionally coloured on IRC).
 */
import { createHash } from 'node:crypto';
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

const PLACEHOLDER = /\{(nick|displayName|network|protocol|id|account)\}/g;

/**
 * Readable colours for nicks (mIRC palette entries that read well on light and dark
 * backgrounds; white, black and greys are left out).
 */
const NICK_COLOURS = ['#fc7f00', '#009300', '#ff0000', '#7f0000', '#9c009c', '#00fc00', '#009393', '#00ffff', '#0000fc', '#ff00ff', '#000080'] as const;

/** Removes control characters (C0, C1, DEL) and bidirectional overrides from a name. */
export function cleanName(name: string): string {
  // eslint-disable-next-line no-control-regex -- exactly the characters being removed
  return name.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '');
}

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
 * Fills in `template`. With `colourNick`, every `{nick}` becomes a colour node. Adjacent text
 * is merged; an empty result is an empty body.
 */
export function renderIdentity(template: string, values: IdentityValues, colourNick = false): RichText {
  const nodes: RichNode[] = [];
  const pushText = (text: string): void => {
    if (text === '') return;
    const last = nodes[nodes.length - 1];
    if (last?.type === 'text') nodes[nodes.length - 1] = { type: 'text', text: last.text + text };
    else nodes.push({ type: 'text', text });
  };
  let at = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    pushText(template.slice(at, match.index));
    const key = match[1] as keyof IdentityValues;
    if (key === 'nick' && colourNick) nodes.push({ type: 'colour', fg: nickColour(values.nick), children: [{ type: 'text', text: values.nick }] });
    else pushText(values[key]);
    at = match.index + match[0].length;
  }
  pushText(template.slice(at));
  return nodes;
}
