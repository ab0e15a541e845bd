/**
 * A real, throwaway PostgreSQL server for tests: Debian's postgresql binaries, a temp data
 * directory, a random loopback port, trust auth. Runs as the `postgres` OS user when we are
 * root (PostgreSQL refuses to run as root). Stopped by PID: SIGINT (fast shutdown), then
 * SIGKILL after 10 s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PostgresServer {
  /** URL of the server's `postgres` database. */
  readonly url: string;
  readonly port: number;
  /** Creates a new, empty database and returns its URL. */
  createDatabase(): Promise<string>;
  /** Stops the server (by PID) and removes its data directory. Safe to call twice. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;
const TOOL_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;
const START_ATTEMPTS = 3;

/** Starts a server; retries with another port if the chosen one was taken meanwhile. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const owner = process.getuid?.() === 0 ? lookUpUser('postgres') : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-pg-'));
  try {
    if (owner) chownSync(dir, owner.uid, owner.gid);
    const data = join(dir, 'data');
    await runTool(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-locale', '--no-sync'], {
      owner,
      cwd: dir,
    });
    let lastError: unknown;
    for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      try {
        return await startServer(bin, dir, data, owner);
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function startServer(bin: string, dir: string, data: string, owner: OsUser | undefined): Promise<PostgresServer> {
  const port = await freePort();
  const child = spawn(
    join(bin, 'postgres'),
    [
      '-D', data, '-p', String(port), '-k', dir,
      '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off', '-c', 'max_connections=60',
    ],
    { cwd: dir, env: toolEnv(), stdio: ['ignore', 'pipe', 'pipe'], ...(owner ?? {}) },
  );
  const output = collectOutput(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = onceOnly(async () => {
    await stopByPid(child, exited);
    rmSync(dir, { recursive: true, force: true });
  });
  try {
    await waitUntilReady(port, child, output);
  } catch (error) {
    await stopByPid(child, exited);
    throw error;
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let databases = 0;
  return {
    url,
    port,
    async createDatabase() {
      const name = `contract_${++databases}`;
      // A natural-language collation (as production databases usually have), so that tests
      // notice any query that depends on the database's default collation.
      await runTool(
        join(bin, 'createdb'),
        ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-T', 'template0', '-E', 'UTF8',
          '--locale-provider=icu', '--icu-locale=en-US', '--locale=C.UTF-8', name],
        { cwd: dir },
      );
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop,
  };
}

/** Connects (no query) until the server accepts us, the child dies, or the timeout passes. */
async function waitUntilReady(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`postgres exited before it was ready (port ${port}):\n${output()}`);
    }
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new Error(`postgres not ready after ${READY_TIMEOUT_MS} ms (port ${port}):\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stopByPid(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  process.kill(child.pid, 'SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), STOP_GRACE_MS);
  });
  const late = await Promise.race([exited.then(() => false), timedOut]);
  clearTimeout(timer);
  if (late && child.exitCode === null && child.signalCode === null) {
    process.kill(child.pid, 'SIGKILL');
    await exited;
  }
}

interface OsUser {
  readonly uid: number;
  readonly gid: number;
}

function lookUpUser(name: string): OsUser {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid && gid) return { uid: Number(uid), gid: Number(gid) };
  }
  throw new Error(`OS user ${name} not found: install postgresql (apt-get install -y postgresql)`);
}

/** The newest /usr/lib/postgresql/<version>/bin, or $PG_BIN. */
function postgresBinDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  const bin = versions.map((v) => join(root, v, 'bin')).find((dir) => existsSync(join(dir, 'postgres')));
  if (!bin) throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql: apt-get install -y postgresql');
  return bin;
}

function toolEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C' };
}

/** Runs a PostgreSQL command-line tool to completion, failing with its output. */
function runTool(file: string, args: string[], options: { owner?: OsUser; cwd: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: toolEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: TOOL_TIMEOUT_MS,
      ...(options.owner ?? {}),
    });
    const output = collectOutput(child);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${file} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${output()}`));
    });
  });
}

/** Keeps the last few KB of a child's stdout and stderr, for error messages. */
function collectOutput(child: ChildProcess): () => string {
  let text = '';
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-8192);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => text;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function onceOnly(action: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= action());
}
