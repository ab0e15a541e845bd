/**
 * The SQLite query runner's group commit on a real database file, and query templates:
 * writes issued in one turn share a transaction and settle after it commits, in order; a
 * write that fails fails alone; a keyed write can be withdrawn until it runs; close() commits what is still waiting; templates put each
 * argument where it belongs and refuse arguments they do not use; the statement cache keeps
 * statements and bounds them.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect } from 'kysely';
import { SqliteQueryRunner } from '../../src/store/sqlite-runner.js';
import { StatementCache } from '../../src/store/statement-cache.js';
import { QueryTemplate } from '../../src/store/query-template.js';
import type { Database } from '../../src/store/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-runner-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function openDatabase(): BetterSqlite3.Database {
  const database = new BetterSqlite3(join(dir, `db-${files++}.sqlite`));
  database.pragma('journal_mode = WAL');
  database.exec('create table t (k text primary key, v integer not null check (v >= 0))');
  return database;
}

const insert = (k: string, v: number) => CompiledQuery.raw('insert into t (k, v) values (?, ?) on conflict (k) do update set v = excluded.v', [k, v]);
const rows = (database: BetterSqlite3.Database) => database.prepare('select k, v from t order by k').all();

describe('SQLite query runner', () => {
  it('commits the writes of one turn together, in the order issued, and settles them after the commit', async () => {
    const database = openDatabase();
    const runner = new SqliteQueryRunner(database, new StatementCache(database));
    const settled: number[] = [];
    const writes = [insert('a', 1), insert('b', 2), insert('a', 3)].map((query, index) => runner.write(query).then((changes) => {
      settled.push(index);
      return changes;
    }));
    assert.deepEqual(rows(database), [], 'nothing is written before the turn ends');
    assert.deepEqual(await Promise.all(writes), [1, 1, 1]);
    assert.deepEqual(settled, [0, 1, 2]);
    assert.deepEqual(rows(database), [{ k: 'a', v: 3 }, { k: 'b', v: 2 }]);
    // Seen from another connection: the group is committed, not just visible to its own.
    const other = new BetterSqlite3(database.name, { readonly: true });
    try {
      assert.deepEqual(other.prepare('select count(*) as n from t').get(), { n: 2 });
    } finally {
      other.close();
    }
    await runner.close();
    database.close();
  });

  it('fails a write that breaks a constraint alone; the rest of its group commits', async () => {
    const database = openDatabase();
    const runner = new SqliteQueryRunner(database, new StatementCache(database));
    const outcomes = await Promise.allSettled([runner.write(insert('a', 1)), runner.write(insert('bad', -1)), runner.write(insert('c', 3))]);
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.match(String((outcomes[1] as PromiseRejectedResult).reason), /CHECK constraint/);
    assert.deepEqual(rows(database), [{ k: 'a', v: 1 }, { k: 'c', v: 3 }]);
    await runner.close();
    database.close();
  });

  it('commits what is still waiting on close, and refuses writes after it', async () => {
    const database = openDatabase();
    const runner = new SqliteQueryRunner(database, new StatementCache(database));
    const pending = runner.write(insert('late', 7));
    await runner.close();
    assert.equal(await pending, 1);
    assert.deepEqual(rows(database), [{ k: 'late', v: 7 }]);
    await assert.rejects(runner.write(insert('after', 1)), /closed/);
    database.close();
  });

  it('withdraws a keyed write that has not run: it is never written, settles with 0, and the rest of its group commits', async () => {
    const database = openDatabase();
    const runner = new SqliteQueryRunner(database, new StatementCache(database));
    const kept = runner.write(insert('a', 1), 'a');
    const withdrawn = runner.write(insert('b', 2), 'b');
    assert.equal(runner.withdraw('b'), true);
    assert.equal(runner.withdraw('b'), false, 'only once');
    assert.equal(runner.withdraw('unknown'), false);
    assert.deepEqual(await Promise.all([kept, withdrawn]), [1, 0]);
    assert.deepEqual(rows(database), [{ k: 'a', v: 1 }]);
    assert.equal(runner.withdraw('a'), false, 'a write that ran cannot be withdrawn');
    // A group whose writes were all withdrawn opens no transaction.
    const alone = runner.write(insert('c', 3), 'c');
    assert.equal(runner.withdraw('c'), true);
    assert.equal(await alone, 0);
    assert.deepEqual(rows(database), [{ k: 'a', v: 1 }]);
    await runner.close();
    database.close();
  });

  it('reads at once, seeing what was committed', async () => {
    const database = openDatabase();
    const runner = new SqliteQueryRunner(database, new StatementCache(database));
    await runner.write(insert('x', 5));
    assert.deepEqual(await runner.read(CompiledQuery.raw('select v from t where k = ?', ['x'])), [{ v: 5 }]);
    await runner.close();
    database.close();
  });
});

describe('query templates', () => {
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }) });
  after(() => db.destroy());

  it('puts every argument where it belongs, also when used twice, and keeps constants', () => {
    const template = new QueryTemplate<{ namespace: string; key: string; value: string; updatedAt: number }>(db, ['namespace', 'key', 'value', 'updatedAt'], (q, a) =>
      q.insertInto('kv').values({ namespace: a.namespace, key: a.key, value: a.value, updated_at: a.updatedAt })
        .onConflict((oc) => oc.columns(['namespace', 'key']).doUpdateSet({ value: a.value, updated_at: a.updatedAt })));
    const direct = db.insertInto('kv').values({ namespace: 'n', key: 'k', value: 'v', updated_at: 9 })
      .onConflict((oc) => oc.columns(['namespace', 'key']).doUpdateSet({ value: 'v', updated_at: 9 })).compile();
    const bound = template.bind({ namespace: 'n', key: 'k', value: 'v', updatedAt: 9 });
    assert.equal(bound.sql, direct.sql);
    assert.deepEqual(bound.parameters, direct.parameters);
    const limited = new QueryTemplate<{ key: string }>(db, ['key'], (q, a) => q.selectFrom('kv').select('value').where('key', '=', a.key).limit(1));
    assert.deepEqual(limited.bind({ key: 'z' }).parameters, ['z', 1]);
  });

  it('refuses an argument the query does not use', () => {
    assert.throws(
      () => new QueryTemplate<{ key: string; unused: string }>(db, ['key', 'unused'], (q, a) => q.selectFrom('kv').select('value').where('key', '=', a.key)),
      /argument unused is not a parameter/,
    );
  });
});

describe('statement cache', () => {
  it('prepares a statement once, and drops the least recently used beyond its size', () => {
    const database = openDatabase();
    const cache = new StatementCache(database, 2);
    const [a, b, c] = ['select 1', 'select 2', 'select 3'];
    const first = cache.prepare(a);
    assert.equal(cache.prepare(a), first, 'kept');
    const second = cache.prepare(b);
    cache.prepare(a); // a is now more recent than b
    cache.prepare(c); // evicts b
    assert.equal(cache.prepare(a), first, 'a stayed');
    assert.notEqual(cache.prepare(b), second, 'b was prepared again');
    database.close();
  });
});
