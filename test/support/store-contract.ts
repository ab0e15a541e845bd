/**
 * The behaviour every storage backend must have, as one test suite run against each of them
 * (SQLite in test/unit/store.test.ts, PostgreSQL in test/e2e/store-postgres.test.ts).
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { StorageConfig } from '../../src/store/config.js';
import { silentLogger, type Logger } from '../../src/core/log.js';
import { StoreError } from '../../src/store/errors.js';
import type { HubStore } from '../../src/store/hub-store.js';
import { migrations, type Migration, type MigrationContext } from '../../src/store/migrations/index.js';
import { openStore, type OpenStoreOptions } from '../../src/store/open.js';
import { captureLog } from './log-capture.js';

/** Creates a new, empty database and returns the config that opens it (every time). */
export type NewDatabase = () => Promise<StorageConfig>;

const LATEST = migrations.length;

/** A test migration appended after Switchboard's own. */
function extraMigration(name: string, up: (context: MigrationContext) => Promise<void>, offset = 1): Migration {
  return { version: LATEST + offset, name, up };
}

/** Sorts like the stores do: by Unicode code point (UTF-8 byte order). */
export function compareCodePoints(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const diff = left[i]!.codePointAt(0)! - right[i]!.codePointAt(0)!;
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}

/** Keys that share prefixes often, mixing LIKE metacharacters, case, BMP-edge and astral chars. */
const keyArbitrary = fc.string({
  unit: fc.oneof(
    fc.constantFrom('a', 'b', 'A', '/', '_', '%', '\\', 'é', '\uffff', '😀', '\u{10ffff}'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => c !== '\0'),
  ),
  maxLength: 6,
});

type KvCommand =
  | { op: 'set'; key: string; value: unknown }
  | { op: 'delete'; key: string }
  | { op: 'keys'; prefix: string }
  | { op: 'get'; key: string };

const kvCommand: fc.Arbitrary<KvCommand> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), key: keyArbitrary, value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ op: fc.constant('delete' as const), key: keyArbitrary }),
  fc.record({ op: fc.constant('keys' as const), prefix: keyArbitrary.map((k) => [...k].slice(0, 2).join('')) }),
  fc.record({ op: fc.constant('get' as const), key: keyArbitrary }),
);

const irc = (messageId: string, channel = '#lobby') => ({ network: 'libera', channel, messageId });
const xmpp = (messageId: string, channel = 'lobby@conference.example.org') => ({ network: 'jabber', channel, messageId });
const oftc = (messageId: string, channel = '#lobby') => ({ network: 'oftc', channel, messageId });

/** Opens a store; every store it opened is closed after each test. */
export type OpenForTest = (config: StorageConfig, options?: OpenStoreOptions, log?: Logger) => Promise<HubStore>;

/** An {@link OpenForTest} for the tests of the `describe` it is called in. */
export function storeOpener(): OpenForTest {
  const opened: HubStore[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  return async (config, options = {}, log = silentLogger()) => {
    const store = await openStore(config, log, options);
    opened.push(store);
    return store;
  };
}

export function describeStoreContract(name: string, newDatabase: NewDatabase): void {
  describe(`Store contract: ${name}`, () => {
    const open = storeOpener();

    describe('migrations', () => {
      it('runs every migration once, records it, and re-opening applies nothing', async () => {
        const config = await newDatabase();
        const first = captureLog();
        const store = await open(config, {}, first.log);
        assert.equal(store.kind, config.kind);
        assert.equal(await store.schemaVersion(), LATEST);
        const recorded = await store.migrations();
        assert.deepEqual(recorded.map((m) => [m.version, m.name]), migrations.map((m) => [m.version, m.name]));
        assert.ok(recorded.every((m) => Number.isInteger(m.appliedAt) && m.appliedAt > 0));
        assert.equal(first.lines.filter((l) => l.msg === 'applied schema migration').length, LATEST);
        await store.close();

        const second = captureLog();
        const again = await open(config, {}, second.log);
        assert.deepEqual(await again.migrations(), recorded);
        assert.equal(second.lines.filter((l) => l.msg === 'applied schema migration').length, 0);
        assert.equal(await again.schemaVersion(), LATEST);
      });

      it('applies a new migration exactly once across re-opens, recording its version and time', async () => {
        const config = await newDatabase();
        let runs = 0;
        const list = [...migrations, extraMigration('count-runs', async () => void runs++)];
        const store = await open(config, { migrations: list, now: () => 1234 });
        await store.close();
        const again = await open(config, { migrations: list });
        assert.equal(runs, 1);
        assert.equal(await again.schemaVersion(), LATEST + 1);
        assert.deepEqual((await again.migrations()).at(-1), { version: LATEST + 1, name: 'count-runs', appliedAt: 1234 });
      });

      it('rolls a failing migration back completely and reports which one failed', async () => {
        const config = await newDatabase();
        const failing = extraMigration('half-done', async ({ db, types }) => {
          await db.schema.createTable('probe').addColumn('id', types.integer).execute();
          throw new Error('boom');
        });
        await assert.rejects(open(config, { migrations: [...migrations, failing] }), (error: unknown) => {
          assert.ok(error instanceof StoreError);
          assert.match(error.message, /migration 0*\d+-half-done failed and was rolled back: boom/);
          return true;
        });
        // The table from the failed attempt must not exist, or creating it again would fail.
        const fixed = extraMigration('done-right', async ({ db, types }) => {
          await db.schema.createTable('probe').addColumn('id', types.integer).execute();
        });
        const store = await open(config, { migrations: [...migrations, fixed] });
        assert.equal(await store.schemaVersion(), LATEST + 1);
        assert.equal((await store.migrations()).at(-1)?.name, 'done-right');
      });

      it('refuses a database migrated by a newer Switchboard, and leaves it intact', async () => {
        const config = await newDatabase();
        const newer = [...migrations, extraMigration('from-the-future', async () => undefined)];
        const store = await open(config, { migrations: newer });
        await store.kv('keep').set('me', { safe: true });
        await store.close();

        await assert.rejects(open(config), (error: unknown) => {
          assert.ok(error instanceof StoreError);
          assert.match(error.message, new RegExp(`schema is at version ${LATEST + 1}.*only knows versions up to ${LATEST}`));
          assert.match(error.message, /upgrade Switchboard/);
          return true;
        });
        const reopened = await open(config, { migrations: newer });
        assert.deepEqual(await reopened.kv('keep').get('me'), { safe: true });
      });
    });

    describe('kv', () => {
      it('gets, sets, overwrites and deletes JSON values', async () => {
        const store = await open(await newDatabase());
        const kv = store.kv('module:test');
        assert.equal(await kv.get('missing'), undefined);
        const value = { text: 'héllo 😀 "quoted" \u0000 nul', list: [1, 2.5, -3, null, true], nested: { empty: {} } };
        await kv.set('k', value);
        assert.deepEqual(await kv.get('k'), value);
        await kv.set('k', 'replaced');
        assert.equal(await kv.get('k'), 'replaced');
        await kv.set('null', null);
        assert.equal(await kv.get('null'), null);
        assert.deepEqual(await kv.keys(), ['k', 'null']);
        assert.equal(await kv.delete('k'), true);
        assert.equal(await kv.delete('k'), false);
        assert.equal(await kv.get('k'), undefined);
        assert.deepEqual(await kv.keys(), ['null']);
      });

      it('keeps namespaces apart', async () => {
        const store = await open(await newDatabase());
        const a = store.kv('a');
        const b = store.kv('ab');
        await a.set('key', 1);
        await b.set('key', 2);
        await b.set('other', 3);
        assert.equal(await a.get('key'), 1);
        assert.equal(await b.get('key'), 2);
        assert.deepEqual(await a.keys(), ['key']);
        assert.equal(await a.delete('other'), false);
        assert.equal(await b.get('other'), 3);
        assert.equal(await store.kv('a').get('key'), 1, 'a second handle on a namespace sees the same data');
      });

      it('lists keys by literal, case-sensitive prefix, sorted by code point', async () => {
        const store = await open(await newDatabase());
        const kv = store.kv('prefixes');
        for (const key of ['a_b', 'a%b', 'A_b', 'axb', 'a\\b', 'ab', 'a', 'b', 'a😀', 'a\uffff']) await kv.set(key, key);
        assert.deepEqual(await kv.keys('a_'), ['a_b']);
        assert.deepEqual(await kv.keys('a%'), ['a%b']);
        assert.deepEqual(await kv.keys('a\\'), ['a\\b']);
        assert.deepEqual(await kv.keys('A'), ['A_b']);
        assert.deepEqual(await kv.keys('a'), ['a', 'a%b', 'a\\b', 'a_b', 'ab', 'axb', 'a\uffff', 'a😀']);
        assert.deepEqual(await kv.keys('zzz'), []);
        assert.deepEqual(await kv.keys(''), await kv.keys());
      });

      it('removes the entries of a prefix last set before a time, and only those (deleteOlderThan)', async () => {
        let clock = 1_000;
        const store = await open(await newDatabase(), { now: () => clock });
        const kv = store.kv('ages');
        const other = store.kv('ages2');
        for (const key of ['q/old', 'q/edited', 'q%old', 'Q/old', 'qold']) await kv.set(key, key);
        await other.set('q/old', 'other namespace');
        clock = 2_000;
        await kv.set('q/edited', 'set again');
        await kv.set('q/new', 'new');
        assert.equal(await kv.deleteOlderThan('q/', 1_500), 1, 'q/old only: the prefix is literal and case-sensitive');
        assert.deepEqual(await kv.keys(), ['Q/old', 'q%old', 'q/edited', 'q/new', 'qold']);
        assert.equal(await other.get('q/old'), 'other namespace');
        assert.equal(await kv.deleteOlderThan('q/', 2_000), 0, 'strictly before');
        assert.equal(await kv.deleteOlderThan('', 2_001), 5);
        assert.deepEqual(await kv.keys(), []);
      });

      it('behaves like an in-memory map under any sequence of operations (property)', async () => {
        const store = await open(await newDatabase());
        let run = 0;
        await fc.assert(
          fc.asyncProperty(fc.array(kvCommand, { maxLength: 25 }), async (commands) => {
            const kv = store.kv(`property-${run++}`);
            const model = new Map<string, unknown>();
            for (const command of commands) {
              switch (command.op) {
                case 'set':
                  await kv.set(command.key, command.value);
                  model.set(command.key, JSON.parse(JSON.stringify(command.value)));
                  break;
                case 'delete':
                  assert.equal(await kv.delete(command.key), model.delete(command.key));
                  break;
                case 'get':
                  assert.deepEqual(await kv.get(command.key), model.get(command.key));
                  break;
                case 'keys': {
                  const expected = [...model.keys()].filter((k) => k.startsWith(command.prefix)).sort(compareCodePoints);
                  assert.deepEqual(await kv.keys(command.prefix), expected);
                  break;
                }
              }
            }
            assert.deepEqual(await kv.keys(), [...model.keys()].sort(compareCodePoints));
          }),
          { numRuns: 40 },
        );
      });

      it('keeps values across close and re-open', async () => {
        const config = await newDatabase();
        const store = await open(config);
        await store.kv('persist').set('counter', 41);
        await store.close();
        const again = await open(config);
        assert.equal(await again.kv('persist').get('counter'), 41);
      });

      it('rejects keys and values it cannot store, with a clear error, and keeps the old value', async () => {
        const store = await open(await newDatabase());
        const kv = store.kv('strict');
        await kv.set('k', 'old');
        const circular: Record<string, unknown> = {};
        circular.self = circular;
        const bad: Array<[string, () => Promise<unknown>, RegExp]> = [
          ['NUL in key', () => kv.set('k\0', 1), /kv key must not contain NUL/],
          ['lone surrogate in key', () => kv.set('k\ud800', 1), /unpaired UTF-16 surrogate/],
          ['undefined value', () => kv.set('k', undefined), /cannot be stored as JSON.*use delete\(\)/],
          ['function value', () => kv.set('k', () => 1), /cannot be stored as JSON/],
          ['bigint value', () => kv.set('k', 10n), /kv\("strict"\)\.set\("k"\): the value cannot be stored as JSON/],
          ['circular value', () => kv.set('k', circular), /cannot be stored as JSON/],
          ['NUL in get', () => kv.get('\0'), /NUL/],
          ['NUL in prefix', () => kv.keys('\0'), /prefix must not contain NUL/],
        ];
        for (const [what, action, message] of bad) {
          await assert.rejects(action(), (error: unknown) => error instanceof StoreError && message.test(error.message), what);
        }
        assert.throws(() => store.kv(''), /namespace must not be empty/);
        assert.throws(() => store.kv('a\0b'), StoreError);
        assert.equal(await kv.get('k'), 'old');
        assert.deepEqual(await kv.keys(), ['k']);
      });

      it('treats a corrupt stored value as missing, logs it once with context, and recovers on set', async () => {
        const config = await newDatabase();
        const corrupt = extraMigration('corrupt-a-value', async ({ db }) => {
          await db.insertInto('kv').values({ namespace: 'damaged', key: 'bad', value: '{not json', updated_at: 0 }).execute();
          await db.insertInto('kv').values({ namespace: 'damaged', key: 'good', value: '[1]', updated_at: 0 }).execute();
        });
        const capture = captureLog();
        const store = await open(config, { migrations: [...migrations, corrupt] }, capture.log);
        const kv = store.kv('damaged');
        assert.equal(await kv.get('bad'), undefined);
        assert.equal(await kv.get('bad'), undefined);
        assert.equal(await store.kv('damaged').get('bad'), undefined);
        const warnings = capture.lines.filter((l) => l.level === 40);
        assert.equal(warnings.length, 1, 'logged once');
        assert.equal(warnings[0]!.namespace, 'damaged');
        assert.equal(warnings[0]!.key, 'bad');
        assert.match(String(warnings[0]!.msg), /not valid JSON/);
        assert.deepEqual(await kv.get('good'), [1]);
        assert.deepEqual(await kv.keys(), ['bad', 'good']);
        await kv.set('bad', { fixed: true });
        assert.deepEqual(await kv.get('bad'), { fixed: true });
      });
    });

    describe('message map', () => {
      it('finds targets from the source and the source from any target', async () => {
        const store = await open(await newDatabase());
        const { messages } = store;
        const source = irc('msg-1');
        await messages.recordSent({ source, target: xmpp('x-part-2'), primary: false });
        await messages.recordSent({ source, target: xmpp('x-part-1'), primary: true });
        await messages.recordSent({ source, target: oftc('o-1'), primary: true });
        await messages.recordSent({ source: irc('msg-2'), target: xmpp('x-other'), primary: true });

        const targets = await messages.findTargets('libera', 'msg-1');
        assert.deepEqual(
          targets.map((t) => [t.target.network, t.target.messageId, t.primary]),
          [['jabber', 'x-part-1', true], ['oftc', 'o-1', true], ['jabber', 'x-part-2', false]],
        );
        assert.ok(targets.every((t) => t.source.messageId === 'msg-1' && t.source.channel === '#lobby'));
        assert.deepEqual(targets[0]!.target, xmpp('x-part-1'));

        for (const id of ['x-part-1', 'x-part-2']) {
          const found = await messages.findSource('jabber', id);
          assert.deepEqual(found?.source, source);
        }
        assert.deepEqual((await messages.findSource('oftc', 'o-1'))?.source, source);
        assert.equal(await messages.findSource('libera', 'msg-1'), undefined, 'a source is not a target');
        assert.equal(await messages.findSource('oftc', 'x-part-1'), undefined, 'ids are per network');
        assert.deepEqual(await messages.findTargets('jabber', 'x-part-1'), [], 'a target is not a source');
        assert.deepEqual(await messages.findTargets('libera', 'unknown'), []);
      });

      it('finds every other copy of a message from whichever copy an edit, reply or reaction names', async () => {
        const store = await open(await newDatabase());
        const { messages } = store;
        const source = irc('m');
        await messages.recordSent({ source, target: xmpp('x1'), primary: true });
        await messages.recordSent({ source, target: xmpp('x2'), primary: false });
        await messages.recordSent({ source, target: oftc('o1'), primary: true });

        const fromSource = await messages.findCounterparts('libera', 'm');
        assert.deepEqual(fromSource, [
          { ...xmpp('x1'), role: 'target', primary: true },
          { ...oftc('o1'), role: 'target', primary: true },
          { ...xmpp('x2'), role: 'target', primary: false },
        ]);
        const fromTarget = await messages.findCounterparts('oftc', 'o1');
        assert.deepEqual(fromTarget, [
          { ...source, role: 'source', primary: true },
          { ...xmpp('x1'), role: 'target', primary: true },
          { ...xmpp('x2'), role: 'target', primary: false },
        ]);
        assert.deepEqual(await messages.findCounterparts('libera', 'nope'), []);
      });

      it("keeps the source message's author with every copy, found from the source and from any copy", async () => {
        const store = await open(await newDatabase());
        const { messages } = store;
        const alice = '["jabber","account","alice@example.org"]';
        await messages.recordSent({ source: xmpp('a-1'), target: irc('i-1'), primary: true, author: alice });
        await messages.recordSent({ source: xmpp('a-1'), target: oftc('o-1'), primary: true, author: alice });
        await messages.recordSent({ source: xmpp('old'), target: irc('i-old'), primary: true });
        assert.deepEqual((await messages.findTargets('jabber', 'a-1')).map((t) => t.author), [alice, alice]);
        assert.equal((await messages.findSource('oftc', 'o-1'))?.author, alice);
        assert.equal((await messages.findTargets('jabber', 'old'))[0]?.author, undefined, 'unknown: left out');
        // A retried send records the author again (the same row).
        await messages.recordSent({ source: xmpp('a-1'), target: irc('i-1'), primary: true, author: alice });
        assert.equal((await messages.findTargets('jabber', 'a-1')).length, 2);
      });

      it('records a retried send once, and keeps private messages (empty channel) and unicode ids', async () => {
        const store = await open(await newDatabase());
        const { messages } = store;
        const pm = { network: 'libera', channel: '', messageId: 'ü-😀-1' };
        await messages.recordSent({ source: pm, target: xmpp('t', ''), primary: true });
        await messages.recordSent({ source: pm, target: xmpp('t', ''), primary: true });
        const targets = await messages.findTargets('libera', 'ü-😀-1');
        assert.equal(targets.length, 1);
        assert.deepEqual(targets[0]!.target, xmpp('t', ''));
        await assert.rejects(
          messages.recordSent({ source: { ...pm, messageId: '' }, target: xmpp('t2'), primary: true }),
          /source\.messageId must not be empty/,
        );
        await assert.rejects(messages.findSource('jabber', 'a\0'), StoreError);
      });

      it('prunes mappings older than the given age and keeps newer ones', async () => {
        let clock = 1_000_000;
        const store = await open(await newDatabase(), { now: () => clock });
        const { messages } = store;
        await messages.recordSent({ source: irc('old'), target: xmpp('x-old'), primary: true });
        await messages.recordSent({ source: irc('old'), target: oftc('o-old'), primary: true });
        clock += 60_000;
        await messages.recordSent({ source: irc('new'), target: xmpp('x-new'), primary: true });
        const recorded = await messages.findTargets('libera', 'new');
        assert.equal(recorded[0]!.createdAt, 1_060_000);
        clock += 1_000;

        assert.equal(await messages.prune(61_000), 0, 'nothing is strictly older than 61 s');
        assert.equal(await messages.prune(30_000), 2);
        assert.deepEqual(await messages.findTargets('libera', 'old'), []);
        assert.equal(await messages.findSource('jabber', 'x-old'), undefined);
        assert.equal((await messages.findTargets('libera', 'new')).length, 1);
        assert.equal(await messages.prune(30_000), 0);
        await assert.rejects(messages.prune(-1), /non-negative/);
        await assert.rejects(messages.prune(Number.NaN), /non-negative/);
      });

      it('lists the messages sent recently, oldest first', async () => {
        let clock = 1_000_000;
        const store = await open(await newDatabase(), { now: () => clock });
        const { messages } = store;
        await messages.recordSent({ source: irc('a'), target: xmpp('x-a'), primary: true });
        clock += 10_000;
        await messages.recordSent({ source: irc('b'), target: xmpp('x-b'), primary: true });
        clock += 1_000;
        await messages.recordSent({ source: irc('b'), target: oftc('o-b'), primary: true });
        clock += 1_000;
        assert.deepEqual(await messages.sentWithin(2_000), [
          { network: 'jabber', messageId: 'x-b' },
          { network: 'oftc', messageId: 'o-b' },
        ]);
        assert.equal((await messages.sentWithin(60_000)).length, 3);
        assert.deepEqual(await messages.sentWithin(0), []);
        await assert.rejects(messages.sentWithin(-1), /non-negative/);
      });

      it('applies writes issued without waiting in the order they were issued', async () => {
        const store = await open(await newDatabase());
        const kv = store.kv('ordered');
        const writes: Array<Promise<unknown>> = [];
        for (let i = 0; i < 50; i++) {
          writes.push(kv.set('key', i));
          writes.push(kv.set(`item/${i}`, i));
          if (i % 2 === 0) writes.push(kv.delete(`item/${i}`));
        }
        await Promise.all(writes);
        assert.equal(await kv.get('key'), 49);
        assert.deepEqual(await kv.keys('item/'), Array.from({ length: 25 }, (_, k) => `item/${2 * k + 1}`).sort());
      });
    });

    describe('lifecycle', () => {
      it('close() is idempotent and later calls fail clearly', async () => {
        const store = await open(await newDatabase());
        await store.kv('x').set('y', 1);
        await Promise.all([store.close(), store.close()]);
        await store.close();
        await assert.rejects(store.kv('x').get('y'), (error: unknown) => error instanceof StoreError && /closed/.test(error.message));
        await assert.rejects(store.messages.findTargets('a', 'b'), /closed/);
        await assert.rejects(store.schemaVersion(), /closed/);
      });
    });
  });
}
