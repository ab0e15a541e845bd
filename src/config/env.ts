/**
 * Environment-variable substitution in config string values, so secrets stay out of the file:
 * `${NAME}` is replaced by the variable, `${NAME:-default}` falls back to `default` when the
 * variable is unset or empty, and `$${` is a literal `${`.
 *
 * Problems name the field and the variable, never a value.
 */
import type { FieldPath, FieldProblem } from './path.js';

const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/** The result of substituting one string: the new text and what went wrong. */
interface StringResult {
  readonly text: string;
  readonly errors: string[];
}

/** Substitutes the references in one string. */
export function substituteString(text: string, env: NodeJS.ProcessEnv): StringResult {
  const errors: string[] = [];
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    if (!text.startsWith('${', i)) {
      out += text[i];
      i += 1;
      continue;
    }
    const close = text.indexOf('}', i + 2);
    if (close === -1) {
      errors.push('unterminated "${" (close it with "}", or write "$${" for a literal "${")');
      out += text.slice(i);
      break;
    }
    const reference = text.slice(i + 2, close);
    const match = REFERENCE.exec(reference);
    if (!match) {
      errors.push(`"\${${reference}}" is not a valid variable reference; write \${NAME} or \${NAME:-default} (NAME: letters, digits, "_"), or "$\${" for a literal "\${"`);
      out += text.slice(i, close + 1);
    } else {
      const name = match[1] ?? '';
      const fallback = match[2];
      const value = env[name];
      if (fallback !== undefined) out += value === undefined || value === '' ? fallback : value;
      else if (value !== undefined) out += value;
      else {
        errors.push(`environment variable ${name} is not set; set it, or give a default with \${${name}:-default}`);
        out += text.slice(i, close + 1);
      }
    }
    i = close + 1;
  }
  return { text: out, errors };
}

/**
 * Substitutes references in every string value (not keys) of plain parsed YAML data.
 * Returns a new value; strings whose substitution failed are kept as written.
 */
export function substituteEnv(data: unknown, env: NodeJS.ProcessEnv): { value: unknown; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const visit = (value: unknown, path: FieldPath): unknown => {
    if (typeof value === 'string') {
      const result = substituteString(value, env);
      for (const reason of result.errors) problems.push({ path, reason });
      return result.text;
    }
    if (Array.isArray(value)) return value.map((item, index) => visit(item, [...path, index]));
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, visit(item, [...path, key])]));
    }
    return value;
  };
  return { value: visit(data, []), problems };
}
