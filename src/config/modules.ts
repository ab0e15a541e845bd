/**
 * The `modules:` list: where each module is imported from.
 */
import { isAbsolute, resolve } from 'node:path';

/**
 * What to import for a `module:` entry: a path (starting with `./`, `../` or `/`) becomes an
 * absolute path resolved against the config file's directory; anything else is a package name.
 */
export function resolveModuleSpecifier(module: string, configDir: string): string {
  const isPath = module.startsWith('./') || module.startsWith('../') || isAbsolute(module);
  return isPath ? resolve(configDir, module) : module;
}
