/**
 * Loads switchboard.yaml: reads it, substitutes environment variables, validates the hub's
 * keys and each network's protocol options, checks bridges against networks, applies
 * defaults, and either returns the HubConfig or throws a ConfigError listing every problem.
 */
import { dirname, resolve } from 'node:path';
import type { ProtocolDefinition } from '../core/network.js';
import type { HttpConfig, HubConfig } from './types.js';
import type { StorageConfig } from '../store/config.js';
import { validateBridges } from './bridges.js';
import { substituteEnv } from './env.js';
import { ConfigError, type ConfigProblem } from './errors.js';
import { issuesToProblems } from './issues.js';
import { resolveModuleSpecifier } from './modules.js';
import { validateNetworks } from './networks.js';
import { formatPath, type FieldProblem } from './path.js';
import { DEFAULT_STORAGE_PATH, hubSchema, type ParsedHubFile } from './schema.js';
import { readConfigSource } from './source.js';
import { relayRequiredProblems } from './relay-required.js';

/**
 * Loads and validates the config file.
 *
 * @param file - the config file; relative paths inside it (storage, modules) resolve against its directory
 * @param protocols - the protocols networks may use (`builtinProtocols()` in the hub)
 * @param env - where `${NAME}` references are looked up (default: process.env)
 * @throws ConfigError with every problem found, each located as `file:line: path: reason`
 */
export async function loadConfig(file: string, protocols: readonly ProtocolDefinition[], env: NodeJS.ProcessEnv = process.env): Promise<HubConfig> {
  const read = await readConfigSource(file);
  if (!read.source) throw new ConfigError(read.problems.map((problem) => locate(file, problem)));
  const { source } = read;

  const substituted = substituteEnv(source.data, env);
  const data = substituted.value as Record<string, unknown>;
  const parsed = hubSchema.safeParse(data);
  const networks = await validateNetworks(data.networks, protocols);
  const networkNames = Object.keys(isRecord(data.networks) ? data.networks : {});
  const bridges = validateBridges(data.bridges, networkNames);

  const problems: FieldProblem[] = [
    ...read.problems,
    ...substituted.problems,
    ...(parsed.success ? [] : issuesToProblems(parsed.error.issues, hubSchema, data)),
    ...networks.problems,
    ...bridges.problems,
  ];
  // Checked once the rest is valid: a config that does nothing is the last thing to fix.
  if (problems.length === 0 && parsed.success) problems.push(...relayRequiredProblems(bridges.bridges.map((b) => b.name), parsed.data.modules));
  if (problems.length > 0 || !parsed.success) {
    const located = problems.map((problem) => locate(file, problem, source.lineOf(problem.path)));
    throw new ConfigError(located.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  }

  const hubFile: ParsedHubFile = parsed.data;
  const absolute = resolve(file);
  const configDir = dirname(absolute);
  return {
    file: absolute,
    storage: storageConfig(hubFile.storage, configDir),
    http: httpConfig(hubFile.http),
    log: hubFile.log,
    reconnect: hubFile.reconnect,
    shutdown: hubFile.shutdown,
    egress: hubFile.egress,
    networks: networks.networks,
    bridges: bridges.bridges,
    modules: hubFile.modules.map((entry, index) => ({
      module: entry.module,
      specifier: resolveModuleSpecifier(entry.module, configDir),
      config: entry.config,
      line: source.lineOf(['modules', index]),
    })),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function locate(file: string, problem: FieldProblem, lineFromPath?: number): ConfigProblem {
  const line = problem.line ?? lineFromPath;
  return line === undefined
    ? { file, path: formatPath(problem.path), reason: problem.reason }
    : { file, line, path: formatPath(problem.path), reason: problem.reason };
}

/** The listen address, and the extra Host names when there are any. */
function httpConfig(http: ParsedHubFile['http']): HttpConfig | undefined {
  if (http === false) return undefined;
  return http.hosts.length === 0 ? http.listen : { ...http.listen, allowedHosts: http.hosts };
}

/** SQLite paths resolve against the config file's directory (`:memory:` stays as is). */
function storageConfig(storage: ParsedHubFile['storage'], configDir: string): StorageConfig {
  if (storage.url !== undefined) return { kind: 'postgres', url: storage.url };
  const path = storage.path ?? DEFAULT_STORAGE_PATH;
  return { kind: 'sqlite', path: path === ':memory:' ? path : resolve(configDir, path) };
}
