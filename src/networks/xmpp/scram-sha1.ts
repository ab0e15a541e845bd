/**
 * SASL SCRAM-SHA-1 (RFC 5802) on node:crypto, registered with xmpp.js in place of the
 * `sasl-scram-sha-1` package: that one derives the key with PBKDF2 in pure JavaScript, which
 * costs about 1.5 s of CPU per login at Prosody's 10,000 iterations and blocks the event loop.
 * Here PBKDF2 runs natively on libuv's thread pool (a few milliseconds).
 *
 * The shape is the one `saslmechanisms` expects: `new Mechanism()`, then `response(credentials)`
 * for the client-first message, `challenge(serverFirst)`, `response(credentials)` for the
 * client-final message.
 */
import { createHash, createHmac, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

/** The mechanism name, as servers offer it. */
export const SCRAM_SHA1 = 'SCRAM-SHA-1';

/** A server asking for more iterations than this is refused instead of tying up a thread. */
const MAX_SCRAM_ITERATIONS = 1_000_000;

/** What xmpp.js hands to `response`. */
export interface ScramCredentials {
  readonly username?: string | null;
  readonly password?: string | null;
  readonly authzid?: string | null;
}

type Stage = 'initial' | 'challenge' | 'final';

/** One SCRAM-SHA-1 exchange (a new instance per login). */
export class ScramSha1Mechanism {
  readonly name = SCRAM_SHA1;
  readonly clientFirst = true;
  #stage: Stage = 'initial';
  #clientNonce = '';
  #gs2Header = '';
  #clientFirstBare = '';
  #serverFirst = '';
  #nonce = '';
  #salt = Buffer.alloc(0);
  #iterations = 0;
  #serverSignature: Buffer | undefined;

  /** `makeNonce` is for tests (RFC 5802's example); the default is 18 random bytes in base64. */
  constructor(private readonly makeNonce: () => string = () => randomBytes(18).toString('base64')) {}

  /** The server signature the final message of a successful exchange must carry (after the client-final message). */
  get expectedServerSignature(): string | undefined {
    return this.#serverSignature?.toString('base64');
  }

  /** Parses the server-first message; throws when it is malformed or does not extend our nonce. */
  challenge(serverFirst: string): this {
    if (this.#stage !== 'challenge') throw new Error(`SCRAM-SHA-1: unexpected challenge in stage ${this.#stage}`);
    const fields = parseScramMessage(serverFirst);
    if (fields.e !== undefined) throw new Error(`SCRAM-SHA-1: the server refused: ${fields.e}`);
    const nonce = fields.r;
    const salt = fields.s;
    const iterations = Number(fields.i);
    if (!nonce || !nonce.startsWith(this.#clientNonce) || nonce.length <= this.#clientNonce.length) {
      throw new Error('SCRAM-SHA-1: the server nonce does not extend ours');
    }
    if (!salt) throw new Error('SCRAM-SHA-1: the server sent no salt');
    if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > MAX_SCRAM_ITERATIONS) {
      throw new Error(`SCRAM-SHA-1: unacceptable iteration count ${JSON.stringify(fields.i)} (1 to ${MAX_SCRAM_ITERATIONS})`);
    }
    this.#serverFirst = serverFirst;
    this.#nonce = nonce;
    this.#salt = Buffer.from(salt, 'base64');
    this.#iterations = iterations;
    return this;
  }

  /** The next client message: client-first, then client-final (with the proof), then empty. */
  async response(credentials: ScramCredentials): Promise<string> {
    switch (this.#stage) {
      case 'initial': return this.firstMessage(credentials);
      case 'challenge': return this.finalMessage(credentials);
      case 'final': return '';
    }
  }

  private firstMessage(credentials: ScramCredentials): string {
    this.#clientNonce = this.makeNonce();
    this.#gs2Header = `n,${credentials.authzid ? `a=${saslName(credentials.authzid)}` : ''},`;
    this.#clientFirstBare = `n=${saslName(credentials.username ?? '')},r=${this.#clientNonce}`;
    this.#stage = 'challenge';
    return this.#gs2Header + this.#clientFirstBare;
  }

  private async finalMessage(credentials: ScramCredentials): Promise<string> {
    if (!this.#serverFirst) throw new Error('SCRAM-SHA-1: no challenge received before the final response');
    // SASLprep (RFC 4013) is NFKC plus mappings and prohibitions that hardly ever matter; NFKC
    // covers what differs for real passwords.
    const password = (credentials.password ?? '').normalize('NFKC');
    const salted = await pbkdf2Async(password, this.#salt, this.#iterations, 20, 'sha1');
    const clientKey = hmac(salted, 'Client Key');
    const storedKey = createHash('sha1').update(clientKey).digest();
    const withoutProof = `c=${Buffer.from(this.#gs2Header).toString('base64')},r=${this.#nonce}`;
    const authMessage = `${this.#clientFirstBare},${this.#serverFirst},${withoutProof}`;
    const signature = hmac(storedKey, authMessage);
    const proof = Buffer.alloc(clientKey.length);
    for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ signature[i]!;
    this.#serverSignature = hmac(hmac(salted, 'Server Key'), authMessage);
    this.#stage = 'final';
    return `${withoutProof},p=${proof.toString('base64')}`;
  }
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac('sha1', key).update(data).digest();
}

/** A SCRAM attribute list (`r=...,s=...,i=...`) as a map; values may contain `=`. */
export function parseScramMessage(message: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const part of message.split(',')) {
    const match = /^([A-Za-z])=(.*)$/s.exec(part);
    if (match) fields[match[1]!] ??= match[2]!;
  }
  return fields;
}

/** Escapes `,` and `=` in a SASL name (RFC 5802 section 5.1). */
export function saslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}
