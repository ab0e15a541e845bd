/**
 * Files offered by link (XEP-0066) to a gateway contact: which URLs are taken, and the text the
 * legacy network gets when it has no file handler (the URL, with the message's text when it says more).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import xml from '@xmpp/xml';
import { fileAsText, offeredFile } from '../../src/gateway/xmpp/oob.js';

const URL = 'https://upload.example.org/abc/cat.jpg';

function message(url: string | undefined, body?: string) {
  return xml('message', { type: 'chat' },
    ...(body === undefined ? [] : [xml('body', {}, body)]),
    ...(url === undefined ? [] : [xml('x', { xmlns: 'jabber:x:oob' }, xml('url', {}, url))]));
}

describe('files offered by link', () => {
  it('the usual upload (body = URL) and a bare OOB are the URL alone', () => {
    assert.deepEqual(offeredFile(message(URL, URL), URL), { url: URL });
    assert.deepEqual(offeredFile(message(URL), null), { url: URL });
    assert.equal(fileAsText({ url: URL }), URL);
  });

  it('a body that says more is sent with the URL, once', () => {
    const file = offeredFile(message(URL, 'my cat'), 'my cat');
    assert.deepEqual(file, { url: URL, caption: 'my cat' });
    assert.equal(fileAsText(file!), `my cat ${URL}`);
    assert.equal(fileAsText({ url: URL, caption: `see ${URL} !` }), `see ${URL} !`);
  });

  it('no OOB, a non-http(s) scheme, spaces, control characters or an endless URL: no file (the body is the message)', () => {
    assert.equal(offeredFile(message(undefined, 'hi'), 'hi'), undefined);
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'https://a b', 'https://a\u0007b', 'https://a\nPRIVMSG x :y', `https://${'a'.repeat(2001)}`, '']) {
      assert.equal(offeredFile(message(bad, 'x'), 'x'), undefined, bad);
    }
  });
});
