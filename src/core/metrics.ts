/**
 * The hub's Prometheus metrics, kept in a registry of their own (never prom-client's global
 * one), so several hubs and tests in one process do not clash. Served on GET /metrics; with
 * `http: false` nothing can read them, and the hub uses {@link disabledMetrics} instead (see
 * metrics-disabled.ts), so prom-client is imported only where this file is.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from './log.js';

/**
 * Typed recording helpers over the hub's metrics: callers never build label sets.
 *
 * Label values must come from a small fixed set (network names, event commands, module
 * names, short reason words), never from user text, or the series count explodes.
 */
export interface HubMetrics {
  /** The Content-Type of {@link HubMetrics.render}'s output. */
  readonly contentType: string;
  /** An event arrived from `network` (`switchboard_events_in_total`). */
  eventIn(network: string, command: string): void;
  /** A message was sent to `network` (`switchboard_events_out_total`). */
  eventOut(network: string, command: string): void;
  /** An event from `network` was refused, e.g. by a check (`switchboard_events_rejected_total`). */
  eventRejected(network: string, command: string, reason: string): void;
  /** Time from an event's arrival until all its listeners were done (`switchboard_dispatch_seconds`). */
  observeDispatch(command: string, seconds: number): void;
  /** Starts a dispatch timer; calling the returned function records the elapsed time. */
  startDispatchTimer(command: string): () => void;
  /** A module's listener threw (`switchboard_listener_errors_total`). */
  listenerError(module: string, command: string): void;
  /** The hub scheduled a reconnect of `network` (`switchboard_reconnects_total`). */
  reconnect(network: string): void;
  /** Whether `network` is connected right now (`switchboard_network_up`, 1 or 0). */
  networkUp(network: string, up: boolean): void;
  /**
   * Reports `network`'s outgoing queue depth on every scrape (`switchboard_queue_depth`) by
   * calling `depth`. Returns a function that stops tracking. A callback that throws or returns
   * something other than a finite number is skipped for that scrape and logged once per
   * failure streak. Tracking the same network again replaces its callback.
   */
  trackQueue(network: string, depth: () => number): () => void;
  /** The Prometheus text exposition: the process metrics, then every metric in {@link HubMetrics.registry}. */
  render(): Promise<string>;
}

export interface MetricsOptions {
  /** Where a failing queue-depth callback is reported; default: nowhere. */
  readonly log?: Logger;
  /** Collect prom-client's default process metrics (CPU, memory, event loop); default true. */
  readonly processMetrics?: boolean;
}

/** Dispatch is in-process work: most events should finish in well under 100 ms. */
const DISPATCH_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Creates the metrics of one hub in a fresh registry. */
export function createMetrics(options: MetricsOptions = {}): HubMetrics {
  const registry = new Registry();
  const processRegistry = options.processMetrics === false ? undefined : sharedProcessRegistry();
  const registers = [registry];

  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> =>
    new Counter({ name, help, labelNames, registers });

  const eventsIn = counter('switchboard_events_in_total', 'Events received from networks.', ['network', 'command']);
  const eventsOut = counter('switchboard_events_out_total', 'Messages sent to networks.', ['network', 'command']);
  const eventsRejected = counter('switchboard_events_rejected_total', 'Events refused before dispatch, by reason.', ['network', 'command', 'reason']);
  const listenerErrors = counter('switchboard_listener_errors_total', 'Listener callbacks that threw, by module and event command.', ['module', 'command']);
  const reconnects = counter('switchboard_reconnects_total', 'Reconnects scheduled after a lost connection.', ['network']);
  const dispatch = new Histogram({
    name: 'switchboard_dispatch_seconds',
    help: "Time from an event's arrival until all its listeners were done.",
    labelNames: ['command'] as const,
    buckets: DISPATCH_BUCKETS,
    registers,
  });
  const networkUp = new Gauge({ name: 'switchboard_network_up', help: 'Whether the network is connected (1) or not (0).', labelNames: ['network'] as const, registers });

  const queueSources = new QueueSources(options.log);
  new Gauge({
    name: 'switchboard_queue_depth',
    help: 'Outgoing items waiting to be written, per network.',
    labelNames: ['network'] as const,
    registers,
    collect() {
      this.reset();
      for (const [network, depth] of queueSources.read()) this.set({ network }, depth);
    },
  });

  // The labelled series of the per-event metrics, looked up once: prom-client hashes the label
  // object on every inc()/observe() otherwise, a measurable cost on the event path.
  const eventInChild = memoized((network: string, command: string) => eventsIn.labels({ network, command }));
  const eventOutChild = memoized((network: string, command: string) => eventsOut.labels({ network, command }));
  const dispatchChild = memoized((command: string) => dispatch.labels({ command }));

  return {
    contentType: registry.contentType,
    eventIn: (network, command) => eventInChild(network, command).inc(),
    eventOut: (network, command) => eventOutChild(network, command).inc(),
    eventRejected: (network, command, reason) => eventsRejected.inc({ network, command, reason }),
    observeDispatch: (command, seconds) => dispatchChild(command).observe(seconds),
    startDispatchTimer: (command) => {
      const end = dispatchChild(command).startTimer();
      return () => void end();
    },
    listenerError: (module, command) => listenerErrors.inc({ module, command }),
    reconnect: (network) => reconnects.inc({ network }),
    networkUp: (network, up) => networkUp.set({ network }, up ? 1 : 0),
    trackQueue: (network, depth) => queueSources.add(network, depth),
    render: async () => {
      const [processText, hubText] = await Promise.all([processRegistry?.metrics() ?? '', registry.metrics()]);
      // Each registry's text ends with a newline (or is empty): plain concatenation is valid.
      return processText + hubText;
    },
  };
}

let processRegistryInstance: Registry | undefined;

/**
 * prom-client's default process metrics (CPU, memory, event loop, GC), collected once per
 * process: they describe the process, not a hub, and each collection starts observers that
 * are never stopped.
 */
function sharedProcessRegistry(): Registry {
  if (!processRegistryInstance) {
    processRegistryInstance = new Registry();
    collectDefaultMetrics({ register: processRegistryInstance });
  }
  return processRegistryInstance;
}

/** The queue-depth callbacks, read on each scrape. */
class QueueSources {
  readonly #sources = new Map<string, () => number>();
  /** Networks whose callback failed on the last scrape, so each failure streak is logged once. */
  readonly #failing = new Set<string>();
  readonly #log: Logger | undefined;

  constructor(log: Logger | undefined) {
    this.#log = log;
  }

  add(network: string, depth: () => number): () => void {
    this.#sources.set(network, depth);
    return () => {
      if (this.#sources.get(network) === depth) this.remove(network);
    };
  }

  remove(network: string): void {
    this.#sources.delete(network);
    this.#failing.delete(network);
  }

  /** The current depth of every tracked network whose callback gives a usable number. */
  *read(): Generator<[string, number]> {
    for (const [network, depth] of this.#sources) {
      const result = callDepth(depth);
      if (result.ok) {
        this.#failing.delete(network);
        yield [network, result.value];
      } else if (!this.#failing.has(network)) {
        this.#failing.add(network);
        this.#log?.warn(
          { network, err: result.error, returned: result.returned },
          'queue depth callback failed; switchboard_queue_depth omits this network until it recovers',
        );
      }
    }
  }
}

type DepthResult = { ok: true; value: number } | { ok: false; error?: unknown; returned?: string };

function callDepth(depth: () => number): DepthResult {
  let value: unknown;
  try {
    value = depth();
  } catch (error) {
    return { ok: false, error };
  }
  if (typeof value === 'number' && Number.isFinite(value)) return { ok: true, value };
  return { ok: false, returned: String(value) };
}

/** Caches `make(...labels)` per combination of label values (they are few: networks × commands). */
function memoized<A extends string[], T>(make: (...labels: A) => T): (...labels: A) => T {
  const cache = new Map<string, T>();
  return (...labels) => {
    const key = labels.join('\u0000');
    let value = cache.get(key);
    if (value === undefined) cache.set(key, (value = make(...labels)));
    return value;
  };
}
