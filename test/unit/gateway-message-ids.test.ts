/**
 * Legacy ↔ XMPP message ids (message-ids.ts) and the person's avatar from their vCard
 * (xmpp/avatar.ts): pure, property-tested where a rule holds for any input.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import xml from '@xmpp/xml';
import { MAX_MESSAGE_ID_CHARS, MessageIds, usableId } from '../../src/gateway/message-ids.js';
import { announcedPhoto, avatarOfVcard, MAX_AVATAR_BYTES } from '../../src/gateway/xmpp/avatar.js';

describe('message ids', () => {
  it('defaults to the id as is, both ways; ids with control characters or too long are none', () => {
    const ids = new MessageIds({});
    fc.assert(fc.property(fc.string(), (id) => {
      const usable = id !== '' && id.length <= MAX_MESSAGE_ID_CHARS && !/\p{Cc}/u.test(id);
      assert.equal(ids.toLegacy(id), usable ? id : undefined);
      assert.equal(ids.toXmpp(id), usable ? id : undefined);
      assert.equal(usableId(id), usable ? id : undefined);
    }));
  });

  it('remembers the person\'s sent ids before converting, at most the bound, the oldest forgotten', () => {
    const ids = new MessageIds({ legacyMessageId: (id) => (id.startsWith('x-') ? id.slice(2) : undefined), xmppMessageId: (id) => `x-${id}` }, 3);
    fc.assert(fc.property(fc.array(fc.tuple(fc.stringMatching(/^[a-z0-9]{1,12}$/), fc.stringMatching(/^[A-Z0-9]{1,12}$/)), { maxLength: 20 }), (pairs) => {
      const local = new MessageIds({}, 3);
      for (const [xmppId, legacyId] of pairs) local.remember(xmppId, legacyId);
      const last = new Map<string, string>();
      for (const [xmppId, legacyId] of pairs) {
        last.delete(xmppId);
        last.set(xmppId, legacyId);
      }
      const kept = [...last].slice(-3);
      for (const [xmppId, legacyId] of kept) assert.equal(local.toLegacy(xmppId), legacyId);
    }));
    ids.remember('m1', 'L1');
    assert.equal(ids.toLegacy('m1'), 'L1');
    assert.equal(ids.toLegacy('x-L9'), 'L9');
    assert.equal(ids.toLegacy('m2'), undefined);
    assert.equal(ids.toXmpp('L9'), 'x-L9');
    ids.remember('m2', undefined); // no legacy id: nothing to remember
    ids.remember('m3', 'L3');
    ids.remember('m4', 'L4');
    ids.remember('m5', 'L5');
    assert.equal(ids.toLegacy('m1'), undefined, 'forgotten past the bound');
    assert.equal(ids.toLegacy('m5'), 'L5');
  });
});

describe('the person\'s avatar', () => {
  const image = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
  const hash = createHash('sha1').update(image).digest('hex');
  const vcard = (type: string, binval: string) => xml('vCard', { xmlns: 'vcard-temp' }, xml('PHOTO', {}, xml('TYPE', {}, type), xml('BINVAL', {}, binval)));

  it('reads the announced hash: a SHA-1, empty for none, nothing otherwise', () => {
    const presence = (...photo: string[]) => xml('presence', {}, xml('x', { xmlns: 'vcard-temp:x:update' }, ...photo.map((p) => xml('photo', {}, p))));
    assert.equal(announcedPhoto(presence(hash.toUpperCase())), hash);
    assert.equal(announcedPhoto(presence('')), '');
    assert.equal(announcedPhoto(presence('not-a-hash')), undefined);
    assert.equal(announcedPhoto(presence()), undefined);
    assert.equal(announcedPhoto(xml('presence', {})), undefined);
  });

  it('takes the vCard photo only when it is an image of the announced hash, within the bound', () => {
    const b64 = image.toString('base64');
    assert.deepEqual(avatarOfVcard(vcard('image/png', `${b64.slice(0, 4)}\n${b64.slice(4)}`), hash), { hash, type: 'image/png', data: image });
    assert.equal(avatarOfVcard(vcard('image/png', b64), '0'.repeat(40)), undefined, 'another hash');
    assert.equal(avatarOfVcard(vcard('text/html', b64), hash), undefined, 'not an image');
    assert.equal(avatarOfVcard(vcard('image/png', '!!!'), hash), undefined, 'not base64');
    assert.equal(avatarOfVcard(xml('vCard', { xmlns: 'vcard-temp' }), hash), undefined, 'no photo');
    assert.equal(avatarOfVcard(undefined, hash), undefined);
    const big = Buffer.alloc(MAX_AVATAR_BYTES + 1, 1);
    assert.equal(avatarOfVcard(vcard('image/png', big.toString('base64')), createHash('sha1').update(big).digest('hex')), undefined, 'too large');
  });
});
