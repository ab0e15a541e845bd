/* eslint-disable no-control-regex -- control characters are the subject of some of these tests */
/**
 * The IRC paste option's pure parts: reading the URL from a paste service's answer, the
 * config schema, the choice between paste link and truncation note (with an injected upload
 * function and clock: the real HTTP path is tested in test/e2e/irc-paste.test.ts), and the
 * per-target send order.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkedPasteUrl, jsonValue, MAX_PASTE_URL_LENGTH, PasteError, pasteUrlFrom } from '../../src/networks/irc/paste-response.js';
import { pasteSchema } from '../../src/networks/irc/paste-config.js';
import { ircConfigSchema } from '../../src/networks/irc/config.js';
import { LongMessages, type LongMessage } from '../../src/networks/irc/long-messages.js';
import { multipart } from '../../src/networks/irc/paste-client.js';
import { SendOrder } from '../../src/networks/irc/send-order.js';
import { limitLines, pasteNote, truncationNote, withPasteLink } from '../../src/networks/irc/split.js';
import { captureLog } from '../support/log-capture.js';

const ENDPOINT = 'https://paste.example.org/documents';

describe('pasteUrlFrom', () => {
  it('reads the first non-empty line of a text answer (0x0.st, sprunge, ix.io)', () => {
    assert.equal(pasteUrlFrom({ status: 200, body: '\n  https://0x0.st/abc.txt  \n' }, 'text', ENDPOINT), 'https://0x0.st/abc.txt');
    assert.equal(pasteUrlFrom({ status: 201, body: 'http://sprunge.us/XyZ\n' }, 'text', ENDPOINT), 'http://sprunge.us/XyZ');
  });

  it('reads a Location header, relative ones resolved against the endpoint, also from a redirect', () => {
    assert.equal(pasteUrlFrom({ status: 201, location: '/p/42', body: '' }, 'location', ENDPOINT), 'https://paste.example.org/p/42');
    assert.equal(pasteUrlFrom({ status: 302, location: 'https://other.example/x', body: '' }, 'location', ENDPOINT), 'https://other.example/x');
    assert.throws(() => pasteUrlFrom({ status: 201, location: null, body: 'https://x.example/1' }, 'location', ENDPOINT), /without a Location/);
  });

  it('reads a JSON path and fills the template, URL-encoding the value (haste-server)', () => {
    const spec = { json: 'key', template: 'https://paste.example.org/raw/{value}' };
    assert.equal(pasteUrlFrom({ status: 200, body: '{"key":"abcdef"}' }, spec, ENDPOINT), 'https://paste.example.org/raw/abcdef');
    assert.equal(pasteUrlFrom({ status: 200, body: '{"key":"a b/c"}' }, spec, ENDPOINT), 'https://paste.example.org/raw/a%20b%2Fc');
    const nested = { json: 'data.url', template: '{value}' };
    assert.equal(pasteUrlFrom({ status: 200, body: '{"data":{"url":"https://bin.example/p/1"}}' }, nested, ENDPOINT), 'https://bin.example/p/1');
  });

  it('refuses unsuccessful answers and answers without a usable URL', () => {
    const json = { json: 'key', template: 'https://p.example/{value}' };
    assert.throws(() => pasteUrlFrom({ status: 500, body: 'https://x.example/1' }, 'text', ENDPOINT), /HTTP 500/);
    assert.throws(() => pasteUrlFrom({ status: 302, location: 'https://x.example/1', body: '' }, 'text', ENDPOINT), /HTTP 302/);
    assert.throws(() => pasteUrlFrom({ status: 200, body: '  \n' }, 'text', ENDPOINT), /empty body/);
    assert.throws(() => pasteUrlFrom({ status: 200, body: '<html>' }, json, ENDPOINT), /did not answer with JSON/);
    assert.throws(() => pasteUrlFrom({ status: 200, body: '{"id":"x"}' }, json, ENDPOINT), /has no "key"/);
    assert.throws(() => pasteUrlFrom({ status: 200, body: '{"key":""}' }, json, ENDPOINT), /not a non-empty string/);
    assert.throws(() => pasteUrlFrom({ status: 200, body: '{"key":{"a":1}}' }, json, ENDPOINT), PasteError);
    assert.throws(() => pasteUrlFrom({ status: 200, body: 'see https://x.example/1' }, 'text', ENDPOINT), /absolute URL|whitespace/);
  });

  it('never lets a hostile answer put anything but one http(s) URL on the IRC line', () => {
    assert.throws(() => checkedPasteUrl('https://x.example/a PRIVMSG #ops :hi'), /whitespace/);
    assert.throws(() => checkedPasteUrl('https://x.example/a\u0000b'), /control/);
    assert.throws(() => checkedPasteUrl('javascript:alert(1)'), /not http/);
    assert.throws(() => checkedPasteUrl(`https://x.example/${'a'.repeat(MAX_PASTE_URL_LENGTH)}`), /longer than/);
    assert.throws(() => pasteUrlFrom({ status: 200, body: '{"url":"https://x.example/\\r\\nQUIT"}' }, { json: 'url', template: '{value}' }, ENDPOINT), /control|whitespace/);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (tail) => {
        let url: string;
        try {
          url = checkedPasteUrl(`https://x.example/${tail}`);
        } catch (error) {
          assert.ok(error instanceof PasteError);
          return;
        }
        assert.doesNotMatch(url, /[\s\x00-\x1f\x7f]/u);
        assert.ok(url.length <= MAX_PASTE_URL_LENGTH);
      }),
    );
  });

  it('jsonValue accepts numbers and refuses inherited keys', () => {
    assert.equal(jsonValue('{"id":42}', 'id'), '42');
    assert.throws(() => jsonValue('{}', 'constructor'), /has no/);
  });
});

describe('paste config', () => {
  it('fills defaults and is optional on an IRC network', () => {
    const paste = pasteSchema.parse({ url: ENDPOINT, response: { json: 'key' } });
    assert.deepEqual(paste, {
      url: ENDPOINT, method: 'POST', body: 'raw', response: { json: 'key', template: '{value}' }, headers: {}, timeoutMs: 5_000, maxBytes: 400_000,
    });
    const irc = ircConfigSchema.parse({ host: 'irc.example.org', nick: 'bot' });
    assert.equal(irc.paste, undefined);
    const withPaste = ircConfigSchema.parse({ host: 'irc.example.org', nick: 'bot', paste: { url: 'https://0x0.st', body: { field: 'file', filename: 'paste.txt' }, response: 'text' } });
    assert.deepEqual(withPaste.paste?.body, { field: 'file', filename: 'paste.txt' });
  });

  it('rejects what cannot work, without quoting the values', () => {
    const bad = (paste: unknown): string => {
      const result = pasteSchema.safeParse(paste);
      assert.equal(result.success, false);
      return JSON.stringify(result.error?.issues);
    };
    bad({ url: 'ftp://paste.example.org/', response: 'text' });
    bad({ url: ENDPOINT });
    bad({ url: ENDPOINT, response: { json: 'key', template: 'https://p.example/' } });
    bad({ url: ENDPOINT, response: { json: 'a..b' } });
    bad({ url: ENDPOINT, response: 'text', method: 'GET' });
    bad({ url: ENDPOINT, response: 'text', timeoutMs: 0 });
    bad({ url: ENDPOINT, response: 'text', unknown: 1 });
    const issues = bad({ url: ENDPOINT, response: 'text', headers: { Authorization: 'Bearer s3cret\r\nX-Evil: 1' } });
    assert.doesNotMatch(issues, /s3cret/);
    bad({ url: ENDPOINT, response: 'text', headers: { 'Bad Name': 'x' } });
  });
});

/** A message of `count` one-word lines. */
function message(count: number, maxLines = 3, maxBytes = 400): LongMessage {
  const parts = Array.from({ length: count }, (_, i) => `line ${i + 1}`);
  return { parts, maxLines, maxBytes, plainText: () => parts.join('\n') };
}

describe('split line limits', () => {
  it('cuts with the truncation note or ends with the paste link', () => {
    const parts = ['a', 'b', 'c', 'd', 'e'];
    assert.deepEqual(limitLines(parts, 3), ['a', 'b', truncationNote(3)]);
    assert.deepEqual(limitLines(parts, 5), parts);
    assert.deepEqual(withPasteLink(parts, 3, 'https://p.example/1'), ['a', 'b', '… (full text: https://p.example/1)']);
    assert.equal(pasteNote('u'), '… (full text: u)');
  });
});

describe('LongMessages', () => {
  const paste = pasteSchema.parse({ url: `${ENDPOINT}?token=hidden`, response: 'text', headers: { Authorization: 'Bearer s3cret' }, maxBytes: 1_024 });

  it('uploads only messages longer than maxLines, and sends the first lines plus the link', async () => {
    const uploaded: string[] = [];
    const long = new LongMessages({ paste, log: captureLog().log, upload: async (text) => { uploaded.push(text); return 'https://p.example/7'; } });
    assert.equal(long.wouldPaste(message(3)), false);
    assert.deepEqual(await long.fit(message(3)), ['line 1', 'line 2', 'line 3']);
    assert.equal(long.wouldPaste(message(20)), true);
    assert.deepEqual(await long.fit(message(20)), ['line 1', 'line 2', '… (full text: https://p.example/7)']);
    assert.deepEqual(uploaded, [message(20).plainText()]);
  });

  it('without a paste option truncates', async () => {
    const long = new LongMessages({ log: captureLog().log });
    assert.equal(long.wouldPaste(message(20)), false);
    assert.deepEqual(await long.fit(message(20)), ['line 1', 'line 2', truncationNote(18)]);
  });

  it('falls back to the note when the upload fails, logs that once, waits before trying again, and logs the recovery', async () => {
    const captured = captureLog('debug');
    let now = 1_000;
    let failing = true;
    let attempts = 0;
    const long = new LongMessages({
      paste, log: captured.log, now: () => now, retryAfterMs: 30_000,
      upload: async () => {
        attempts++;
        if (failing) throw new PasteError('could not reach the paste service: ECONNREFUSED');
        return 'https://p.example/ok';
      },
    });
    assert.deepEqual(await long.fit(message(20)), ['line 1', 'line 2', truncationNote(18)]);
    assert.equal(long.wouldPaste(message(20)), false, 'no new attempt right after a failure');
    assert.deepEqual(await long.fit(message(10)), ['line 1', 'line 2', truncationNote(8)]);
    assert.equal(attempts, 1);
    now += 30_000;
    assert.deepEqual(await long.fit(message(20)), ['line 1', 'line 2', truncationNote(18)]);
    assert.equal(attempts, 2);
    const warnings = captured.lines.filter((line) => line.level === 40);
    assert.equal(warnings.length, 1, 'logged once');
    assert.equal(warnings[0]?.endpoint, ENDPOINT, 'endpoint without the query string');
    assert.match(String(warnings[0]?.err), /ECONNREFUSED/);
    now += 30_000;
    failing = false;
    assert.deepEqual(await long.fit(message(20)), ['line 1', 'line 2', '… (full text: https://p.example/ok)']);
    assert.ok(captured.lines.some((line) => line.msg === 'paste uploads work again'));
    assert.doesNotMatch(captured.text(), /s3cret|hidden/);
  });

  it('does not upload a text above maxBytes, and refuses a link that does not fit on a line', async () => {
    let attempts = 0;
    const long = new LongMessages({ paste, log: captureLog().log, upload: async () => { attempts++; return `https://p.example/${'x'.repeat(100)}`; } });
    const huge: LongMessage = { ...message(20), plainText: () => 'x'.repeat(2_000) };
    assert.deepEqual(await long.fit(huge), ['line 1', 'line 2', truncationNote(18)]);
    assert.equal(attempts, 0);
    assert.deepEqual(await long.fit(message(20, 3, 64)), ['line 1', 'line 2', truncationNote(18)]);
    assert.equal(attempts, 1);
  });
});

describe('SendOrder', () => {
  it('runs the steps of one key in order, even when an earlier one waits or fails; other keys do not wait', async () => {
    const order = new SendOrder();
    const done: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const first = order.run('#a', async () => { await gate; done.push('a1'); });
    const second = order.run('#a', () => { done.push('a2'); throw new Error('boom'); });
    const third = order.run('#a', () => { done.push('a3'); return 3; });
    assert.equal(order.busy('#a'), true);
    await order.run('#b', () => { done.push('b1'); });
    assert.deepEqual(done, ['b1']);
    release();
    await first;
    await assert.rejects(second, /boom/);
    assert.equal(await third, 3);
    assert.deepEqual(done, ['b1', 'a1', 'a2', 'a3']);
    await order.idle();
    assert.equal(order.busy('#a'), false);
  });
});

describe('multipart', () => {
  it('carries the text byte for byte and escapes quotes and line breaks in names', async () => {
    const text = 'one\ntwo\r\nthree "quoted" --not-a-boundary';
    const { body, contentType } = multipart(text, 'fi"eld\n', 'a"b.txt');
    assert.match(body, /name="fi%22eld%0A"; filename="a%22b\.txt"/);
    const form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
    const part = form.get('fi"eld\n');
    assert.ok(part instanceof Blob);
    assert.equal(await part.text(), text);
    const plain = multipart(text, 'sprunge');
    assert.equal(await new Response(plain.body, { headers: { 'content-type': plain.contentType } }).formData().then((f) => f.get('sprunge')), text);
  });
});
