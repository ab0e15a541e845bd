/**
 * A problem that stops the hub from starting: the operator must fix the config or the
 * environment. The CLI prints the message and exits with code 2; nothing stays half-started.
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';
  readonly exitCode = 2;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
