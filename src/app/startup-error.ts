/**
 * A problem that stops the hub from starting: the operator must fix the config or the
 * environment. `switchboard run` prints the message and exits with code 2 (ExitCode.usage); nothing stays half-started.
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
