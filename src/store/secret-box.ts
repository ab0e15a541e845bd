/**
 * Sealing secrets at rest (a gateway user's legacy password): AES-256-GCM with a random 96-bit
 * nonce per seal and the owner's identity as additional authenticated data, so a sealed value
 * copied to another row does not open. The key is the operator's (a file or an environment
 * variable, docs/gateway.md); it is never logged and never stored.
 *
 * Sealed form: `v1.<base64url nonce>.<base64url ciphertext>.<base64url tag>`.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

const VERSION = 'v1';
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** A secret could not be opened: a wrong key, a damaged or foreign value. */
export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
}

/** Seals and opens secrets with one key. */
export class SecretBox {
  readonly #key: Buffer;

  /** @param key - exactly 32 bytes */
  constructor(key: Uint8Array) {
    if (key.length !== KEY_BYTES) throw new SecretBoxError(`the secret key must be ${KEY_BYTES} bytes, got ${key.length}`);
    this.#key = Buffer.from(key);
  }

  /** Seals `plain`, bound to `owner` (opening needs the same owner). */
  seal(plain: string, owner: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    cipher.setAAD(Buffer.from(owner, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, nonce.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  /** Opens what {@link seal} made for `owner`; throws a {@link SecretBoxError} otherwise. */
  open(sealed: string, owner: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 4 || parts[0] !== VERSION) throw new SecretBoxError('not a sealed secret of a known version');
    const [nonce, body, tag] = parts.slice(1).map((p) => Buffer.from(p, 'base64url'));
    if (nonce?.length !== NONCE_BYTES || tag?.length !== TAG_BYTES || body === undefined) throw new SecretBoxError('a damaged sealed secret');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, nonce);
      decipher.setAAD(Buffer.from(owner, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError('the sealed secret does not open with this key (a different key, or a damaged value)');
    }
  }
}

/** Where the operator keeps the key: a file, or an environment variable, holding 32 bytes as base64 or hex. */
export type SecretKeySource = { readonly file: string } | { readonly env: string };

/**
 * Reads the key from `source` (base64 or 64 hex digits, surrounding white space ignored).
 * Throws an error that names the source, never the value.
 */
export function loadSecretKey(source: SecretKeySource, env: NodeJS.ProcessEnv = process.env): Buffer {
  let text: string | undefined;
  let where: string;
  if ('file' in source) {
    where = `key file ${source.file}`;
    try {
      text = readFileSync(source.file, 'utf8');
    } catch (error) {
      throw new SecretBoxError(`cannot read the ${where}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  } else {
    where = `environment variable ${source.env}`;
    text = env[source.env];
    if (text === undefined || text.trim() === '') throw new SecretBoxError(`the ${where} is not set`);
  }
  const key = decodeKey(text.trim());
  if (key === undefined) throw new SecretBoxError(`the ${where} must hold ${KEY_BYTES} bytes as base64 or as ${KEY_BYTES * 2} hex digits (e.g. \`openssl rand -base64 32\`)`);
  return key;
}

function decodeKey(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    const key = Buffer.from(text, 'base64');
    if (key.length === KEY_BYTES) return key;
  }
  return undefined;
}
