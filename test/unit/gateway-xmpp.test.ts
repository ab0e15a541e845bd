/**
 * The gateway's pure XMPP parts: data forms (XEP-0004), registration requests (XEP-0077),
 * ad-hoc command requests (XEP-0050), contact JIDs, the secret box and IRC line splitting.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import xml from '@xmpp/xml';
import type { FormField } from '../../src/gateway/api.js';
import { buildForm, buildSubmission, MAX_FIELD_CHARS, readSubmission } from '../../src/gateway/xmpp/forms.js';
import { readRegistrationSet } from '../../src/gateway/xmpp/register.js';
import { readCommand } from '../../src/gateway/xmpp/adhoc.js';
import { contactKeyOf, contactLocalpart } from '../../src/gateway/contacts.js';
import { SecretBox, SecretBoxError, loadSecretKey } from '../../src/store/secret-box.js';
import { joinedBatches } from '../../src/gateway/irc/lines.js';

const FIELDS: readonly FormField[] = [
  { var: 'nick', label: 'Nick', type: 'text-single', required: true },
  { var: 'password', label: 'Password', type: 'text-private' },
  { var: 'auth', label: 'Auth', type: 'list-single', value: 'sasl', options: [{ label: 'SASL', value: 'sasl' }, { label: 'PASS', value: 'server-password' }] },
  { var: 'away', label: 'Away', type: 'boolean' },
];

/** Text as a form value can carry it: XML-safe characters, no surrounding white space. */
const value = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '<', '&', '"', 'é', '😀'), minLength: 1, maxLength: 30 }).map((s) => s.trim()).filter((s) => s !== '');

describe('gateway data forms', () => {
  it('a submission reads back as the values filled in', () => {
    fc.assert(fc.property(value, fc.option(value, { nil: undefined }), fc.constantFrom('sasl', 'server-password'), fc.boolean(), (nick, password, auth, away) => {
      const values: Record<string, string> = { nick, auth, away: String(away), ...(password === undefined ? {} : { password }) };
      const result = readSubmission(buildSubmission(values), FIELDS);
      assert.deepEqual(result, { ok: true, values: { nick, password: password ?? '', auth, away: String(away) } });
    }));
  });

  it('refuses a missing required field, a value not among the choices, an over-long value, a non-submission', () => {
    assert.deepEqual(readSubmission(buildSubmission({ nick: ' ' }), FIELDS), { ok: false, reason: 'Nick is required' });
    const bad = readSubmission(buildSubmission({ nick: 'a', auth: 'x' }), FIELDS);
    assert.equal(bad.ok, false);
    assert.equal(readSubmission(buildSubmission({ nick: 'a'.repeat(MAX_FIELD_CHARS + 1) }), FIELDS).ok, false);
    assert.equal(readSubmission(buildForm(FIELDS), FIELDS).ok, false);
    assert.deepEqual(readSubmission(xml('x', { xmlns: 'jabber:x:data', type: 'cancel' }), FIELDS), { ok: false, reason: 'the form was cancelled', cancelled: true });
  });

  it('the form shows every field with its type, its choices and its default', () => {
    const form = buildForm(FIELDS, { title: 't' });
    assert.deepEqual(form.getChildren('field').map((f) => [f.attrs.var, f.attrs.type]), FIELDS.map((f) => [f.var, f.type]));
    assert.equal(form.getChildren('field')[2]?.getChildText('value'), 'sasl');
    assert.ok(form.getChildren('field')[0]?.getChild('required'));
  });
});

describe('gateway registration and commands', () => {
  it('reads a form, legacy fields and a removal', () => {
    const query = (...children: ReturnType<typeof xml>[]) => xml('query', { xmlns: 'jabber:iq:register' }, ...children);
    assert.deepEqual(readRegistrationSet(query(xml('remove')), FIELDS), { kind: 'remove' });
    assert.deepEqual(readRegistrationSet(query(buildSubmission({ nick: 'alice' })), FIELDS), { kind: 'register', values: { nick: 'alice', password: '', auth: 'sasl', away: 'false' } });
    assert.deepEqual(readRegistrationSet(query(xml('nick', {}, 'bob'), xml('password', {}, 'pw')), FIELDS), { kind: 'register', values: { nick: 'bob', password: 'pw', auth: 'sasl', away: 'false' } });
    assert.equal(readRegistrationSet(query(), FIELDS).kind, 'invalid');
  });

  it('reads command requests and refuses malformed ones', () => {
    const command = (attrs: Record<string, string>) => xml('command', { xmlns: 'http://jabber.org/protocol/commands', ...attrs });
    assert.deepEqual(readCommand(command({ node: 'register' })), { node: 'register', action: 'execute', sessionId: undefined, form: undefined });
    assert.equal(readCommand(command({ node: 'register', action: 'cancel', sessionid: 's' }))?.action, 'cancel');
    assert.equal(readCommand(command({ node: 'register', action: 'explode' })), undefined);
    assert.equal(readCommand(command({})), undefined);
  });
});

describe('contact JIDs', () => {
  it('a contact key and its localpart map both ways, injectively, also after lower-casing', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.string({ minLength: 1, maxLength: 40 }), (a, b) => {
      const la = contactLocalpart(a);
      fc.pre(la !== undefined);
      assert.equal(la, la?.toLowerCase());
      assert.equal(contactKeyOf(la ?? ''), a);
      if (a !== b) assert.notEqual(contactLocalpart(b), la);
    }));
    assert.equal(contactLocalpart('alice'), 'alice');
    assert.equal(contactKeyOf('\\40'), '@');
    assert.equal(contactKeyOf('bad\\zz'), undefined);
  });
});

describe('secret box', () => {
  it('opens what it sealed for the same owner only, and only with the same key', () => {
    const box = new SecretBox(randomBytes(32));
    fc.assert(fc.property(fc.string(), fc.string({ minLength: 1 }), (secret, owner) => {
      const sealed = box.seal(secret, owner);
      assert.equal(box.open(sealed, owner), secret);
      assert.ok(!sealed.includes(Buffer.from(secret).toString('base64url')) || secret.length < 4);
      assert.throws(() => box.open(sealed, `${owner}x`), SecretBoxError);
    }));
    const sealed = box.seal('pw', 'a@b');
    assert.throws(() => new SecretBox(randomBytes(32)).open(sealed, 'a@b'), SecretBoxError);
    const parts = sealed.split('.');
    parts[2] = Buffer.from('xx').toString('base64url');
    assert.throws(() => box.open(parts.join('.'), 'a@b'), SecretBoxError);
    assert.throws(() => new SecretBox(randomBytes(16)), SecretBoxError);
  });

  it('reads a key from the environment (base64 or hex) and says what is wrong without the value', () => {
    const key = randomBytes(32);
    assert.deepEqual(loadSecretKey({ env: 'K' }, { K: key.toString('base64') }), key);
    assert.deepEqual(loadSecretKey({ env: 'K' }, { K: ` ${key.toString('hex')}\n` }), key);
    assert.throws(() => loadSecretKey({ env: 'K' }, {}), /K is not set/);
    assert.throws(() => loadSecretKey({ env: 'K' }, { K: 'c2hvcnQ=' }), (e: Error) => /32 bytes/.test(e.message) && !e.message.includes('c2hvcnQ'));
  });
});

describe('IRC lines', () => {
  it('MONITOR/ISON targets: every batch fits (but a lone long nick), all nicks kept in order, batches full', () => {
    const nick = fc.string({ unit: fc.constantFrom('a', 'Z', '[', 'é'), minLength: 1, maxLength: 40 });
    fc.assert(fc.property(fc.array(nick, { maxLength: 200 }), fc.integer({ min: 10, max: 400 }), (nicks, maxBytes) => {
      const batches = joinedBatches(nicks, ',', maxBytes);
      assert.deepEqual(batches.flatMap((b) => b.split(',')), nicks);
      for (const [i, batch] of batches.entries()) {
        assert.ok(Buffer.byteLength(batch) <= maxBytes || !batch.includes(','), batch);
        const next = batches[i + 1]?.split(',')[0];
        if (next !== undefined) assert.ok(Buffer.byteLength(`${batch},${next}`) > maxBytes, 'a batch takes what fits');
      }
    }));
    assert.deepEqual(joinedBatches(['ab', 'cd', 'ef'], ' ', 5), ['ab cd', 'ef']);
  });
});
