/**
 * Configuration errors: every problem found in a config file, each with the file, line and
 * field it concerns, printed as `file:line: path.to.field: reason`.
 */

/** One problem in a configuration file. */
export interface ConfigProblem {
  /** The config file, as given by the user. */
  readonly file: string;
  /** 1-based line in the file, when the problem can be located. */
  readonly line?: number;
  /** The field concerned, e.g. `networks.libera.port` or `modules[0].module`; empty for the whole file. */
  readonly path: string;
  /** What is wrong and, where possible, how to fix it. Never contains secret values. */
  readonly reason: string;
}

/** Thrown when a configuration file cannot be used; `problems` lists everything found. */
export class ConfigError extends Error {
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super(formatProblems(problems));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Formats one problem as `file:line: path.to.field: reason` (line and path left out when unknown). */
function formatProblem(problem: ConfigProblem): string {
  const location = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`;
  return problem.path === '' ? `${location}: ${problem.reason}` : `${location}: ${problem.path}: ${problem.reason}`;
}

/** Formats problems one per line, in the order given. */
export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map(formatProblem).join('\n');
}
