/**
 * A real Prosody XMPP server for tests: c2s, MUC, one XEP-0114 component and optionally HTTP
 * upload (mod_http_file_share), on random loopback ports in its own temp dir.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { prosodyConfig, type ProsodyConfigValues } from './configs/prosody.js';
import type { DaemonSpec } from './daemon.js';
import { freePorts, waitForPort } from './ports.js';
import { waitForXmppStream } from './xmpp-probe.js';
import { makeServerDir, ServerBase, startWithRetries, type RunningServer } from './server-base.js';

const run = promisify(execFile);

/** Largest file the upload service accepts (bytes). */
export const UPLOAD_SIZE_LIMIT = 100 * 1024 * 1024;

/** A running Prosody server. */
export interface XmppServer extends RunningServer {
  /** 'localhost', or the `domain` option */
  readonly domain: string;
  /** 'conference.localhost' */
  readonly mucDomain: string;
  /** XEP-0114 component port. */
  readonly componentPort: number;
  /** 'gateway.localhost' */
  readonly componentDomain: string;
  readonly componentSecret: string;
  /** 'upload.localhost' when httpUpload is enabled. */
  readonly uploadDomain?: string;
  /** HTTP port (upload GET/PUT URLs point at http://127.0.0.1:<httpPort>/) when httpUpload is enabled. */
  readonly httpPort?: number;
  /** Registers an account on `domain` with prosodyctl (works while the server runs). */
  registerUser(user: string, password: string): Promise<void>;
  /** Stops the process and starts it again on the same ports with the same data (for reconnect tests). */
  restart(): Promise<void>;
}

/** Options for {@link startProsody}. */
export interface ProsodyOptions {
  /** The VirtualHost of the accounts (default 'localhost'), e.g. a domain a test DNS server knows. */
  readonly domain?: string;
  /** Enable mod_http_file_share on 'upload.localhost' (size limit {@link UPLOAD_SIZE_LIMIT}). */
  readonly httpUpload?: boolean;
  /** Accounts to register before resolving: [user, password] pairs on `domain`. */
  readonly users?: ReadonlyArray<readonly [string, string]>;
  /** Global Prosody options or extra Component sections (see configs/prosody.ts). */
  readonly extraConfig?: string;
  /** Enable stream management (mod_smacks) with resumption for this many seconds. */
  readonly streamManagement?: { readonly hibernationSeconds: number };
  /** Archive room messages (mod_muc_mam, XEP-0313) on the MUC component. */
  readonly mucArchive?: boolean;
  /** Rooms outlive their last occupant (default: destroyed when empty). */
  readonly persistentRooms?: boolean;
  /** Rooms show occupants' real JIDs to everyone (non-anonymous rooms). */
  readonly publicJids?: boolean;
  /** No debug log file (benchmarks). */
  readonly noDebugLog?: boolean;
}

interface ProsodyPorts {
  readonly c2s: number;
  readonly component: number;
  readonly http?: number;
}

class Prosody extends ServerBase implements XmppServer {
  readonly domain: string;
  readonly mucDomain = 'conference.localhost';
  readonly componentDomain = 'gateway.localhost';
  readonly componentSecret = randomBytes(12).toString('hex');
  readonly componentPort: number;
  readonly uploadDomain?: string;
  readonly httpPort?: number;
  readonly configFile: string;
  // Prosody keeps running when it cannot bind a port, refuses to run as root or cannot load a
  // module (e.g. one named in extraConfig): treat those as a failed start.
  protected override readonly fatalLogPattern = /Failed to open server port.*|Refusing to run as root.*|Unable to load module.*/;

  constructor(dir: string, ports: ProsodyPorts, private readonly options: ProsodyOptions) {
    super('prosody', dir, ports.c2s, [join(dir, 'stdout.log')]);
    this.domain = options.domain ?? 'localhost';
    this.componentPort = ports.component;
    if (ports.http !== undefined) {
      this.httpPort = ports.http;
      this.uploadDomain = 'upload.localhost';
    }
    this.configFile = join(dir, 'prosody.cfg.lua');
  }

  async start(): Promise<this> {
    await mkdir(join(this.dir, 'data'));
    await mkdir(join(this.dir, 'certs'));
    const upload =
      this.uploadDomain !== undefined && this.httpPort !== undefined
        ? { domain: this.uploadDomain, port: this.httpPort, sizeLimit: UPLOAD_SIZE_LIMIT }
        : undefined;
    const config = prosodyConfig({
      dir: this.dir,
      ...serverNames(this),
      upload,
      streamManagement: this.options.streamManagement,
      mucArchive: this.options.mucArchive,
      persistentRooms: this.options.persistentRooms,
      publicJids: this.options.publicJids,
      noDebugLog: this.options.noDebugLog,
      extraConfig: this.options.extraConfig,
    });
    await writeFile(this.configFile, config);
    await this.launch();
    return this;
  }

  protected daemonSpec(): DaemonSpec {
    // -F: foreground; logs at level info go to stdout (the config also writes a debug prosody.log).
    return { name: this.name, command: 'prosody', args: ['-F', '--config', this.configFile], cwd: this.dir, logFile: join(this.dir, 'stdout.log') };
  }

  protected async probeReady(deadline: number): Promise<void> {
    const ports = [this.port, this.componentPort, ...(this.httpPort === undefined ? [] : [this.httpPort])];
    for (const port of ports) await waitForPort(this.host, port, deadline, this.deathError);
    // Open ports are not enough: Prosody binds them before it has loaded every module.
    await waitForXmppStream(this.host, this.port, this.domain, deadline, this.deathError);
    const problem = this.deathError();
    if (problem) throw problem;
  }

  async registerUser(user: string, password: string): Promise<void> {
    try {
      await run('prosodyctl', ['--config', this.configFile, 'register', user, this.domain, password], { timeout: 10_000 });
    } catch (error) {
      const e = error as Error & { stdout?: string; stderr?: string };
      throw new Error(`prosodyctl register ${user}@${this.domain} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`, {
        cause: error,
      });
    }
  }
}

/**
 * Starts Prosody on random loopback ports: plaintext c2s with PLAIN allowed, MUC on
 * 'conference.localhost' (rooms unlocked on creation), component 'gateway.localhost' with a random
 * secret, no offline storage, and optionally HTTP upload. Registers `users`, then resolves.
 */
export async function startProsody(options: ProsodyOptions = {}): Promise<XmppServer> {
  const server = await startWithRetries(async () => {
    const [c2s = 0, component = 0, http] = await freePorts(options.httpUpload ? 3 : 2);
    return new Prosody(await makeServerDir('prosody'), { c2s, component, http }, options).start();
  });
  return registerUsers(server, options.users ?? []);
}

/** The names, ports and secret of a server as its config file wants them (both XMPP harnesses). */
export function serverNames(server: XmppServer): Pick<ProsodyConfigValues, 'domain' | 'mucDomain' | 'c2sPort' | 'componentPort' | 'componentDomain' | 'componentSecret'> {
  const { domain, mucDomain, port: c2sPort, componentPort, componentDomain, componentSecret } = server;
  return { domain, mucDomain, c2sPort, componentPort, componentDomain, componentSecret };
}

/** Registers `users` ([user, password] pairs) on a started server; stops it when one fails. */
export async function registerUsers(server: XmppServer, users: ReadonlyArray<readonly [string, string]>): Promise<XmppServer> {
  try {
    for (const [user, password] of users) await server.registerUser(user, password);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}
