/**
 * The process exit codes of the `switchboard` command (documented in docs/configuration.md).
 */
export const ExitCode = {
  /** Success; for `run`, the hub stopped cleanly. */
  ok: 0,
  /** A runtime failure: something broke that is not the operator's input. */
  failure: 1,
  /** The config, the command line or the environment must be fixed. */
  usage: 2,
} as const;

/** One of the documented exit codes. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
