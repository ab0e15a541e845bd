/**
 * The one error type the storage layer throws: its message says what failed, why, and how
 * to fix it. The host turns a StoreError raised while opening the store into exit code 2.
 */
import { getSystemErrorMap } from 'node:util';

export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** `ENOTDIR not a directory` for an OS error, or the plain message for anything else. */
export function describeOsError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, errno } = error as NodeJS.ErrnoException;
  if (typeof code === 'string' && typeof errno === 'number') {
    const description = getSystemErrorMap().get(errno)?.[1];
    if (description) return `${code} ${description}`;
  }
  return typeof code === 'string' && !error.message.startsWith(code) ? `${code} ${error.message}` : error.message;
}

/** The message of any thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
