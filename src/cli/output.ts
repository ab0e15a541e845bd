/**
 * Where CLI commands print: normal output to stdout, problems to stderr. Tests pass their own.
 */

/** Line-oriented output for CLI commands; each call writes one message (a newline is added). */
export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

/** Writes to the process's stdout and stderr. */
export const processOutput: CliOutput = {
  out: (text) => void process.stdout.write(`${text}\n`),
  err: (text) => void process.stderr.write(`${text}\n`),
};
