/** Errors of the egress policy and its HTTP client. */

/** Why a fetch was refused or failed. */
export type EgressErrorCode =
  | 'bad-url'
  | 'refused-scheme'
  | 'refused-address'
  | 'dns'
  | 'too-many-redirects'
  | 'too-large'
  | 'link-cap'
  | 'budget'
  | 'network';

/** A fetch the egress policy refused, or that failed; the message never holds request headers. */
export class EgressError extends Error {
  override readonly name = 'EgressError';

  constructor(readonly code: EgressErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The error for a fetch stopped by `signal`: its reason when that is an EgressError, else `budget`. */
export function abortedFetchError(signal: AbortSignal): EgressError {
  const reason: unknown = signal.reason;
  if (reason instanceof EgressError) return reason;
  return new EgressError('budget', 'the time for this fetch ran out', { cause: reason });
}
