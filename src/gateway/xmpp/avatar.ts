/**
 * The person's own avatar, pure: the photo hash their presence announces (XEP-0153
 * vcard-temp:x:update) and the photo of their vCard (XEP-0054 PHOTO: TYPE, BINVAL), checked
 * against that hash and bounded in size, whatever their server or client sent.
 */
import { createHash } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import type { PersonAvatar } from '../api.js';
import { NS } from './namespaces.js';

/** The largest avatar taken (decoded bytes). */
export const MAX_AVATAR_BYTES = 512 * 1024;

/**
 * The photo hash `presence` announces: a lower-case SHA-1 in hex, '' for "no avatar", undefined
 * when it says nothing about the avatar (no update element, an empty or malformed one).
 */
export function announcedPhoto(presence: Element): string | undefined {
  const update = presence.getChild('x', NS.vcardUpdate);
  const photo = update?.getChild('photo');
  if (photo === undefined) return undefined;
  const hash = photo.text().trim().toLowerCase();
  return hash === '' || /^[0-9a-f]{40}$/.test(hash) ? hash : undefined;
}

/**
 * The avatar in `vcard` (a `<vCard xmlns='vcard-temp'>`); undefined when it has none usable (no
 * PHOTO, not an image, larger than MAX_AVATAR_BYTES, not base64, or not the announced `hash`).
 */
export function avatarOfVcard(vcard: Element | undefined, hash: string): PersonAvatar | undefined {
  const photo = vcard?.getChild('PHOTO');
  const type = photo?.getChildText('TYPE')?.trim().toLowerCase() ?? '';
  const encoded = (photo?.getChildText('BINVAL') ?? '').replace(/\s+/g, '');
  if (!/^image\/[a-z0-9.+-]{1,40}$/.test(type) || encoded === '') return undefined;
  if (encoded.length > Math.ceil(MAX_AVATAR_BYTES / 3) * 4 || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return undefined;
  const data = Buffer.from(encoded, 'base64');
  if (data.length === 0 || data.length > MAX_AVATAR_BYTES) return undefined;
  if (createHash('sha1').update(data).digest('hex') !== hash) return undefined;
  return { hash, type, data };
}
