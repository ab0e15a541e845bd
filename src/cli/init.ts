/**
 * `switchboard init`: writes the commented example config (examples/switchboard.yaml, shipped
 * with the package) to start from.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { ExitCode } from './exit-codes.js';
import type { CliOutput } from './output.js';

/** examples/switchboard.yaml in the package (this file runs from dist/src/cli/). */
const EXAMPLE_URL = new URL('../../../examples/switchboard.yaml', import.meta.url);

/** The text of the example config. */
async function exampleConfigText(): Promise<string> {
  return readFile(EXAMPLE_URL, 'utf8');
}

/**
 * Writes the example config to `file`. An existing file is kept unless `force` is set.
 * Returns 0 when written, 2 when the file exists, 1 when writing failed.
 */
export async function writeExampleConfig(file: string, force: boolean, output: CliOutput): Promise<ExitCode> {
  const text = await exampleConfigText();
  try {
    await writeFile(file, text, { flag: force ? 'w' : 'wx', mode: 0o600 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      output.err(`switchboard init: ${file} already exists; pass --force to overwrite it, or -o <file> to write elsewhere`);
      return ExitCode.usage;
    }
    output.err(`switchboard init: cannot write ${file}: ${error instanceof Error ? error.message : String(error)}`);
    return ExitCode.failure;
  }
  output.out(`wrote ${file}; edit it, then run \`switchboard check -c ${file}\``);
  return ExitCode.ok;
}
