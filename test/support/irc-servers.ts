/**
 * Real IRC servers for tests: ngIRCd and InspIRCd on random loopback ports, each in its own temp dir.
 */
import { randomBytes } from 'node:crypto';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ngircdConfig } from './configs/ngircd.js';
import { inspircdConfig } from './configs/inspircd.js';
import type { DaemonSpec } from './daemon.js';
import { connectRawIrc } from './irc-client.js';
import { freePorts, waitForPort } from './ports.js';
import { makeServerDir, ServerBase, startWithRetries, type RunningServer } from './server-base.js';

/**
 * Credentials of the server link block each IRC server is configured with, for a pseudo-server
 * (our hub linking as a server). ngIRCd takes links on its client port, InspIRCd on `linkPort`.
 */
export interface IrcLinkBlock {
  /** The server name the peer must introduce itself with, e.g. 'bridge.ngircd.test'. */
  readonly peerName: string;
  /** The password the peer must send (ngIRCd `MyPassword`, InspIRCd `recvpass`). */
  readonly peerSends: string;
  /** The password the server answers with (ngIRCd `PeerPassword`, InspIRCd `sendpass`). */
  readonly serverSends: string;
}

/** A running IRC server. */
export interface IrcServer extends RunningServer {
  /** e.g. 'irc.ngircd.test' */
  readonly serverName: string;
  readonly operName: string;
  readonly operPassword: string;
  /** InspIRCd server-link port (random). */
  readonly linkPort?: number;
  /** The configured server link (see {@link IrcLinkBlock}). */
  readonly link: IrcLinkBlock;
  /**
   * Stops the server by PID and starts it again with the same config on the same port
   * (connections drop; channels and nicks are gone). Resolves once a client can register.
   */
  restart(): Promise<void>;
}

/** Options for {@link startInspircd}. */
export interface InspircdOptions {
  /** Appended verbatim to the config. */
  readonly extraConfig?: string;
  /** Attributes of the loopback connect class (see configs/inspircd.ts, e.g. DEBIAN_CONNECT_CLASS). */
  readonly connectClass?: string;
  /** U-line the server link block (default true; see configs/inspircd.ts). */
  readonly ulinedLink?: boolean;
}

/** A random password. */
export function secret(): string {
  return randomBytes(9).toString('hex');
}

/** Random passwords for the link of `peerName`. */
export function linkBlock(peerName: string): IrcLinkBlock {
  return { peerName, peerSends: secret(), serverSends: secret() };
}

/** Readiness for IRC: the port accepts and a client completes registration (001). */
export async function probeIrc(host: string, port: number, deadline: number, deathError: () => Error | undefined): Promise<void> {
  await waitForPort(host, port, deadline, deathError);
  const nick = `pr${randomBytes(2).toString('hex')}`; // short: fits any nick length limit
  const client = await connectRawIrc({ host, port, nick, timeoutMs: Math.max(1000, deadline - Date.now()) });
  await client.close();
}

class Ngircd extends ServerBase implements IrcServer {
  readonly serverName = 'irc.ngircd.test';
  readonly operName = 'oper';
  readonly operPassword = secret();
  readonly link = linkBlock('bridge.ngircd.test');
  readonly configFile: string;

  constructor(dir: string, port: number, private readonly options: { nickLength?: number; extraConfig?: string }) {
    super('ngircd', dir, port, [join(dir, 'ngircd.log')]);
    this.configFile = join(dir, 'ngircd.conf');
  }

  async start(): Promise<this> {
    const config = ngircdConfig({
      serverName: this.serverName,
      port: this.port,
      nickLength: this.options.nickLength ?? 30,
      operName: this.operName,
      operPassword: this.operPassword,
      link: this.link,
      extraConfig: this.options.extraConfig,
    });
    // Run as "nobody" (see daemonSpec), which must be able to read the config.
    await writeFile(this.configFile, config, { mode: 0o644 });
    await chmod(this.dir, 0o711);
    await this.launch();
    return this;
  }

  protected daemonSpec(): DaemonSpec {
    // -n: stay in the foreground and log to stderr. Started as root, ngIRCd would drop to "nobody" by
    // itself, which clears the parent-death signal; so it is started as nobody directly.
    return {
      name: this.name,
      command: 'ngircd',
      args: ['-n', '-f', this.configFile],
      cwd: this.dir,
      logFile: join(this.dir, 'ngircd.log'),
      unprivileged: { user: 'nobody', group: 'nogroup' },
    };
  }

  protected probeReady(deadline: number): Promise<void> {
    return probeIrc(this.host, this.port, deadline, this.deathError);
  }
}

class Inspircd extends ServerBase implements IrcServer {
  readonly serverName = 'irc.inspircd.test';
  readonly operName = 'oper';
  readonly operPassword = secret();
  readonly link = linkBlock('bridge.inspircd.test');
  readonly configFile: string;

  constructor(dir: string, port: number, readonly linkPort: number, private readonly options: InspircdOptions) {
    super('inspircd', dir, port, [join(dir, 'stdout.log'), join(dir, 'ircd.log')]);
    this.configFile = join(dir, 'inspircd.conf');
  }

  async start(): Promise<this> {
    await writeFile(join(this.dir, 'inspircd.motd'), 'inspircd test server\n');
    const config = inspircdConfig({
      serverName: this.serverName,
      dir: this.dir,
      port: this.port,
      linkPort: this.linkPort,
      operName: this.operName,
      operPassword: this.operPassword,
      link: this.link,
      extraConfig: this.options.extraConfig,
      connectClass: this.options.connectClass,
      ulinedLink: this.options.ulinedLink,
    });
    await writeFile(this.configFile, config);
    await this.launch();
    return this;
  }

  protected daemonSpec(): DaemonSpec {
    // As root InspIRCd refuses to start without --runasroot.
    const args = [`--config=${this.configFile}`, '--nofork', '--nopid'];
    if (process.getuid?.() === 0) args.push('--runasroot');
    return { name: this.name, command: 'inspircd', args, cwd: this.dir, logFile: join(this.dir, 'stdout.log') };
  }

  protected async probeReady(deadline: number): Promise<void> {
    await waitForPort(this.host, this.linkPort, deadline, this.deathError);
    // Registration completes on InspIRCd's once-per-second tick, so this takes about 1 s.
    await probeIrc(this.host, this.port, deadline, this.deathError);
  }
}

/**
 * Starts ngIRCd on a random loopback port with limits lifted (no per-IP cap, no flood penalty),
 * nick length 30 unless `nickLength` is given, an operator and a passive server link.
 * Resolves once a client can register.
 */
export function startNgircd(options: { nickLength?: number; extraConfig?: string } = {}): Promise<IrcServer> {
  return startWithRetries(async () => {
    const [port] = await freePorts(1);
    const server = new Ngircd(await makeServerDir('ngircd'), port ?? 0, options);
    return server.start();
  });
}

/**
 * Starts InspIRCd on random loopback ports (clients on `port`, server links on `linkPort`) with one
 * permissive connect class, an operator and a U-lined link block. Resolves once a client can
 * register (about 1 s: InspIRCd registers clients on a 1 s tick).
 */
export function startInspircd(options: InspircdOptions = {}): Promise<IrcServer> {
  return startWithRetries(async () => {
    const [port, linkPort] = await freePorts(2);
    const server = new Inspircd(await makeServerDir('inspircd'), port ?? 0, linkPort ?? 0, options);
    return server.start();
  });
}
