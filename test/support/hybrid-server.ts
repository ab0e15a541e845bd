/**
 * ircd-hybrid 8.2 for tests, on random loopback ports in its own temp dir. Debian's package
 * conflicts with ngircd, so it is not installed: scripts/ircd-hybrid.sh unpacks it into a cache
 * (once; .ci/run does it too) and this file runs the unpacked binary as `nobody` (hybrid refuses
 * root). When it cannot be had, the start fails with the script's reason: tests never skip.
 */
import { spawnSync } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hybridConfig } from './configs/hybrid.js';
import type { DaemonSpec } from './daemon.js';
import { linkBlock, probeIrc, secret, type IrcServer } from './irc-servers.js';
import { freePorts, waitForPort } from './ports.js';
import { makeServerDir, ServerBase, startWithRetries } from './server-base.js';

const SCRIPT = fileURLToPath(new URL('../../../scripts/ircd-hybrid.sh', import.meta.url));
let binary: string | undefined;

/** The ircd-hybrid binary (unpacked by scripts/ircd-hybrid.sh when missing); throws why not. */
export function hybridBinary(): string {
  if (binary !== undefined) return binary;
  const result = spawnSync('bash', [SCRIPT], { encoding: 'utf8', timeout: 300_000 });
  const path = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.status !== 0 || path === '') {
    throw new Error(`ircd-hybrid is not available for the e2e tests (bash scripts/ircd-hybrid.sh, which .ci/run runs as root, fetches it): ${(result.stderr || String(result.error ?? '')).trim()}`);
  }
  binary = path;
  return path;
}

/** Options for {@link startHybrid}. */
export interface HybridOptions {
  /** Appended verbatim to the config. */
  readonly extraConfig?: string;
}

class Hybrid extends ServerBase implements IrcServer {
  readonly serverName = 'irc.hybrid.test';
  readonly sid = '0HY';
  readonly operName = 'oper';
  readonly operPassword = secret();
  readonly link = linkBlock('bridge.hybrid.test');
  readonly configFile: string;

  constructor(dir: string, port: number, readonly linkPort: number, private readonly binaryPath: string, private readonly options: HybridOptions) {
    super('ircd-hybrid', dir, port, [join(dir, 'stdout.log'), join(dir, 'ircd.log')]);
    this.configFile = join(dir, 'ircd.conf');
  }

  async start(): Promise<this> {
    await writeFile(join(this.dir, 'ircd.motd'), 'ircd-hybrid test server\n', { mode: 0o644 });
    const config = hybridConfig({
      serverName: this.serverName, sid: this.sid, dir: this.dir, port: this.port, linkPort: this.linkPort,
      operName: this.operName, operPassword: this.operPassword, link: this.link, extraConfig: this.options.extraConfig,
    });
    await writeFile(this.configFile, config, { mode: 0o644 });
    // It runs as nobody and writes its log, pid file and ban databases here.
    await chmod(this.dir, 0o777);
    await this.launch();
    return this;
  }

  protected daemonSpec(): DaemonSpec {
    const file = (name: string): string => join(this.dir, name);
    return {
      name: this.name,
      command: this.binaryPath,
      args: [
        '-foreground', '-configfile', this.configFile, '-logfile', file('ircd.log'), '-pidfile', file('ircd.pid'),
        '-klinefile', file('kline.db'), '-dlinefile', file('dline.db'), '-xlinefile', file('xline.db'), '-resvfile', file('resv.db'),
      ],
      cwd: this.dir,
      logFile: file('stdout.log'),
      unprivileged: { user: 'nobody', group: 'nogroup' },
    };
  }

  protected async probeReady(deadline: number): Promise<void> {
    await waitForPort(this.host, this.linkPort, deadline, this.deathError);
    await probeIrc(this.host, this.port, deadline, this.deathError);
  }
}

/**
 * Starts ircd-hybrid on random loopback ports (clients on `port`, server links on `linkPort`)
 * with limits lifted, NICKLEN 30, an operator and a connect {} block for `link`. Resolves once a
 * client can register.
 */
export async function startHybrid(options: HybridOptions = {}): Promise<IrcServer> {
  const path = hybridBinary();
  return startWithRetries(async () => {
    const [port, linkPort] = await freePorts(2);
    const server = new Hybrid(await makeServerDir('hybrid'), port ?? 0, linkPort ?? 0, path, options);
    return server.start();
  });
}
