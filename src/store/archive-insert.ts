/**
 * The room archive's multi-row insert, in a few fixed shapes: a batch of any size is cut into
 * chunks of CHUNK_SIZES rows (largest first), so the store prepares at most one statement per
 * shape (a batch of 1 to 1,000 rows would otherwise be a new SQL text, and a new prepared
 * statement pushing others out of the cache, almost every time), and each shape is compiled by
 * Kysely once (building a 1,000-row insert walks every value): a row token stands for each
 * value, and binding puts the rows' values where their tokens were. The SQL stays Kysely's, so
 * every dialect gets its own.
 */
import type { CompiledQuery, Kysely } from 'kysely';
import type { Database, RoomArchiveTable } from './schema.js';

/** The chunk sizes, largest first (SQLite binds at most 32,766 parameters: 11 a row). */
export const CHUNK_SIZES: readonly number[] = [256, 64, 16, 4, 1];

const COLUMNS = ['namespace', 'owner', 'room', 'seq', 'stanza_id', 'at', 'nick', 'kind', 'body', 'action', 'refers'] as const satisfies ReadonlyArray<keyof RoomArchiveTable>;
type Column = (typeof COLUMNS)[number];

/** The sizes of the chunks `count` rows are cut into, in order (largest first). */
export function chunkSizes(count: number): number[] {
  const sizes: number[] = [];
  let left = count;
  for (const size of CHUNK_SIZES) {
    while (left >= size) {
      sizes.push(size);
      left -= size;
    }
  }
  return sizes;
}

interface Shape {
  readonly compiled: CompiledQuery;
  /** Per parameter: the row (in the chunk) and column whose value goes there. */
  readonly slots: ReadonlyArray<readonly [number, Column]>;
}

export class ArchiveInsert {
  readonly #shapes = new Map<number, Shape>();

  constructor(private readonly db: Kysely<Database>) {}

  /** The insert of `rows` (at most the largest chunk size), ignoring rows already there. */
  chunk(rows: readonly RoomArchiveTable[]): CompiledQuery {
    const shape = this.#shape(rows.length);
    return { ...shape.compiled, parameters: shape.slots.map(([row, column]) => rows[row]![column]) };
  }

  /** `rows` as the queries of their chunks, in order. */
  queries(rows: readonly RoomArchiveTable[]): CompiledQuery[] {
    const queries: CompiledQuery[] = [];
    let at = 0;
    for (const size of chunkSizes(rows.length)) {
      queries.push(this.chunk(rows.slice(at, at + size)));
      at += size;
    }
    return queries;
  }

  #shape(size: number): Shape {
    let shape = this.#shapes.get(size);
    if (shape !== undefined) return shape;
    const token = (row: number, column: Column): string => `\u0000archive-row:${row}:${column}\u0000`;
    const byToken = new Map<string, readonly [number, Column]>();
    const rows = Array.from({ length: size }, (_, row) => {
      const values: Record<string, string> = {};
      for (const column of COLUMNS) {
        values[column] = token(row, column);
        byToken.set(token(row, column), [row, column]);
      }
      return values as unknown as RoomArchiveTable;
    });
    const compiled = this.db.insertInto('room_archive').values(rows).onConflict((oc) => oc.doNothing()).compile();
    const slots = compiled.parameters.map((value) => {
      const slot = typeof value === 'string' ? byToken.get(value) : undefined;
      if (slot === undefined) throw new Error(`archive insert: a parameter is not a row value: ${compiled.sql.slice(0, 200)}`);
      return slot;
    });
    if (slots.length !== size * COLUMNS.length || compiled.sql.includes('\u0000')) throw new Error('archive insert: Kysely did not pass every row value as a parameter');
    shape = { compiled, slots };
    this.#shapes.set(size, shape);
    return shape;
  }
}
