/**
 * The `networks:` section: each network's name, its `protocol`, and its options validated by
 * that protocol's own schema.
 */
import type { ProtocolDefinition } from '../core/network.js';
import type { NetworkConfig } from './types.js';
import { issuesToProblems } from './issues.js';
import type { FieldProblem } from './path.js';
import { NAME_PATTERN } from './schema.js';
import { didYouMean } from './suggest.js';

/** The reason given for a network or bridge name that does not match NAME_PATTERN. */
export const NAME_RULE = 'must start with a letter and contain only letters, digits, "_" or "-" (at most 32 characters)';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Validates every entry of `networks:` (raw data after env substitution). Entries whose basic
 * shape is wrong (no `protocol`, not a mapping) are skipped here: the hub schema reports them.
 */
export async function validateNetworks(
  raw: unknown,
  protocols: readonly ProtocolDefinition[],
): Promise<{ networks: NetworkConfig[]; problems: FieldProblem[] }> {
  const networks: NetworkConfig[] = [];
  const problems: FieldProblem[] = [];
  if (!isPlainObject(raw)) return { networks, problems };
  const known = protocols.map((definition) => definition.protocol);

  for (const [name, entry] of Object.entries(raw)) {
    if (!NAME_PATTERN.test(name)) problems.push({ path: ['networks', name], reason: `invalid network name: ${NAME_RULE}` });
    if (!isPlainObject(entry) || typeof entry.protocol !== 'string' || entry.protocol === '') continue;
    const { protocol, ...options } = entry;
    const definition = protocols.find((candidate) => candidate.protocol === protocol);
    if (!definition) {
      const choices = known.length > 0 ? `known protocols: ${known.join(', ')}` : 'no protocols are available in this build';
      problems.push({ path: ['networks', name, 'protocol'], reason: `unknown protocol "${protocol}"${didYouMean(protocol, known)}; ${choices}` });
      continue;
    }
    let result;
    try {
      result = await definition.configSchema.safeParseAsync(options);
    } catch (error) {
      // A transform or refinement in the protocol's schema threw instead of reporting an issue.
      const message = error instanceof Error ? error.message : String(error);
      problems.push({ path: ['networks', name], reason: `the ${protocol} protocol could not validate these options: ${message}` });
      continue;
    }
    if (result.success) networks.push({ name, protocol, options: result.data });
    else problems.push(...issuesToProblems(result.error.issues, definition.configSchema, options, ['networks', name]));
  }
  return { networks, problems };
}
