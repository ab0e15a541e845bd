/**
 * Loads the modules named in `modules:`, in order, and validates their config.
 */
import { pathToFileURL } from 'node:url';
import { isAbsolute } from 'node:path';
import type { ConfigProblem } from '../config/errors.js';
import type { ModuleConfig } from '../config/types.js';
import { isModuleDefinition, ModuleConfigError, type ModuleDefinition } from './define.js';

/** The modules loadable by name (`- module: relay`): name → lazy loader (src/app/builtin-modules.ts). */
export type BuiltinModules = Readonly<Record<string, () => Promise<ModuleDefinition<unknown>>>>;
import { isStandardSchema, issuePath, type StandardSchemaV1 } from './standard-schema.js';

/** A module ready for `setup`. */
export interface LoadedModule {
  readonly definition: ModuleDefinition<unknown>;
  /** The result of its parseConfig (or the raw config when it has none). */
  readonly config: unknown;
  /** Its position in `modules:`. */
  readonly order: number;
  readonly entry: ModuleConfig;
  /** true for a module shipped with Switchboard, loaded by name (the hub grants it the callback operations). */
  readonly builtin: boolean;
}

/** A module could not be loaded, or refused its config. The hub does not start. */
export class ModuleLoadError extends Error {
  override readonly name = 'ModuleLoadError';
  constructor(
    /** Where in the config the module is named, e.g. `switchboard.yaml:12: modules[1] (./x.js)`. */
    readonly where: string,
    readonly reason: string,
    /** The fields of the module's `config:` its parseConfig refused (a ModuleConfigError, schema issues) and why. */
    readonly refused?: ReadonlyArray<{ readonly field: string; readonly reason: string }>,
  ) {
    super(`${where}: ${reason}`);
  }
}

/** Describes a `modules:` entry for error messages. */
export function describeEntry(file: string, entry: ModuleConfig, index: number): string {
  return `${file}${entry.line ? `:${entry.line}` : ''}: modules[${index}] (${entry.module})`;
}

/** Imports, checks and configures every module, in order. Throws ModuleLoadError on the first problem. */
export async function loadModules(file: string, entries: readonly ModuleConfig[], builtins: BuiltinModules): Promise<LoadedModule[]> {
  const loaded: LoadedModule[] = [];
  const names = new Map<string, number>();
  for (const [index, entry] of entries.entries()) {
    const outcome = await loadModule(file, entry, index, names, builtins);
    if ('problem' in outcome) throw outcome.problem;
    loaded.push(outcome);
  }
  return loaded;
}

/**
 * What `switchboard check` asks of the modules: imports every one and runs its parseConfig
 * (never its setup), and returns every refusal as a config problem located at the entry,
 * e.g. `switchboard.yaml:12: modules[1].config.http.token: use a token of at least 16 characters`.
 */
export async function checkModules(file: string, entries: readonly ModuleConfig[], builtins: BuiltinModules): Promise<ConfigProblem[]> {
  const problems: ConfigProblem[] = [];
  const names = new Map<string, number>();
  for (const [index, entry] of entries.entries()) {
    const outcome = await loadModule(file, entry, index, names, builtins);
    if (!('problem' in outcome)) continue;
    const { refused, reason } = outcome.problem;
    const at = entry.line === undefined ? {} : { line: entry.line };
    if (refused === undefined) {
      problems.push({ file, ...at, path: `modules[${index}]`, reason: `(${entry.module}) ${reason}` });
      continue;
    }
    for (const field of refused) {
      problems.push({ file, ...at, path: `modules[${index}].config${fieldSuffix(field.field)}`, reason: `(${entry.module}) ${field.reason}` });
    }
  }
  return problems;
}

/** Loads one entry; `names` (module name → index) catches a module listed twice. */
async function loadModule(
  file: string,
  entry: ModuleConfig,
  index: number,
  names: Map<string, number>,
  builtins: BuiltinModules,
): Promise<LoadedModule | { readonly problem: ModuleLoadError }> {
  const where = describeEntry(file, entry, index);
  try {
    const { definition, builtin } = await importDefinition(entry, where, builtins);
    const previous = names.get(definition.name);
    if (previous !== undefined) {
      throw new ModuleLoadError(where, `module name "${definition.name}" is already used by modules[${previous}]; each module may be listed once`);
    }
    names.set(definition.name, index);
    return { definition, config: await parseModuleConfig(definition, entry, where), order: index, entry, builtin };
  } catch (error) {
    if (error instanceof ModuleLoadError) return { problem: error };
    throw error;
  }
}

async function importDefinition(entry: ModuleConfig, where: string, builtins: BuiltinModules): Promise<{ definition: ModuleDefinition<unknown>; builtin: boolean }> {
  const builtin = entry.definition === undefined ? builtins[entry.specifier] : undefined;
  let exported: unknown;
  try {
    exported = entry.definition ?? (builtin ? await builtin() : await importDefault(entry.specifier));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ModuleLoadError(where, `cannot load: ${reason} — check the path (relative to the config file) or install the package`);
  }
  if (isModuleDefinition(exported) || looksLikeDefinition(exported)) return { definition: exported, builtin: builtin !== undefined };
  throw new ModuleLoadError(where, 'the default export is not a module: export default defineModule({ name, setup })');
}

/** The default export of an absolute file path or a package name. */
async function importDefault(specifier: string): Promise<unknown> {
  const target = isAbsolute(specifier) ? pathToFileURL(specifier).href : specifier;
  return ((await import(target)) as { default?: unknown }).default;
}

/** Plain objects with a name and a setup function are accepted too (JavaScript modules without our import). */
function looksLikeDefinition(value: unknown): value is ModuleDefinition<unknown> {
  const candidate = value as Partial<ModuleDefinition<unknown>> | undefined;
  return typeof candidate === 'object' && candidate !== null
    && typeof candidate.name === 'string' && candidate.name.trim() !== ''
    && typeof candidate.setup === 'function';
}

/** `.field`, or `[0]`, or nothing for the whole block: how a field follows `config` in a path. */
function fieldSuffix(field: string): string {
  return field === '' || field.startsWith('[') ? field : `.${field}`;
}

async function parseModuleConfig(definition: ModuleDefinition<unknown>, entry: ModuleConfig, where: string): Promise<unknown> {
  const parse = definition.parseConfig;
  if (!parse) return entry.config;
  if (isStandardSchema(parse)) return validateConfig(definition.name, parse, entry.config, where);
  try {
    return parse(entry.config);
  } catch (error) {
    if (error instanceof ModuleConfigError) {
      throw new ModuleLoadError(where, `module ${definition.name}: ${error.field}: ${error.reason}`, [{
        field: error.field,
        reason: `module ${definition.name}: ${error.reason}`,
      }]);
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new ModuleLoadError(where, `module ${definition.name} refused its config: ${reason}`);
  }
}

/** Validates a module's config with its schema; every issue is reported at its field. */
async function validateConfig(module: string, schema: StandardSchemaV1, raw: unknown, where: string): Promise<unknown> {
  let result;
  try {
    result = await schema['~standard'].validate(raw);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ModuleLoadError(where, `module ${module} refused its config: ${reason}`);
  }
  if (result.issues === undefined) return result.value;
  const refused = result.issues.map((issue) => ({ field: issuePath(issue), message: issue.message }));
  const described = refused.map(({ field, message }) => `module ${module}: ${field === '' ? '(config)' : field}: ${message}`);
  throw new ModuleLoadError(where, described.join('; '), refused.map(({ field, message }) => ({ field, reason: `module ${module}: ${message}` })));
}
