/**
 * Ergo (https://ergo.chat) for tests: the IRC server with IRCv3 CHATHISTORY (history in memory),
 * on a random loopback port in its own temp dir, stopped by PID. Not a Debian package: build it
 * with scripts/ergo.sh (see docs/testing.md "Ergo"). The binary is `ERGO_BIN`, else
 * /work/peers/bin/ergo when present; without one the tests that need it are skipped
 * ({@link ergoSkip}: node:test `skip` with the reason, never counted as passing).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ergoConfig } from './configs/ergo.js';
import type { DaemonSpec } from './daemon.js';
import { linkBlock, probeIrc, secret, type IrcServer } from './irc-servers.js';
import { freePorts } from './ports.js';
import { makeServerDir, ServerBase, startWithRetries } from './server-base.js';

/** Where the binary is looked for when `ERGO_BIN` is not set. */
const DEFAULT_BINARY = '/work/peers/bin/ergo';

/** The Ergo binary to test with, or undefined when there is none. */
export function ergoBinary(): string | undefined {
  const fromEnv = process.env.ERGO_BIN;
  const path = fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_BINARY;
  return existsSync(path) ? path : undefined;
}

/** node:test's `skip` option for tests that need Ergo: false when there is a binary, else the reason. */
export function ergoSkip(): string | false {
  if (ergoBinary() !== undefined) return false;
  const fromEnv = process.env.ERGO_BIN;
  return `no Ergo binary (${fromEnv === undefined || fromEnv === '' ? `ERGO_BIN unset, no ${DEFAULT_BINARY}` : `ERGO_BIN=${fromEnv} does not exist`}): `
    + 'build it with scripts/ergo.sh (docs/testing.md "Ergo") to run the tests against a real Ergo';
}

/** Options for {@link startErgo}. */
export interface ErgoOptions {
  /** Accounts (registration, SASL) on (default off). */
  readonly accounts?: boolean;
  /** CHATHISTORY's most messages per request (default 1000). */
  readonly chathistoryMax?: number;
}

/** A bcrypt hash of `password` made by the binary itself (`ergo genpasswd`). */
function passwordHash(binary: string, password: string): string {
  const result = spawnSync(binary, ['genpasswd', '--quiet'], { input: `${password}\n${password}\n`, encoding: 'utf8', timeout: 10_000 });
  const hash = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.status !== 0 || !hash.startsWith('$2')) throw new Error(`ergo genpasswd failed: ${(result.stderr || String(result.error ?? '')).trim()}`);
  return hash;
}

class Ergo extends ServerBase implements IrcServer {
  readonly serverName = 'irc.ergo.test';
  readonly operName = 'oper';
  readonly operPassword = secret();
  /** Ergo takes no server links; the block is only there to satisfy {@link IrcServer}. */
  readonly link = linkBlock('bridge.ergo.test');
  readonly configFile: string;

  constructor(dir: string, port: number, private readonly binary: string, private readonly options: ErgoOptions) {
    super('ergo', dir, port, [join(dir, 'ergo.log')]);
    this.configFile = join(dir, 'ircd.yaml');
  }

  async start(): Promise<this> {
    await writeFile(join(this.dir, 'ergo.motd'), 'ergo test server\n');
    await writeFile(this.configFile, ergoConfig({
      serverName: this.serverName, port: this.port, dir: this.dir, operName: this.operName,
      operPasswordHash: passwordHash(this.binary, this.operPassword), accounts: this.options.accounts, chathistoryMax: this.options.chathistoryMax,
    }));
    await this.launch();
    return this;
  }

  protected daemonSpec(): DaemonSpec {
    return { name: this.name, command: this.binary, args: ['run', '--conf', this.configFile], cwd: this.dir, logFile: join(this.dir, 'ergo.log') };
  }

  protected probeReady(deadline: number): Promise<void> {
    return probeIrc(this.host, this.port, deadline, this.deathError);
  }
}

/**
 * Starts Ergo on a random loopback port with history in memory (CHATHISTORY), no TLS, no fake
 * lag and accounts off unless asked for. Resolves once a client can register; throws when there
 * is no binary (check {@link ergoSkip} first).
 */
export function startErgo(options: ErgoOptions = {}): Promise<IrcServer> {
  const binary = ergoBinary();
  if (binary === undefined) return Promise.reject(new Error(String(ergoSkip())));
  return startWithRetries(async () => {
    const [port] = await freePorts(1);
    const server = new Ergo(await makeServerDir('ergo'), port ?? 0, binary, options);
    return server.start();
  });
}
