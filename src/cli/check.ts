/**
 * `switchboard check`: loads and validates a config file without starting anything.
 */
import { loadConfig } from '../config/load.js';
import { ConfigError, formatProblems } from '../config/errors.js';
import { configWarnings } from '../config/warnings.js';
import type { ProtocolDefinition } from '../core/network.js';
import { ExitCode } from './exit-codes.js';
import type { CliOutput } from './output.js';

/**
 * Validates `file` and prints `ok: <file>: N networks, N bridges, N modules` (plus warnings),
 * or every problem and a summary. Returns 0 when valid, 2 when not.
 */
export async function checkConfig(file: string, protocols: readonly ProtocolDefinition[], output: CliOutput): Promise<ExitCode> {
  try {
    const config = await loadConfig(file, protocols);
    for (const warning of configWarnings(config)) output.err(`warning: ${formatProblems([{ ...warning, file }])}`);
    output.out(`ok: ${file}: ${count(config.networks.length, 'network')}, ${count(config.bridges.length, 'bridge')}, ${count(config.modules.length, 'module')}`);
    return ExitCode.ok;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    output.err(formatProblems(error.problems));
    output.err(`${file}: ${count(error.problems.length, 'problem')}; fix ${error.problems.length === 1 ? 'it' : 'them'} and run \`switchboard check\` again`);
    return ExitCode.usage;
  }
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
