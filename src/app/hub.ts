/**
 * The hub: owns storage, networks, modules, the dispatcher and the HTTP server, and runs the
 * lifecycle: open storage → create networks → load and set up modules (config order) → start
 * HTTP → connect networks → ready (onReady) once every network connected or failed its first
 * attempt → run → stop (stop accepting, drain, flush and close networks, onShutdown, close
 * HTTP, close storage).
 */
import type { HubConfig } from '../config/types.js';
import type { Logger } from '../core/log.js';
import type { Network, NetworkContext, ProtocolDefinition } from '../core/network.js';
import type { ChannelRef } from '../core/refs.js';
import { Dispatcher } from '../core/dispatcher.js';
import { NetworkSupervisor } from '../core/supervisor.js';
import { ReconnectPolicy } from '../core/reconnect.js';
import { PluginRegistry } from '../core/plugins.js';
import { createNetworkHandle, type NetworkHandle } from '../core/network-handle.js';
import { StartupError } from './startup-error.js';
import { raceDeadline } from '../core/deadline.js';
import type { HubMetrics } from '../core/metrics.js';
import { disabledMetrics } from '../core/metrics-disabled.js';
import { ListenerRegistry } from '../core/listeners.js';
import { LifecycleCallbacks } from '../modules/lifecycle.js';
import { createModuleApi, type ModuleHost } from '../modules/module-api.js';
import { ModuleCallbacks } from '../modules/callbacks/index.js';
import { moduleAccountHooks } from '../modules/callbacks/account-hooks.js';
import { moduleRoomHooks } from '../modules/callbacks/room-hooks.js';
import { presenceRoutingOf } from './presence-routing.js';
import { WebResourceRegistry } from '../modules/web-resources.js';
import { ModuleHealthChecks } from '../modules/health.js';
import { AccessPredicateRegistry } from '../modules/access-predicates.js';
import { loadModules, describeEntry, ModuleLoadError } from '../modules/loader.js';
import { builtinModules } from './builtin-modules.js';
import { openStore } from '../store/open.js';
import { StoreError } from '../store/errors.js';
import type { HubStore } from '../store/hub-store.js';
import { HttpListenError } from '../http/errors.js';
import { overallStatus, type HealthReport } from '../http/health.js';
import { DEFAULT_EGRESS_CONFIG, EgressClient } from '../net/egress/index.js';

export interface HubOptions {
  readonly config: HubConfig;
  readonly log: Logger;
  readonly protocols: readonly ProtocolDefinition[];
}

/** The hub's module machinery, for switchboard/testing (modules never see it: it holds the callback operations). */
export interface HubInternals {
  readonly callbacks: ModuleCallbacks;
  readonly dispatcher: Dispatcher;
  readonly webResources: WebResourceRegistry;
}

interface RunningNetwork {
  readonly network: Network;
  readonly supervisor: NetworkSupervisor;
  readonly handle: NetworkHandle;
}

type HubStatus = 'starting' | 'running' | 'stopping' | 'stopped';

export class Hub {
  private status: HubStatus = 'starting';
  private readonly startedAt = Date.now();
  private readonly networks = new Map<string, RunningNetwork>();
  private readonly listeners = new ListenerRegistry();
  private readonly readyCallbacks = new LifecycleCallbacks('onReady');
  private readonly shutdownCallbacks = new LifecycleCallbacks('onShutdown');
  private readonly metrics: HubMetrics;
  private readonly dispatcher: Dispatcher;
  private readonly callbacks: ModuleCallbacks;
  private readonly webResources: WebResourceRegistry;
  private readonly moduleHealth: ModuleHealthChecks;
  private readonly accessPredicates = new AccessPredicateRegistry();
  /** What modules add for networks (a gateway's legacy networks). */
  private readonly plugins = new PluginRegistry();
  /** The one HTTP client for URLs the hub fetches (networks and modules share its policy). */
  private readonly egress: EgressClient;
  private store: HubStore | undefined;
  private http: { address: string; port: number; close(): Promise<void> } | undefined;
  private readyPromise: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly options: HubOptions,
    metrics: HubMetrics | undefined,
  ) {
    this.metrics = metrics ?? disabledMetrics();
    this.egress = new EgressClient(options.config.egress ?? DEFAULT_EGRESS_CONFIG);
    this.callbacks = new ModuleCallbacks({ log: options.log, listeners: this.listeners, bridges: () => options.config.bridges });
    this.webResources = new WebResourceRegistry(options.log.child({ component: 'http' }));
    this.moduleHealth = new ModuleHealthChecks(options.log.child({ component: 'health' }));
    this.dispatcher = new Dispatcher({
      log: options.log.child({ component: 'dispatcher' }),
      listeners: this.listeners,
      checks: () => this.callbacks.eventChecks(),
      ...(metrics === undefined
        ? {}
        : {
            observer: {
              eventIn: (network, command) => metrics.eventIn(network, command),
              dispatched: (command, seconds) => metrics.observeDispatch(command, seconds),
              listenerError: (module, command) => metrics.listenerError(module, command),
              rejected: (network, command, reason) => metrics.eventRejected(network, command, reason),
            },
          }),
    });
  }

  /**
   * Starts the hub. Resolves once HTTP is listening and networks are connecting; `ready`
   * resolves when every network has connected or failed its first attempt. Throws
   * StartupError (after undoing whatever had started) when the config or environment is wrong.
   */
  static async start(options: HubOptions): Promise<Hub> {
    // Metrics are read only through GET /metrics: without HTTP, prom-client is not loaded and
    // nothing is recorded (the dispatcher then has no observer: no clock read per event).
    const metrics = options.config.http
      ? (await import('../core/metrics.js')).createMetrics({ log: options.log.child({ component: 'metrics' }) })
      : undefined;
    const hub = new Hub(options, metrics);
    try {
      await hub.startServices();
    } catch (error) {
      await hub.stop().catch(() => undefined);
      throw asStartupError(error);
    }
    return hub;
  }

  /** Resolves once every network has connected or failed its first attempt and onReady ran. */
  get ready(): Promise<void> {
    return this.readyPromise;
  }

  /** The module handle of a network (for embedding and tests). */
  network(name: string): NetworkHandle | undefined {
    return this.networks.get(name)?.handle;
  }

  /** See HubInternals. */
  internals(): HubInternals {
    return { callbacks: this.callbacks, dispatcher: this.dispatcher, webResources: this.webResources };
  }

  /** The state of the hub and of every network, as served on /health. */
  health(): HealthReport {
    const networks: HealthReport['networks'] = {};
    for (const [name, running] of this.networks) {
      const status = running.supervisor.status;
      networks[name] = {
        protocol: running.network.protocol,
        state: status.state,
        since: new Date(status.since).toISOString(),
        reconnects: status.reconnects,
        queueDepth: running.network.queueDepth(),
        ...(status.lastError === undefined ? {} : { lastError: status.lastError }),
      };
    }
    const phase = this.status === 'stopped' ? 'stopping' : this.status;
    const modules = this.moduleHealth.report();
    const status = overallStatus(phase, networks);
    const moduleDegraded = modules !== undefined && Object.values(modules).some((m) => m.status === 'degraded');
    return {
      status: status === 'ok' && moduleDegraded ? 'degraded' : status,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      networks,
      ...(modules === undefined ? {} : { modules }),
    };
  }

  /** Graceful shutdown; safe to call more than once. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async startServices(): Promise<void> {
    const { config, log } = this.options;
    this.store = await openStore(config.storage, log.child({ component: 'store' }));
    for (const networkConfig of config.networks) await this.createNetwork(networkConfig.name, networkConfig.protocol, networkConfig.options);
    await this.setupModules();
    if (config.http) {
      // Fastify is loaded only when HTTP is on.
      const { startHttpServer } = await import('../http/server.js');
      this.http = await startHttpServer({
        host: config.http.host,
        port: config.http.port,
        ...(config.http.allowedHosts ? { allowedHosts: config.http.allowedHosts } : {}),
        log: log.child({ component: 'http' }),
        metrics: this.metrics,
        health: () => this.health(),
        resources: this.webResources.list(),
      });
      log.info({ address: this.http.address }, 'http listening');
    }
    this.status = 'running';
    this.readyPromise = this.connectNetworks();
  }

  private async createNetwork(name: string, protocol: string, options: unknown): Promise<void> {
    const definition = this.options.protocols.find((p) => p.protocol === protocol);
    if (!definition) throw new StartupError(`${this.options.config.file}: networks.${name}.protocol: unknown protocol "${protocol}"`);
    const log = this.options.log.child({ network: name });
    const store = this.store!;
    const context: NetworkContext = {
      name,
      log,
      store: store.kv(`network:${name}`),
      accounts: store.gatewayAccounts(`network:${name}`),
      roomArchive: store.roomArchive(`network:${name}`),
      unsignedFields: (event) => this.callbacks.unsignedFields.addFieldsToUnsigned(event, []),
      accountHooks: moduleAccountHooks(this.callbacks),
      roomHooks: moduleRoomHooks(this.callbacks, name),
      egress: this.egress,
      wantedChannels: () => this.bridgeChannels(name),
      emit: (event) => this.dispatcher.ingest(event),
      emitHandled: (event) => this.dispatcher.ingestHandled(event),
      wants: (command) => this.dispatcher.wants(command),
      connectionLost: (loss) => this.networks.get(name)?.supervisor.connectionLost(loss),
      presenceRouting: presenceRoutingOf(this.callbacks.presenceRouter),
      plugins: this.plugins,
    };
    const network = await definition.create(context, options);
    const supervisor = new NetworkSupervisor(network, {
      log,
      policy: new ReconnectPolicy(this.options.config.reconnect),
      onDisconnect: (wasSuccessful, reason) =>
        this.dispatcher.ingest({ network: name, sender: name, command: 'DISCONNECT', args: { wasSuccessful, reason } }),
      onRetry: () => this.metrics.reconnect(name),
      onState: (state) => this.metrics.networkUp(name, state === 'connected'),
    });
    this.metrics.trackQueue(name, () => network.queueDepth());
    const handle = createNetworkHandle(network, supervisor, (n, command) => this.metrics.eventOut(n, command));
    this.networks.set(name, { network, supervisor, handle });
  }

  private bridgeChannels(network: string): readonly ChannelRef[] {
    return this.options.config.bridges.flatMap((b) => b.channels.filter((c) => c.network === network));
  }

  private async setupModules(): Promise<void> {
    const { config, log } = this.options;
    const host: ModuleHost = {
      log,
      store: this.store!,
      listeners: this.listeners,
      ready: this.readyCallbacks,
      shutdown: this.shutdownCallbacks,
      callbacks: this.callbacks,
      webResources: this.webResources,
      accessPredicates: this.accessPredicates,
      plugins: this.plugins,
      health: this.moduleHealth,
      egress: this.egress,
      networks: () => [...this.networks.values()].map((n) => n.handle),
      network: (name) => this.networks.get(name)?.handle,
      bridges: () => config.bridges,
    };
    for (const module of await loadModules(config.file, config.modules, builtinModules())) {
      const api = createModuleApi(host, module.definition.name, module.order, { operations: module.builtin });
      try {
        await module.definition.setup(api, module.config);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new ModuleLoadError(describeEntry(config.file, module.entry, module.order), `setup of module ${module.definition.name} failed: ${reason}`);
      }
      log.info({ module: module.definition.name, listeners: this.listeners.ofModule(module.definition.name).length }, 'module loaded');
    }
    this.webResources.freeze();
  }

  private async connectNetworks(): Promise<void> {
    const results = await Promise.all([...this.networks.values()].map((n) => n.supervisor.start()));
    if (this.status !== 'running') return;
    const connected = results.filter(Boolean).length;
    this.options.log.info({ connected, failed: results.length - connected }, 'ready');
    await this.readyCallbacks.run(this.options.log);
  }

  private async shutdown(): Promise<void> {
    const { log, config } = this.options;
    const deadline = Date.now() + config.shutdown.deadlineMs;
    const remaining = () => Math.max(0, deadline - Date.now());
    this.status = 'stopping';
    log.info('shutting down');
    this.dispatcher.stopAccepting();
    if (!(await this.dispatcher.drain(remaining()))) {
      log.warn({ pending: this.dispatcher.pending }, 'shutdown deadline reached with events still being handled');
    }
    // Each step gets what is left of the deadline, whatever a network (a frozen server), a
    // module or an HTTP client does; a step still running then is left behind, logged.
    await this.untilDeadline('closing networks', Promise.all([...this.networks.values()].map((n) => n.supervisor.stop(remaining()))), remaining());
    await this.untilDeadline('onShutdown callbacks', this.shutdownCallbacks.run(log, true), remaining());
    const httpClosed = this.http?.close().catch((error: unknown) => log.warn({ err: error }, 'error closing http'));
    await this.untilDeadline('closing http', httpClosed, remaining());
    await this.store?.close().catch((error: unknown) => log.warn({ err: error }, 'error closing storage'));
    this.status = 'stopped';
    log.info('stopped');
  }

  /** Waits for a shutdown step for at most `ms`; says so when the deadline cut it short. */
  private async untilDeadline(step: string, work: Promise<unknown> | undefined, ms: number): Promise<void> {
    if (work === undefined) return;
    if ((await raceDeadline(work, ms, DEADLINE_REACHED)) === DEADLINE_REACHED) {
      this.options.log.warn({ step, deadlineMs: this.options.config.shutdown.deadlineMs }, 'shutdown deadline reached; not waiting for this step any longer');
    }
  }
}

const DEADLINE_REACHED = Symbol('deadline reached');

/** Turns the errors of misconfiguration into StartupError; anything else is a bug and stays as it is. */
function asStartupError(error: unknown): unknown {
  if (error instanceof StartupError) return error;
  if (error instanceof StoreError || error instanceof HttpListenError || error instanceof ModuleLoadError) {
    return new StartupError(error.message, { cause: error });
  }
  return error;
}
