/**
 * The `switchboard` command line: `run`, `check` and `init`, with `--help` on each and
 * documented exit codes (0 ok, 1 runtime failure, 2 config or usage error).
 */
import { readFileSync } from 'node:fs';
import nodeModule from 'node:module';
import { Command, CommanderError } from 'commander';
import { ExitCode } from './exit-codes.js';
import { processOutput, type CliOutput } from './output.js';

const DEFAULT_CONFIG = './switchboard.yaml';

/**
 * On Node 22.1 and later, keeps V8's compiled code of the modules loaded from here on in a disk
 * cache (in the OS temp directory), so that later starts skip most parsing and compiling, as
 * npm does; NODE_DISABLE_COMPILE_CACHE=1 turns it off. Node 20 has no such cache: a no-op there.
 */
function enableCompileCache(): void {
  (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
}

function packageVersion(): string {
  const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/**
 * `switchboard run`. Each command imports what it needs when it runs, so that `init` and
 * `check` never load the hub, and `--help` loads nothing but commander.
 */
async function runCommand(configPath: string, output: CliOutput): Promise<number> {
  const { runHub } = await import('./run.js');
  try {
    return await runHub({ configPath });
  } catch (error) {
    output.err(`switchboard run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return ExitCode.failure;
  }
}

/** `switchboard check`: the config loader and the protocols' schemas, never the adapters. */
async function checkCommand(configPath: string, output: CliOutput): Promise<number> {
  const [{ checkConfig }, { allProtocols }] = await Promise.all([import('./check.js'), import('../app/protocols.js')]);
  return checkConfig(configPath, allProtocols(), output);
}

function buildProgram(output: CliOutput, setExitCode: (code: number) => void): Command {
  const program = new Command('switchboard')
    .description('A chat interop hub: links IRC, XMPP and other networks.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({ writeOut: (text) => output.out(text.replace(/\n$/, '')), writeErr: (text) => output.err(text.replace(/\n$/, '')) })
    .showHelpAfterError('(run `switchboard --help` for usage)')
    .addHelpText('after', '\nExit codes: 0 ok, 1 runtime failure, 2 config or usage error.\nDocs: docs/configuration.md');

  program
    .command('run')
    .description('connect the configured networks and relay until SIGINT/SIGTERM')
    .option('-c, --config <file>', 'the config file', DEFAULT_CONFIG)
    .action(async (options: { config: string }) => setExitCode(await runCommand(options.config, output)));

  program
    .command('check')
    .description('validate the config file and print every problem (exit 2 when there are any)')
    .option('-c, --config <file>', 'the config file', DEFAULT_CONFIG)
    .action(async (options: { config: string }) => setExitCode(await checkCommand(options.config, output)));

  program
    .command('init')
    .description('write a commented example config file to start from')
    .option('-o, --output <file>', 'where to write it', DEFAULT_CONFIG)
    .option('--force', 'overwrite the file if it exists', false)
    .action(async (options: { output: string; force: boolean }) => {
      const { writeExampleConfig } = await import('./init.js');
      setExitCode(await writeExampleConfig(options.output, options.force, output));
    });

  return program;
}

/**
 * Runs the CLI with `argv` (without the node and script paths) and returns the exit code.
 * Usage errors (unknown command or option, missing argument) exit 2; help and version exit 0.
 */
export async function main(argv: string[], output: CliOutput = processOutput): Promise<number> {
  enableCompileCache();
  let exitCode: number = ExitCode.ok;
  const program = buildProgram(output, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    output.err(`switchboard: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return ExitCode.failure;
  }
}
