/**
 * A real ejabberd XMPP server for tests: c2s, MUC and one XEP-0114 component on random loopback
 * ports, in its own temp dir. The Erlang node runs without epmd (its distribution listens on a
 * port of its own, which `ejabberdctl`-style commands reach directly) under a node name and
 * cookie of its own, so that several servers (and a system ejabberd) do not meet. Run as the
 * `ejabberd` user when we are root (the package's user; the spool must not belong to root),
 * stopped by PID: the PID is the Erlang VM itself (`erl` execs it), whose helper
 * `erl_child_setup` ends with it.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdir, readdir, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ejabberdConfig } from './configs/ejabberd.js';
import type { DaemonSpec } from './daemon.js';
import { freePorts, waitForPort } from './ports.js';
import { registerUsers, serverNames, type XmppServer } from './prosody-server.js';
import { makeServerDir, ServerBase, startWithRetries } from './server-base.js';
import { waitForXmppStream } from './xmpp-probe.js';

const run = promisify(execFile);

const ERL = '/usr/bin/erl';
/** Where Debian's ejabberd keeps its Erlang applications (ejabberdctl sets the same ERL_LIBS). */
const ERL_LIBS = '/usr/lib/x86_64-linux-gnu';
/** Maps `localhost` for the Erlang resolver (the node names are `…@localhost`). */
const ERL_INETRC = '/etc/ejabberd/inetrc';
/** The package's system user, which the server runs as when we are root. */
const EJABBERD_USER = 'ejabberd';

/** Options for {@link startEjabberd}. */
export interface EjabberdOptions {
  /** Accounts to register before resolving: [user, password] pairs on `localhost`. */
  readonly users?: ReadonlyArray<readonly [string, string]>;
  /** Rooms show occupants' real JIDs to everyone (non-anonymous). */
  readonly publicJids?: boolean;
  /** Rooms outlive their last occupant (default: destroyed when empty). */
  readonly persistentRooms?: boolean;
}

interface EjabberdPorts {
  readonly c2s: number;
  readonly component: number;
  /** The Erlang distribution port (no epmd). */
  readonly dist: number;
}

class Ejabberd extends ServerBase implements XmppServer {
  readonly domain = 'localhost';
  readonly mucDomain = 'conference.localhost';
  readonly componentDomain = 'gateway.localhost';
  readonly componentSecret = randomBytes(12).toString('hex');
  readonly componentPort: number;
  private readonly distPort: number;
  private readonly node = `sb${randomBytes(6).toString('hex')}@localhost`;
  private readonly cookie = randomBytes(16).toString('hex');
  private readonly configFile: string;
  private readonly spool: string;
  // ejabberd logs a listener it cannot start (a port taken) and keeps running without it.
  protected override readonly fatalLogPattern = /Failed to (?:open socket|start listener)[^\n]*|\[critical\][^\n]*/;

  constructor(dir: string, ports: EjabberdPorts, private readonly options: EjabberdOptions) {
    super('ejabberd', dir, ports.c2s, [join(dir, 'stdout.log')]);
    this.componentPort = ports.component;
    this.distPort = ports.dist;
    this.configFile = join(dir, 'ejabberd.yml');
    this.spool = join(dir, 'spool');
  }

  async start(): Promise<this> {
    await mkdir(this.spool);
    await mkdir(join(this.dir, 'logs'));
    await writeFile(this.configFile, ejabberdConfig({
      ...serverNames(this),
      ...(this.options.publicJids === undefined ? {} : { publicJids: this.options.publicJids }),
      ...(this.options.persistentRooms === undefined ? {} : { persistentRooms: this.options.persistentRooms }),
    }));
    if (runsAsEjabberdUser()) await chownTree(this.dir, EJABBERD_USER);
    await this.launch();
    return this;
  }

  /** The environment ejabberdctl would give the VM, for this server's files. */
  private env(): string[] {
    return [
      `HOME=${this.dir}`,
      `EJABBERD_CONFIG_PATH=${this.configFile}`,
      `EJABBERD_LOG_PATH=${join(this.dir, 'logs', 'ejabberd.log')}`,
      `EJABBERD_PID_PATH=${join(this.dir, 'ejabberd.pid')}`,
      `ERL_LIBS=${ERL_LIBS}`,
      `ERL_INETRC=${ERL_INETRC}`,
      `ERL_CRASH_DUMP=${join(this.dir, 'logs', 'erl_crash.dump')}`,
      `ERL_DIST_PORT=${this.distPort}`,
    ];
  }

  /** The VM options of a node of this server's cluster: no epmd, distribution on loopback. */
  private distOptions(): string[] {
    return ['-setcookie', this.cookie, '-erl_epmd_port', String(this.distPort), '-start_epmd', 'false'];
  }

  protected daemonSpec(): DaemonSpec {
    // What `ejabberdctl foreground` runs, through env so that the PID stays the VM's.
    const args = [
      ...this.env(), ERL,
      '-sname', this.node, ...this.distOptions(),
      '-kernel', 'inet_dist_use_interface', '{127,0,0,1}',
      '+K', 'true', '+P', '250000', '-env', 'ERL_CRASH_DUMP_BYTES', '0',
      '-mnesia', 'dir', JSON.stringify(this.spool),
      '-s', 'ejabberd', '-noinput',
    ];
    return {
      name: this.name, command: '/usr/bin/env', args, cwd: this.dir, logFile: join(this.dir, 'stdout.log'),
      unprivileged: { user: EJABBERD_USER, group: EJABBERD_USER },
    };
  }

  protected async probeReady(deadline: number): Promise<void> {
    for (const port of [this.port, this.componentPort]) await waitForPort(this.host, port, deadline, this.deathError);
    await waitForXmppStream(this.host, this.port, this.domain, deadline, this.deathError);
    const problem = this.deathError();
    if (problem) throw problem;
  }

  /** Runs an ejabberdctl command on the running node (`ejabberd_ctl` in a hidden node of its own). */
  private async ctl(...command: string[]): Promise<string> {
    const args = [
      ...this.env(), ERL,
      '-sname', `ctl${randomBytes(4).toString('hex')}@localhost`, ...this.distOptions(), '-dist_listen', 'false',
      '-hidden', '-noinput', '-s', 'ejabberd_ctl', '-extra', this.node, ...command,
    ];
    const { stdout } = await run('/usr/bin/env', args, { timeout: 15_000, cwd: this.dir });
    return stdout;
  }

  async registerUser(user: string, password: string): Promise<void> {
    try {
      await this.ctl('register', user, this.domain, password);
    } catch (error) {
      const e = error as Error & { stdout?: string; stderr?: string };
      throw new Error(`ejabberdctl register ${user}@${this.domain} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: error });
    }
  }
}

/** True when the server runs as the `ejabberd` user (we are root): its files must be its own. */
function runsAsEjabberdUser(): boolean {
  return process.getuid?.() === 0 && userInfo().username !== EJABBERD_USER;
}

/** Gives `dir` and everything in it to `user` (and their group). */
async function chownTree(dir: string, user: string): Promise<void> {
  const { stdout } = await run('id', ['-u', user]);
  const { stdout: group } = await run('id', ['-g', user]);
  const [uid, gid] = [Number(stdout.trim()), Number(group.trim())];
  const walk = async (path: string): Promise<void> => {
    await chown(path, uid, gid);
    for (const entry of await readdir(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) await walk(child);
      else await chown(child, uid, gid);
    }
  };
  await walk(dir);
}

/**
 * Starts ejabberd on random loopback ports: plaintext c2s with PLAIN allowed, MUC on
 * 'conference.localhost' (public rooms, no archive), component 'gateway.localhost' with a random
 * secret. Registers `users`, then resolves.
 */
export async function startEjabberd(options: EjabberdOptions = {}): Promise<XmppServer> {
  const server = await startWithRetries(async () => {
    const [c2s = 0, component = 0, dist = 0] = await freePorts(3);
    return new Ejabberd(await makeServerDir('ejabberd'), { c2s, component, dist }, options).start();
  });
  return registerUsers(server, options.users ?? []);
}
