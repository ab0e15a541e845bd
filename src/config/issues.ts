/**
 * Turns zod validation issues into config problems: one problem per field with a readable
 * reason, unknown keys one by one with a "did you mean" hint, union failures narrowed to the
 * branch the value was meant for. Reasons never quote input values (they may be secrets).
 */
import type { ZodType, core } from 'zod';
import { valueAt, type FieldPath, type FieldProblem, type PathSegment } from './path.js';
import { didYouMean } from './suggest.js';

type Issue = core.$ZodIssue;

/** The parts of a zod schema's definition needed to find which keys an object allows. */
interface SchemaDefinition {
  readonly type: string;
  readonly shape?: Record<string, SchemaLike>;
  readonly innerType?: SchemaLike;
  readonly in?: SchemaLike;
  readonly valueType?: SchemaLike;
  readonly element?: SchemaLike;
  readonly options?: readonly SchemaLike[];
  readonly left?: SchemaLike;
  readonly right?: SchemaLike;
  readonly getter?: () => SchemaLike;
}
interface SchemaLike {
  readonly _zod: { readonly def: SchemaDefinition };
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional', 'success']);

/** The schemas a value may be checked against, once wrappers (optional, default, ...) are removed. */
function unwrap(schema: SchemaLike, depth = 0): SchemaLike[] {
  if (depth > 20) return [];
  const def = schema._zod.def;
  if (WRAPPERS.has(def.type) && def.innerType) return unwrap(def.innerType, depth + 1);
  if (def.type === 'pipe' && def.in) return unwrap(def.in, depth + 1);
  if (def.type === 'lazy' && def.getter) return unwrap(def.getter(), depth + 1);
  if (def.type === 'union' && def.options) return def.options.flatMap((option) => unwrap(option, depth + 1));
  if (def.type === 'intersection' && def.left && def.right) return [...unwrap(def.left, depth + 1), ...unwrap(def.right, depth + 1)];
  return [schema];
}

function childSchemas(schema: SchemaLike, segment: PathSegment): SchemaLike[] {
  const def = schema._zod.def;
  if (def.type === 'object' && def.shape && typeof segment === 'string') {
    const child = def.shape[segment];
    return child ? [child] : [];
  }
  if (def.type === 'record' && def.valueType) return [def.valueType];
  if (def.type === 'array' && def.element) return [def.element];
  return [];
}

/** The keys the object schema at `path` allows (empty when unknown). Exported for tests. */
export function knownKeysAt(schema: ZodType, path: FieldPath): string[] {
  let current = unwrap(schema as unknown as SchemaLike);
  for (const segment of path) current = current.flatMap((s) => childSchemas(s, segment)).flatMap((s) => unwrap(s));
  const keys = new Set<string>();
  for (const s of current) {
    const shape = s._zod.def.type === 'object' ? s._zod.def.shape : undefined;
    for (const key of Object.keys(shape ?? {})) keys.add(key);
  }
  return [...keys];
}

/** A union branch failed only because the value had another type altogether. */
function isTypeMismatch(branch: readonly Issue[]): boolean {
  return branch.every((issue) => issue.path.length === 0 && (issue.code === 'invalid_type' || issue.code === 'invalid_value'));
}

function unknownKeyReason(key: string, allowed: string[]): string {
  const hint = didYouMean(key, allowed);
  if (hint !== '') return `unknown key${hint}`;
  return allowed.length > 0 ? `unknown key; allowed keys: ${allowed.join(', ')}` : 'unknown key';
}

/** How expected types are named in messages (zod's names otherwise). */
const EXPECTED_NAMES: Readonly<Record<string, string>> = {
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
};

/** The kind of a value, for messages (never the value itself). */
function describeKind(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') return Number.isInteger(value) ? 'a number' : 'a fractional number';
  if (typeof value === 'boolean') return 'true/false';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

function expectedValues(values: readonly unknown[]): string {
  const list = values.map((value) => JSON.stringify(value));
  return list.length === 1 ? `expected ${list[0] ?? ''}` : `expected one of ${list.join(', ')}`;
}

/** "must be at least 1", "must have at most 32 characters", ... */
function boundReason(issue: core.$ZodIssueTooBig | core.$ZodIssueTooSmall): string {
  const big = issue.code === 'too_big';
  const limit = big ? (issue as core.$ZodIssueTooBig).maximum : (issue as core.$ZodIssueTooSmall).minimum;
  const bound = big ? (issue.inclusive ? 'at most' : 'less than') : issue.inclusive ? 'at least' : 'more than';
  const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' || issue.origin === 'set' ? ' items' : '';
  if (unit !== '' && !big && limit === 1 && issue.inclusive) return 'must not be empty';
  return unit === '' ? `must be ${bound} ${String(limit)}` : `must have ${bound} ${String(limit)}${unit}`;
}

/** zod's default messages start with "Invalid input: "; the field path already says where. */
function cleanMessage(message: string): string {
  const text = message.replace(/^Invalid input: /, '');
  return text === 'Invalid input' ? 'invalid value' : text;
}

/**
 * Converts the issues of validating `input` against `schema` into problems. `base` is where
 * `input` sits in the whole config file (e.g. `['networks', 'libera']`).
 */
export function issuesToProblems(issues: readonly Issue[], schema: ZodType, input: unknown, base: FieldPath = []): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const visit = (issue: Issue, prefix: FieldPath): void => {
    const path = [...prefix, ...issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment))];
    switch (issue.code) {
      case 'unrecognized_keys': {
        const allowed = knownKeysAt(schema, path);
        for (const key of issue.keys) problems.push({ path: [...base, ...path, key], reason: unknownKeyReason(key, allowed) });
        return;
      }
      case 'invalid_union': {
        const choices = 'options' in issue ? issue.options : undefined;
        if (issue.discriminator !== undefined && choices !== undefined && issue.errors.length === 0) {
          // zod puts the path of the discriminator field itself on this issue.
          const given = valueAt(input, path);
          problems.push({ path: [...base, ...path], reason: given === undefined ? `required field is missing (${expectedValues(choices)})` : expectedValues(choices) });
          return;
        }
        if (valueAt(input, path) === undefined) {
          problems.push({ path: [...base, ...path], reason: 'required field is missing' });
          return;
        }
        const meant = issue.errors.filter((branch) => !isTypeMismatch(branch));
        if (meant.length === 1) {
          for (const inner of meant[0] ?? []) visit(inner, path);
          return;
        }
        break;
      }
      case 'invalid_type': {
        if (!issue.message.startsWith('Invalid input')) break; // a schema's own message
        const value = valueAt(input, path);
        const expected = EXPECTED_NAMES[issue.expected] ?? issue.expected;
        if (value === undefined) problems.push({ path: [...base, ...path], reason: `required field is missing (expected ${expected})` });
        else if (value === null) problems.push({ path: [...base, ...path], reason: `no value given (expected ${expected})` });
        else problems.push({ path: [...base, ...path], reason: `expected ${expected}, got ${describeKind(value)}` });
        return;
      }
      case 'invalid_value':
        if (issue.message.startsWith('Invalid option') || issue.message.startsWith('Invalid input')) {
          problems.push({ path: [...base, ...path], reason: expectedValues(issue.values) });
          return;
        }
        break;
      case 'too_big':
      case 'too_small':
        if (issue.message.startsWith('Too ')) {
          problems.push({ path: [...base, ...path], reason: boundReason(issue) });
          return;
        }
        break;
      default:
        break;
    }
    problems.push({ path: [...base, ...path], reason: cleanMessage(issue.message) });
  };
  for (const issue of issues) visit(issue, []);
  return problems;
}
