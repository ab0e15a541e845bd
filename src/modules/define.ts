/**
 * Defining a module: the public shape third-party and built-in modules share.
 */
import type { ModuleApi } from './api.js';
import type { StandardSchemaV1 } from './standard-schema.js';

/** What a module file's default export is. Create it with `defineModule`. */
export interface ModuleDefinition<Config = unknown> {
  /** A unique name, used in logs, metrics and the per-module key-value namespace. */
  readonly name: string;
  /**
   * Validates and transforms the module's raw `config:` block: a schema (zod, or any library
   * implementing Standard Schema), whose issues refuse the config, each reported as
   * `file:line: modules[i].config.<path>: <message>`; or a function, which throws
   * `ModuleConfigError` to refuse it. Refused, the hub does not start.
   */
  readonly parseConfig?: ((raw: unknown) => Config) | StandardSchemaV1<unknown, Config>;
  /** Registers listeners and callbacks. May be async; a rejection stops the start. */
  setup(api: ModuleApi, config: Config): void | Promise<void>;
}

/** Marks a value as a module definition (checked when modules are loaded). */
const MODULE_BRAND = Symbol.for('switchboard.module');

/**
 * Declares a module.
 *
 * ```ts
 * export default defineModule({
 *   name: 'greeter',
 *   parseConfig: (raw) => ({ greeting: String((raw as { greeting?: string })?.greeting ?? 'hi') }),
 *   setup(api, config) {
 *     api.on('JOIN', (event) => api.log.info({ users: event.args.users }, config.greeting));
 *   },
 * });
 * ```
 */
export function defineModule<Config = unknown>(definition: ModuleDefinition<Config>): ModuleDefinition<Config> {
  if (!definition || typeof definition.name !== 'string' || definition.name.trim() === '') {
    throw new TypeError('defineModule: `name` must be a non-empty string');
  }
  if (typeof definition.setup !== 'function') {
    throw new TypeError(`defineModule(${definition.name}): \`setup\` must be a function`);
  }
  return Object.defineProperty({ ...definition }, MODULE_BRAND, { value: true, enumerable: false });
}

/** true when `value` was made by `defineModule`. */
export function isModuleDefinition(value: unknown): value is ModuleDefinition<unknown> {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MODULE_BRAND] === true;
}

/** Thrown by `parseConfig` to refuse a module's configuration. */
export class ModuleConfigError extends Error {
  override readonly name = 'ModuleConfigError';
  /**
   * @param field the path of the bad field inside the module's `config:` block, e.g. `limits.perMinute`
   * @param reason why it is refused and what to write instead
   */
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** The name the issue and the docs use for ModuleConfigError (Synapse's `ConfigError`). */
export { ModuleConfigError as ConfigError };
