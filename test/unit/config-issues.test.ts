/**
 * zod issues → config problems, and the "did you mean" hints.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { issuesToProblems, knownKeysAt } from '../../src/config/issues.js';
import { closestMatch, didYouMean } from '../../src/config/suggest.js';

function problems(schema: z.ZodType, input: unknown, base: (string | number)[] = []) {
  const result = schema.safeParse(input);
  assert.equal(result.success, false, 'the input must be invalid');
  return issuesToProblems(result.success ? [] : result.error.issues, schema, input, base);
}

const schema = z.strictObject({
  server: z
    .strictObject({ host: z.string(), port: z.int().min(1).max(65535).default(6667), tls: z.boolean().optional() })
    .default({ host: 'localhost', port: 6667 }),
  channels: z.array(z.strictObject({ name: z.string().min(1), key: z.string().optional() })).default([]),
  auth: z.union([z.literal(false), z.strictObject({ user: z.string(), password: z.string() })]).optional(),
});

test('knownKeysAt sees through optional, default, prefault, arrays and unions', () => {
  assert.deepEqual(knownKeysAt(schema, []), ['server', 'channels', 'auth']);
  assert.deepEqual(knownKeysAt(schema, ['server']), ['host', 'port', 'tls']);
  assert.deepEqual(knownKeysAt(schema, ['channels', 3]), ['name', 'key']);
  assert.deepEqual(knownKeysAt(schema, ['auth']), ['user', 'password']);
  assert.deepEqual(knownKeysAt(schema, ['server', 'host']), []);
});

test('unknown keys become one problem each, with a hint or the allowed keys', () => {
  assert.deepEqual(problems(schema, { server: { host: 'h', prot: 1, colour: 'x' } }, ['networks', 'n']), [
    { path: ['networks', 'n', 'server', 'prot'], reason: 'unknown key (did you mean "port"?)' },
    { path: ['networks', 'n', 'server', 'colour'], reason: 'unknown key; allowed keys: host, port, tls' },
  ]);
});

test('missing, empty and mistyped values are told apart without quoting the value', () => {
  assert.deepEqual(problems(schema, { server: { port: null, tls: 'yes-secret' }, channels: [{ name: '' }] }), [
    { path: ['server', 'host'], reason: 'required field is missing (expected a string)' },
    { path: ['server', 'port'], reason: 'no value given (expected a number)' },
    { path: ['server', 'tls'], reason: 'expected true or false, got a string' },
    { path: ['channels', 0, 'name'], reason: 'must not be empty' },
  ]);
  assert.deepEqual(problems(schema, { server: { host: 'h', port: 1.5 } }), [{ path: ['server', 'port'], reason: 'expected an integer, got a fractional number' }]);
  assert.deepEqual(problems(schema, { server: { host: 'h', port: 70000 } }), [{ path: ['server', 'port'], reason: 'must be at most 65535' }]);
});

test('a union failure is narrowed to the branch the value was meant for', () => {
  assert.deepEqual(problems(schema, { server: { host: 'h' }, auth: { user: 'u', pasword: 'p' } }), [
    { path: ['auth', 'password'], reason: 'required field is missing (expected a string)' },
    { path: ['auth', 'pasword'], reason: 'unknown key (did you mean "password"?)' },
  ]);
  assert.deepEqual(problems(schema, { server: { host: 'h' }, auth: true }), [{ path: ['auth'], reason: 'invalid value' }]);
});

test('a discriminated union names the discriminator and its choices', () => {
  const sasl = z.strictObject({
    sasl: z.discriminatedUnion('mechanism', [
      z.strictObject({ mechanism: z.literal('PLAIN'), password: z.string() }),
      z.strictObject({ mechanism: z.literal('EXTERNAL') }),
    ]),
  });
  assert.deepEqual(problems(sasl, { sasl: { mechanism: 'SCRAM' } }), [{ path: ['sasl', 'mechanism'], reason: 'expected one of "PLAIN", "EXTERNAL"' }]);
  assert.deepEqual(problems(sasl, { sasl: {} }), [{ path: ['sasl', 'mechanism'], reason: 'required field is missing (expected one of "PLAIN", "EXTERNAL")' }]);
  assert.deepEqual(problems(sasl, { sasl: { mechanism: 'PLAIN' } }), [{ path: ['sasl', 'password'], reason: 'required field is missing (expected a string)' }]);
});

test('a schema\'s own messages are kept', () => {
  const custom = z.strictObject({ jid: z.string({ error: 'give the bot\'s JID' }).includes('@', { error: 'must contain @' }) });
  assert.deepEqual(problems(custom, { jid: 5 }), [{ path: ['jid'], reason: 'give the bot\'s JID' }]);
  assert.deepEqual(problems(custom, { jid: 'x' }), [{ path: ['jid'], reason: 'must contain @' }]);
});

test('did you mean: close typos only, case-insensitive', () => {
  assert.equal(closestMatch('netwroks', ['networks', 'bridges']), 'networks');
  assert.equal(closestMatch('Bridges', ['networks', 'bridges']), 'bridges');
  assert.equal(closestMatch('xmppp', ['irc', 'xmpp']), 'xmpp');
  assert.equal(closestMatch('matrix', ['irc', 'xmpp']), undefined);
  assert.equal(closestMatch('a', []), undefined);
  assert.equal(closestMatch('prot', ['host', 'port']), 'port', 'a swap of neighbours is one edit');
  assert.equal(didYouMean('lisen', ['listen']), ' (did you mean "listen"?)');
  assert.equal(didYouMean('zzz', ['listen']), '');
});
