/**
 * Environment-variable substitution in config strings: ${NAME}, ${NAME:-default}, $${.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { substituteEnv, substituteString } from '../../src/config/env.js';

test('${NAME} is replaced by the variable, anywhere in the string and several times', () => {
  const env = { USER_NAME: 'bot', HOST: 'example.org' };
  assert.deepEqual(substituteString('${USER_NAME}', env), { text: 'bot', errors: [] });
  assert.deepEqual(substituteString('xmpp://${USER_NAME}@${HOST}:5222/${HOST}', env), { text: 'xmpp://bot@example.org:5222/example.org', errors: [] });
});

test('${NAME:-default} uses the default when the variable is unset or empty', () => {
  assert.equal(substituteString('${PORT:-6667}', {}).text, '6667');
  assert.equal(substituteString('${PORT:-6667}', { PORT: '' }).text, '6667');
  assert.equal(substituteString('${PORT:-6667}', { PORT: '7000' }).text, '7000');
  assert.equal(substituteString('${PATH_X:-a:b-c}', {}).text, 'a:b-c');
  assert.equal(substituteString('${EMPTY_DEFAULT:-}', {}).text, '');
});

test('a set but empty variable without default is used as is', () => {
  assert.deepEqual(substituteString('[${EMPTY}]', { EMPTY: '' }), { text: '[]', errors: [] });
});

test('$${ is a literal ${ and is not substituted', () => {
  assert.deepEqual(substituteString('cost: $${PRICE} and $${', { PRICE: '3' }), { text: 'cost: ${PRICE} and ${', errors: [] });
  assert.deepEqual(substituteString('$$x $ {A} $A', { A: '1' }), { text: '$$x $ {A} $A', errors: [] });
});

test('a missing variable is an error naming it, and the text stays as written', () => {
  assert.deepEqual(substituteString('pw=${IRC_PASSWORD}', {}), {
    text: 'pw=${IRC_PASSWORD}',
    errors: ['environment variable IRC_PASSWORD is not set; set it, or give a default with ${IRC_PASSWORD:-default}'],
  });
});

test('malformed references are errors with the fix', () => {
  assert.deepEqual(substituteString('a ${OPEN', {}).errors, ['unterminated "${" (close it with "}", or write "$${" for a literal "${")']);
  assert.deepEqual(substituteString('${1BAD}', {}).errors, [
    '"${1BAD}" is not a valid variable reference; write ${NAME} or ${NAME:-default} (NAME: letters, digits, "_"), or "$${" for a literal "${"',
  ]);
  assert.equal(substituteString('${}', {}).errors.length, 1);
});

test('substituteEnv walks nested maps and lists, reports each field path, and leaves keys and non-strings alone', () => {
  const data = { networks: { a: { password: '${PW}', port: 6667, tls: true, list: ['${PW}', '${NOPE}', null] } }, '${KEY}': 'x' };
  const result = substituteEnv(data, { PW: 'secret' });
  assert.deepEqual(result.value, { networks: { a: { password: 'secret', port: 6667, tls: true, list: ['secret', '${NOPE}', null] } }, '${KEY}': 'x' });
  assert.deepEqual(result.problems, [
    { path: ['networks', 'a', 'list', 1], reason: 'environment variable NOPE is not set; set it, or give a default with ${NOPE:-default}' },
  ]);
  assert.equal(data.networks.a.password, '${PW}', 'the input is not modified');
});

/** Strings dense in the characters substitution cares about. */
const withDollars = fc.string({ unit: fc.constantFrom('$', '{', '}', 'A', ':', '-') });

test('property: strings without "${" come back unchanged with no errors', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), withDollars).filter((s) => !s.includes('${')), (text) => {
      assert.deepEqual(substituteString(text, { A: 'x' }), { text, errors: [] });
    }),
  );
});

test('property: a substituted value appears verbatim and never in an error', () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), fc.string(), (before, value, after) => {
      fc.pre(!before.includes('$') && !after.includes('$') && !before.endsWith('$'));
      const result = substituteString(`${before}\${SECRET}${after}\${UNSET_VAR}`, { SECRET: value });
      assert.equal(result.text, `${before}${value}${after}\${UNSET_VAR}`);
      assert.equal(result.errors.length, 1);
      if (value.length > 3) assert.ok(!result.errors[0]?.includes(value));
    }),
  );
});

test('property: escaping every "${" as "$${" round-trips any string', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), withDollars), (text) => {
      // A function replacement: in a replacement string "$$" would mean a single "$".
      const escaped = text.replaceAll('${', () => '$${');
      assert.deepEqual(substituteString(escaped, {}), { text, errors: [] });
    }),
  );
});
