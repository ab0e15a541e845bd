/**
 * `switchboard/testing`: starts a real hub in-process for a module's tests, with real storage
 * (SQLite in a temporary directory), in-memory networks and the modules given, and lets the
 * test drive events through it as a network would.
 *
 * ```ts
 * import { startTestHub } from 'switchboard/testing';
 * const hub = await startTestHub({ modules: [myModule], networks: ['irc'] });
 * try {
 *   await hub.emit({ network: 'irc', sender: 'mallory', command: 'MESSAGE', args: { channel, message } });
 *   assert.equal(hub.network('irc').sent.length, 1);
 * } finally {
 *   await hub.stop();
 * }
 * ```
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnyEventInput } from '../core/event.js';
import type { BridgeConfig, HubConfig, ModuleConfig } from '../config/types.js';
import { Hub, type HubInternals } from './hub.js';
import type { ModuleApi } from '../modules/api.js';
import { defineModule, type ModuleDefinition } from '../modules/define.js';
import { callbackOperations, type CallbackOperations } from '../modules/callbacks/index.js';
import { captureLog } from './log-capture.js';
import { testProtocol, TEST_PROTOCOL, type TestNetwork } from './test-network.js';

/** A module of the test hub with its `config:` block. */
export interface TestModule {
  /** A module definition, or the name of a built-in module (`relay`, `access`). */
  readonly module: ModuleDefinition<unknown> | string;
  /** The raw `config:` block (what the module's parseConfig receives). */
  readonly config?: unknown;
}

export interface TestHubOptions {
  /** The modules, in priority order (as in `modules:`): definitions (no config) or entries. */
  readonly modules: ReadonlyArray<ModuleDefinition<unknown> | TestModule>;
  /** The names of in-memory networks to create (default none). */
  readonly networks?: readonly string[];
  /** The bridges (default none). */
  readonly bridges?: readonly BridgeConfig[];
  /** The level of the captured log (default `debug`). */
  readonly logLevel?: string;
  /** How long `emit` and `settle` wait for the events to be handled (default 5000 ms). */
  readonly settleMs?: number;
}

export interface TestHub {
  /** The running hub. */
  readonly hub: Hub;
  /** Every log line so far, parsed (pino JSON: `level`, `msg`, `module`, ...). */
  readonly logs: ReadonlyArray<Record<string, unknown>>;
  /** The raw text of every log line (to check that a secret never appears). */
  logText(): string;
  /** The API the module `name` was given (modules given as definitions only). */
  api(name: string): ModuleApi;
  /** The in-memory network `name`: what was sent through it (`sent`), its members. */
  network(name: string): TestNetwork;
  /**
   * Injects an event as its network would (through every check, then every listener) and
   * resolves once it and everything it caused are handled.
   */
  emit(event: AnyEventInput): Promise<void>;
  /** Resolves once every event emitted so far is handled; rejects after `settleMs`. */
  settle(): Promise<void>;
  /**
   * The callback operations the hub performs, to ask a module's callbacks directly (for those
   * no running hub calls yet, say). Modules themselves do not get these.
   */
  readonly operations: CallbackOperations;
  /** The hub's module machinery (for Switchboard's own tests). */
  readonly internals: HubInternals;
  /** Stops the hub and removes its temporary directory. */
  stop(): Promise<void>;
}

const DEFAULT_SETTLE_MS = 5000;

/** Starts a hub with `options.modules` and waits until it is ready. Call `stop()` when done. */
export async function startTestHub(options: TestHubOptions): Promise<TestHub> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-test-'));
  const captured = captureLog(options.logLevel ?? 'debug');
  const apis = new Map<string, ModuleApi>();
  const networks = new Map<string, TestNetwork>();
  let hub: Hub;
  try {
    hub = await Hub.start({
      config: testConfig(dir, options, apis),
      log: captured.log,
      protocols: [testProtocol((network) => networks.set(network.name, network))],
    });
    await hub.ready;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const internals = hub.internals();
  const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
  const settle = async (): Promise<void> => {
    if (!(await internals.dispatcher.drain(settleMs))) throw new Error(`switchboard/testing: events still being handled after ${settleMs} ms`);
  };
  return {
    hub,
    logs: captured.lines,
    logText: () => captured.text(),
    internals,
    operations: callbackOperations(internals.callbacks),
    api: (name) => found(apis.get(name), `no module named "${name}" given as a definition`),
    network: (name) => found(networks.get(name), `no in-memory network named "${name}"`),
    async emit(event) {
      internals.dispatcher.ingest(event);
      await settle();
    },
    settle,
    async stop() {
      try {
        await hub.stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function found<T>(value: T | undefined, problem: string): T {
  if (value === undefined) throw new Error(`switchboard/testing: ${problem}`);
  return value;
}

function testConfig(dir: string, options: TestHubOptions, apis: Map<string, ModuleApi>): HubConfig {
  return {
    file: join(dir, 'switchboard.yaml'),
    storage: { kind: 'sqlite', path: join(dir, 'switchboard.db') },
    log: { level: options.logLevel ?? 'debug' },
    reconnect: { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0, stableAfterMs: 1000 },
    shutdown: { deadlineMs: 5000 },
    networks: (options.networks ?? []).map((name) => ({ name, protocol: TEST_PROTOCOL, options: {} })),
    bridges: options.bridges ?? [],
    modules: options.modules.map((given) => moduleEntry(given, apis)),
  };
}

/** A `modules:` entry; a definition is wrapped so that its API can be looked up. */
function moduleEntry(given: ModuleDefinition<unknown> | TestModule, apis: Map<string, ModuleApi>): ModuleConfig {
  const { module, config } = 'setup' in given ? { module: given, config: undefined } : given;
  if (typeof module === 'string') return { module, specifier: module, config };
  const recording = defineModule<unknown>({
    ...module,
    setup(api, parsed) {
      apis.set(module.name, api);
      return module.setup(api, parsed);
    },
  });
  return { module: module.name, specifier: module.name, config, definition: recording };
}
