import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { ScramSha1Mechanism, parseScramMessage, saslName } from '../../src/networks/xmpp/scram-sha1.js';

/** The pure-JS mechanism xmpp.js ships, as an independent reference. */
interface ReferenceMechanism {
  response(credentials: { username: string; password: string }): string | Promise<string>;
  challenge(text: string): unknown;
}
const ReferenceScram = createRequire(import.meta.url)('sasl-scram-sha-1') as new (options: { genNonce: () => string }) => ReferenceMechanism;

describe('SCRAM-SHA-1 on node:crypto', () => {
  void it('reproduces the exchange of RFC 5802 section 5', async () => {
    const mech = new ScramSha1Mechanism(() => 'fyko+d2lbbFgONRv9qkxdawL');
    const credentials = { username: 'user', password: 'pencil' };
    assert.equal(await mech.response(credentials), 'n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL');
    mech.challenge('r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096');
    assert.equal(
      await mech.response(credentials),
      'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=',
    );
    assert.equal(mech.expectedServerSignature, 'rmF9pqV8S7suAoZWja4dJRkFsKQ=');
    assert.equal(await mech.response(credentials), '');
  });

  void it('answers exactly as the sasl-scram-sha-1 package does, for any name, password, salt and count', async () => {
    const nfkcStable = (minLength: number) => fc.string({ minLength, maxLength: 24 }).filter((s) => s === s.normalize('NFKC') && !s.includes('"'));
    await fc.assert(
      fc.asyncProperty(
        // The reference (WebCrypto) cannot take an empty password.
        nfkcStable(0), nfkcStable(1), fc.uint8Array({ minLength: 1, maxLength: 24 }), fc.integer({ min: 1, max: 64 }), fc.base64String({ minLength: 4, maxLength: 24 }),
        async (username, password, salt, iterations, serverPart) => {
          const clientNonce = 'abcDEF0123456789';
          const serverFirst = `r=${clientNonce}${serverPart.replace(/=/g, '')}x,s=${Buffer.from(salt).toString('base64')},i=${iterations}`;
          const ours = new ScramSha1Mechanism(() => clientNonce);
          const reference = new ReferenceScram({ genNonce: () => clientNonce });
          const credentials = { username, password };
          assert.equal(await ours.response(credentials), await reference.response(credentials));
          ours.challenge(serverFirst);
          reference.challenge(serverFirst);
          assert.equal(await ours.response(credentials), await reference.response(credentials));
        },
      ),
      { numRuns: 60 },
    );
  });

  void it('refuses a server nonce that does not extend ours, a missing salt and absurd iteration counts', async () => {
    const fresh = async () => {
      const mech = new ScramSha1Mechanism(() => 'clientnonce');
      await mech.response({ username: 'u', password: 'p' });
      return mech;
    };
    assert.throws(() => new ScramSha1Mechanism().challenge('r=x,s=c2FsdA==,i=1'), /unexpected challenge in stage initial/);
    const mech = await fresh();
    assert.throws(() => mech.challenge('r=othernonce123,s=c2FsdA==,i=4096'), /nonce does not extend ours/);
    assert.throws(() => mech.challenge('r=clientnonce,s=c2FsdA==,i=4096'), /nonce does not extend ours/);
    assert.throws(() => mech.challenge('r=clientnonceXY,i=4096'), /no salt/);
    assert.throws(() => mech.challenge('r=clientnonceXY,s=c2FsdA==,i=0'), /unacceptable iteration count "0"/);
    assert.throws(() => mech.challenge('r=clientnonceXY,s=c2FsdA==,i=99999999'), /unacceptable iteration count/);
    assert.throws(() => mech.challenge('r=clientnonceXY,s=c2FsdA=='), /unacceptable iteration count undefined/);
    assert.throws(() => mech.challenge('e=invalid-proof'), /the server refused: invalid-proof/);
  });

  void it('escapes , and = in names and parses attribute lists whose values contain =', () => {
    assert.equal(saslName('a,b=c'), 'a=2Cb=3Dc');
    assert.deepEqual(parseScramMessage('r=abc,s=QSXCR+Q6sek8bf92==,i=4096,garbage'), { r: 'abc', s: 'QSXCR+Q6sek8bf92==', i: '4096' });
  });
});
