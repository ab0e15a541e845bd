/**
 * `switchboard check`: loads and validates a config file without starting anything: the
 * hub's keys, each network's options, the bridges, and each module's config (its parseConfig
 * runs; its setup does not).
 */
import { loadConfig } from '../config/load.js';
import { ConfigError, formatProblems, type ConfigProblem } from '../config/errors.js';
import { configWarnings } from '../config/warnings.js';
import type { ProtocolDefinition } from '../core/network.js';
import { checkModules } from '../modules/loader.js';
import { builtinModules } from '../app/builtin-modules.js';
import { ExitCode } from './exit-codes.js';
import type { CliOutput } from './output.js';

/**
 * Validates `file` and prints `ok: <file>: N networks, N bridges, N modules` (plus warnings),
 * or every problem and a summary. Returns 0 when valid, 2 when not.
 */
export async function checkConfig(file: string, protocols: readonly ProtocolDefinition[], output: CliOutput): Promise<ExitCode> {
  let problems: ConfigProblem[];
  try {
    const config = await loadConfig(file, protocols);
    for (const warning of configWarnings(config, protocols)) output.err(`warning: ${formatProblems([{ ...warning, file }])}`);
    problems = await checkModules(file, config.modules, builtinModules());
    if (problems.length === 0) {
      output.out(`ok: ${file}: ${count(config.networks.length, 'network')}, ${count(config.bridges.length, 'bridge')}, ${count(config.modules.length, 'module')}`);
      return ExitCode.ok;
    }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems = error.problems;
  }
  output.err(formatProblems(problems));
  output.err(`${file}: ${count(problems.length, 'problem')}; fix ${problems.length === 1 ? 'it' : 'them'} and run \`switchboard check\` again`);
  return ExitCode.usage;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
