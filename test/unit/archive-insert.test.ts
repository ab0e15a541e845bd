/**
 * The room archive's fixed-shape inserts (src/store/archive-insert.ts): a batch is cut into
 * chunks of the fixed sizes that add up to it, in order, and each chunk's query is exactly what
 * Kysely compiles for those rows (SQLite and PostgreSQL), so only the shapes' SQL texts occur.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely';
import { ArchiveInsert, CHUNK_SIZES, chunkSizes } from '../../src/store/archive-insert.js';
import type { Database, RoomArchiveTable } from '../../src/store/schema.js';

const sqlite = new Kysely<Database>({ dialect: { createAdapter: () => new SqliteAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (db) => new SqliteIntrospector(db), createQueryCompiler: () => new SqliteQueryCompiler() } });
const postgres = new Kysely<Database>({ dialect: { createAdapter: () => new PostgresAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (db) => new PostgresIntrospector(db), createQueryCompiler: () => new PostgresQueryCompiler() } });

const row = fc.record<RoomArchiveTable>({
  namespace: fc.string({ minLength: 1 }), owner: fc.string({ minLength: 1 }), room: fc.string({ minLength: 1 }), seq: fc.nat(), stanza_id: fc.string({ minLength: 1 }),
  at: fc.nat(), nick: fc.string(), kind: fc.constantFrom('message', 'correction'), body: fc.string(), action: fc.constantFrom(0, 1), refers: fc.string(),
});

describe('archive insert shapes', () => {
  it('cuts a count into the fixed sizes, largest first, adding up to it', () => {
    fc.assert(fc.property(fc.nat({ max: 5000 }), (count) => {
      const sizes = chunkSizes(count);
      assert.equal(sizes.reduce((a, b) => a + b, 0), count);
      for (const size of sizes) assert.ok(CHUNK_SIZES.includes(size));
      assert.deepEqual(sizes, [...sizes].sort((a, b) => b - a));
    }));
    assert.deepEqual(chunkSizes(1000), [256, 256, 256, 64, 64, 64, 16, 16, 4, 4]);
  });

  for (const [name, db] of [['SQLite', sqlite], ['PostgreSQL', postgres]] as const) {
    it(`gives the query Kysely compiles for each chunk's rows (${name})`, () => {
      const insert = new ArchiveInsert(db);
      fc.assert(fc.property(fc.array(row, { maxLength: 300 }), (rows) => {
        const queries = insert.queries(rows);
        let at = 0;
        for (const query of queries) {
          const size = query.parameters.length / 11;
          const expected = db.insertInto('room_archive').values(rows.slice(at, at + size)).onConflict((oc) => oc.doNothing()).compile();
          assert.equal(query.sql, expected.sql);
          assert.deepEqual(query.parameters, expected.parameters);
          at += size;
        }
        assert.equal(at, rows.length);
      }), { numRuns: 30 });
    });
  }
});
