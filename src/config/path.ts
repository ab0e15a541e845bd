/**
 * Field paths inside a config document, as segments (`['networks', 'libera', 'port']`) and
 * as the text shown to users (`networks.libera.port`, `modules[0].module`).
 */

/** One step into the document: a map key or a list index. */
export type PathSegment = string | number;

/** A field path as segments from the document root. */
export type FieldPath = readonly PathSegment[];

/** A problem before it is reported: the field, what is wrong and, when already known, the line. */
export interface FieldProblem {
  readonly path: FieldPath;
  readonly reason: string;
  /** Set when the problem comes with its own position (YAML syntax errors); else found from `path`. */
  readonly line?: number;
}

/** Formats a path for messages: keys joined by dots, list indexes in brackets. */
export function formatPath(path: FieldPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text;
}

/** The value at `path` inside plain data, or undefined when any step is missing. */
export function valueAt(data: unknown, path: FieldPath): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PathSegment, unknown>)[segment];
  }
  return current;
}
