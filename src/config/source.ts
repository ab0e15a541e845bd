/**
 * Reads a config file as YAML, keeping node positions so that every problem found later
 * (in the schema, in env substitution, across bridges) can be reported with its line.
 */
import { readFile } from 'node:fs/promises';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { FieldPath, FieldProblem, PathSegment } from './path.js';

/** A parsed config file: its plain data and a way back from a field to its line. */
export interface ConfigSource {
  /** The file as plain data (maps become objects), before env substitution. */
  readonly data: unknown;
  /**
   * The line of the field at `path`: the line of its key for map entries, of the item for
   * list entries. When the path does not exist (a missing field), the line of its nearest
   * existing parent.
   */
  lineOf(path: FieldPath): number;
}

/** Either a usable source or the problems that prevent reading it. */
export type SourceResult = { readonly source: ConfigSource; readonly problems: FieldProblem[] } | { readonly source?: undefined; readonly problems: FieldProblem[] };

/** Reads and parses `file`. YAML errors stop here; duplicate keys are reported but parsing goes on. */
export async function readConfigSource(file: string): Promise<SourceResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { problems: [{ path: [], reason: unreadableReason(error) }] };
  }
  return parseConfigText(text);
}

/** Parses config text (see readConfigSource). */
function parseConfigText(text: string): SourceResult {
  const lineCounter = new LineCounter();
  // resolveKnownTags: false keeps YAML 1.1 types (!!binary, !!timestamp, !!set) out: plain data only.
  // logLevel 'error': yaml's warnings (a mapping used as a key) would go to stderr; the schema
  // refuses such keys with a located problem instead.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, resolveKnownTags: false, logLevel: 'error' });
  const lineAtOffset = (offset: number): number => lineCounter.linePos(offset).line;
  const problems: FieldProblem[] = [];
  let fatal = false;
  for (const error of doc.errors) {
    if (error.code === 'DUPLICATE_KEY') {
      const duplicate = locateDuplicateKey(doc, error.pos[0], lineAtOffset);
      if (duplicate) {
        problems.push(duplicate);
        continue;
      }
    }
    fatal = true;
    problems.push({ path: [], line: lineAtOffset(error.pos[0]), reason: `invalid YAML: ${firstLine(error.message)}` });
  }
  for (const warning of doc.warnings) {
    if (warning.code !== 'TAG_RESOLVE_FAILED') continue;
    problems.push({ path: [], line: lineAtOffset(warning.pos[0]), reason: `unsupported YAML tag ${firstLine(warning.message).replace(/^Unresolved tag: /, '')}; remove it (values are plain strings, numbers, booleans, lists and mappings)` });
  }
  if (fatal) return { problems };

  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) {
    return { problems: [{ path: [], reason: 'the config file is empty; write one with `switchboard init`' }] };
  }
  if (!isMap(contents)) {
    return {
      problems: [{ path: [], line: lineAtOffset(contents.range?.[0] ?? 0), reason: 'the config file must be a YAML mapping (keys such as storage:, networks:, bridges:)' }],
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // yaml refuses alias bombs ("Excessive alias count ...") here.
    return { problems: [...problems, { path: [], reason: `invalid YAML: ${error instanceof Error ? error.message : String(error)}` }] };
  }
  if (containsCycle(data)) {
    // `&a` on a mapping and `<<: *a` (or `- *a`) inside it make the value contain itself.
    return { problems: [...problems, { path: [], reason: 'invalid YAML: an alias refers to the mapping or list that contains it; the config must be a tree' }] };
  }
  const source: ConfigSource = { data, lineOf: (path) => lineOfPath(doc, path, lineAtOffset) };
  return { source, problems };
}

/**
 * true when `value` contains itself (possible through YAML anchors and aliases). Linear in the
 * distinct objects: one shared through many aliases is checked once.
 */
function containsCycle(value: unknown, ancestors = new Set<object>(), checked = new Set<object>()): boolean {
  if (value === null || typeof value !== 'object' || checked.has(value)) return false;
  if (ancestors.has(value)) return true;
  ancestors.add(value);
  const children: unknown[] = Array.isArray(value) ? value : Object.values(value);
  const cyclic = children.some((child) => containsCycle(child, ancestors, checked));
  ancestors.delete(value);
  checked.add(value);
  return cyclic;
}

/** A readable reason for a failed read, naming the OS error and the fix where there is an obvious one. */
function unreadableReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ENOENT') return `cannot read the config file: it does not exist (${message}); write one with \`switchboard init -o <file>\` or pass -c <file>`;
  if (code === 'EISDIR') return 'cannot read the config file: it is a directory; pass the YAML file itself with -c <file>';
  if (code === 'EACCES' || code === 'EPERM') return `cannot read the config file: permission denied (${message}); make it readable by this user`;
  return `cannot read the config file (${message})`;
}

/** yaml's messages repeat the position and quote the source over several lines; keep the gist. */
function firstLine(message: string): string {
  const line = message.split('\n', 1)[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

function keyText(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined;
}

function nodeStart(node: unknown): number | undefined {
  return (node as Node | null)?.range?.[0];
}

/** Finds the map entry whose key starts at `offset` and describes the duplicate. */
function locateDuplicateKey(doc: Document, offset: number, lineAtOffset: (offset: number) => number): FieldProblem | undefined {
  const search = (node: unknown, path: PathSegment[]): FieldProblem | undefined => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = keyText(pair.key);
        if (key === undefined) continue;
        if (nodeStart(pair.key) === offset) {
          const first = node.items.find((other) => keyText(other.key) === key);
          const firstLine = lineAtOffset(nodeStart(first?.key) ?? offset);
          return {
            path: [...path, key],
            line: lineAtOffset(offset),
            reason: `duplicate key "${key}" (already defined at line ${firstLine}); each name may appear only once, rename or remove one`,
          };
        }
        const found = search(pair.value, [...path, key]);
        if (found) return found;
      }
    } else if (isSeq(node)) {
      for (const [index, item] of node.items.entries()) {
        const found = search(item, [...path, index]);
        if (found) return found;
      }
    }
    return undefined;
  };
  return search(doc.contents, []);
}

function lineOfPath(doc: Document, path: FieldPath, lineAtOffset: (offset: number) => number): number {
  let node: unknown = doc.contents;
  let offset = nodeStart(node) ?? 0;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    let next: unknown;
    if (isMap(node)) {
      // The last pair with that key, as toJS() keeps the last of duplicate keys.
      const pair = node.items.findLast((item) => keyText(item.key) === String(segment));
      if (!pair) break;
      offset = nodeStart(pair.key) ?? offset;
      next = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
      if (next === undefined) break;
      offset = nodeStart(next) ?? offset;
    } else break;
    node = next;
  }
  return lineAtOffset(offset);
}
