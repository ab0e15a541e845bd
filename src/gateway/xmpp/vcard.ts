/**
 * A contact's vCard (XEP-0054 vcard-temp), pure: what the legacy network knows of them as FN,
 * NICKNAME and NOTE. Every field is cleaned (no control characters but the note's line breaks)
 * and capped, whatever the legacy network handed over.
 */
import xml, { type Element } from '@xmpp/xml';
import type { ContactProfile } from '../api.js';
import { NS } from './namespaces.js';

/** The longest field of a vCard (characters). */
const MAX_FIELD = 1000;

/** `<vCard xmlns='vcard-temp'>` for `profile`. */
export function vcardOf(profile: ContactProfile): Element {
  const fields: Element[] = [];
  const fullName = clean(profile.fullName ?? '', false);
  if (fullName !== '') fields.push(xml('FN', {}, fullName));
  const nickname = clean(profile.nickname, false);
  if (nickname !== '') fields.push(xml('NICKNAME', {}, nickname));
  const note = clean(profile.note ?? '', true);
  if (note !== '') fields.push(xml('NOTE', {}, note));
  return xml('vCard', { xmlns: NS.vcard }, ...fields);
}

function clean(text: string, lines: boolean): string {
  return text.replace(lines ? /[^\P{Cc}\n]/gu : /\p{Cc}/gu, '').trim().slice(0, MAX_FIELD);
}
