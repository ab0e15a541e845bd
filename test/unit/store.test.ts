/**
 * The store on SQLite: the shared contract suite plus what only SQLite has (WAL, file paths).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StorageConfig } from '../../src/store/config.js';
import { silentLogger } from '../../src/core/log.js';
import { StoreError } from '../../src/store/errors.js';
import { migrations } from '../../src/store/migrations/index.js';
import { openStore } from '../../src/store/open.js';
import { describeStoreContract } from '../support/store-contract.js';
import { describeQueueContract } from '../support/store-queue-contract.js';
import { describeGatewayAccountContract } from '../support/store-gateway-contract.js';
import { describeRoomArchiveContract } from '../support/store-room-archive-contract.js';

const root = mkdtempSync(join(tmpdir(), 'switchboard-store-'));
after(() => rmSync(root, { recursive: true, force: true }));

let databases = 0;
const newDatabase = async (): Promise<StorageConfig> => ({ kind: 'sqlite', path: join(root, `db-${++databases}.sqlite`) });
describeStoreContract('sqlite', newDatabase);
describeQueueContract('sqlite', newDatabase);
describeGatewayAccountContract('sqlite', newDatabase);
describeRoomArchiveContract('sqlite', newDatabase);

/** Byte 18 of a SQLite file header is the write format: 1 = rollback journal, 2 = WAL. */
function headerWriteVersion(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(20);
    readSync(fd, header, 0, 20, 0);
    assert.equal(header.subarray(0, 16).toString('latin1'), 'SQLite format 3\0');
    return header[18]!;
  } finally {
    closeSync(fd);
  }
}

async function openError(config: StorageConfig): Promise<StoreError> {
  try {
    const store = await openStore(config, silentLogger());
    await store.close();
  } catch (error) {
    assert.ok(error instanceof StoreError, `expected a StoreError, got ${String(error)}`);
    return error;
  }
  assert.fail(`opening ${JSON.stringify(config)} should have failed`);
}

/** Waits for a child to exit (killing it after `timeoutMs`) and returns its output. */
function finish(
  child: ReturnType<typeof spawn>,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('SQLite store', () => {
  it('uses WAL mode and checkpoints the WAL away on close', async () => {
    const path = join(root, 'wal.sqlite');
    const store = await openStore({ kind: 'sqlite', path }, silentLogger());
    await store.kv('w').set('k', 'v');
    assert.equal(headerWriteVersion(path), 2, 'file header says WAL');
    assert.ok(existsSync(`${path}-wal`), 'writes go to the WAL while open');
    await store.close();
    assert.equal(existsSync(`${path}-wal`), false, 'checkpointed and removed on close');
    const again = await openStore({ kind: 'sqlite', path }, silentLogger());
    assert.equal(await again.kv('w').get('k'), 'v');
    await again.close();
  });

  it('names the path, the OS reason and the fix when a parent is a regular file', async () => {
    const file = join(root, 'file.txt');
    writeFileSync(file, 'not a directory');
    const path = join(file, 'sub', 'db.sqlite');
    const error = await openError({ kind: 'sqlite', path });
    assert.match(error.message, /^storage\.path: cannot open /);
    assert.ok(error.message.includes(path), error.message);
    assert.match(error.message, /ENOTDIR not a directory/);
    assert.match(error.message, /choose another path/);
  });

  it('names the missing directory and says to create it', async () => {
    const path = join(root, 'missing-dir', 'db.sqlite');
    const error = await openError({ kind: 'sqlite', path });
    assert.ok(error.message.includes(path), error.message);
    assert.match(error.message, /ENOENT no such file or directory/);
    assert.match(error.message, /create the directory or choose another path/);
    assert.equal(existsSync(join(root, 'missing-dir')), false, 'nothing was created');
  });

  it('refuses a file that is not a SQLite database and leaves it untouched', async () => {
    const path = join(root, 'notes.txt');
    const content = 'important notes, not a database\n'.repeat(100);
    writeFileSync(path, content);
    const error = await openError({ kind: 'sqlite', path });
    assert.ok(error.message.includes(path), error.message);
    assert.match(error.message, /not a database/);
    assert.equal(readFileSync(path, 'utf8'), content);
    assert.equal(existsSync(`${path}-wal`), false);
  });

  it('refuses a directory as the database path', async () => {
    const path = join(root, 'a-directory');
    mkdirSync(path);
    const error = await openError({ kind: 'sqlite', path });
    assert.match(error.message, /EISDIR/);
    assert.match(error.message, /add a file name/);
  });

  it('refuses an unknown storage kind', async () => {
    const error = await openError({ kind: 'mongo', path: 'x' } as unknown as StorageConfig);
    assert.match(error.message, /storage\.kind: unknown kind "mongo"; use sqlite or postgres/);
  });

  it('migrates once when several processes open a new database file at the same time', async (t) => {
    const path = join(root, 'shared.sqlite');
    const runsFile = join(root, 'shared-runs.txt');
    const storeModule = fileURLToPath(new URL('../../src/store/open.js', import.meta.url));
    const migrationsModule = fileURLToPath(new URL('../../src/store/migrations/index.js', import.meta.url));
    const logModule = fileURLToPath(new URL('../../src/core/log.js', import.meta.url));
    // Each child opens the store with Switchboard's migrations, the first of which is slowed
    // down (so the children overlap) and notes each run in a file; then it reports and exits.
    const program = `
      import { appendFileSync } from 'node:fs';
      const { openStore } = await import(${JSON.stringify(storeModule)});
      const { migrations } = await import(${JSON.stringify(migrationsModule)});
      const { silentLogger } = await import(${JSON.stringify(logModule)});
      const [first, ...rest] = migrations;
      const slowFirst = { ...first, async up(context) {
        appendFileSync(${JSON.stringify(runsFile)}, process.pid + '\\n');
        await new Promise((resolve) => setTimeout(resolve, 300));
        await first.up(context);
      } };
      const store = await openStore({ kind: 'sqlite', path: ${JSON.stringify(path)} }, silentLogger(), { migrations: [slowFirst, ...rest] });
      const version = await store.schemaVersion();
      await store.close();
      process.stdout.write(JSON.stringify({ version }));
    `;
    const children = Array.from({ length: 3 }, () =>
      spawn(process.execPath, ['--input-type=module', '-e', program], { stdio: ['ignore', 'pipe', 'pipe'] }),
    );
    t.after(() => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    const results = await Promise.all(children.map((child) => finish(child, 30_000)));
    for (const result of results) {
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout), { version: migrations.length });
    }
    assert.equal(readFileSync(runsFile, 'utf8').trim().split('\n').length, 1, 'the first migration ran once');
    const store = await openStore({ kind: 'sqlite', path }, silentLogger());
    try {
      assert.deepEqual((await store.migrations()).map((m) => m.version), migrations.map((m) => m.version));
    } finally {
      await store.close();
    }
  });

  it('works in memory', async () => {
    const store = await openStore({ kind: 'sqlite', path: ':memory:' }, silentLogger());
    await store.kv('m').set('k', [1]);
    assert.deepEqual(await store.kv('m').get('k'), [1]);
    await store.close();
  });
});
