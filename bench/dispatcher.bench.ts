/**
 * Pipeline throughput in process: events per second from a network's emit through the real
 * hub (dispatcher, metrics, the module API's checks stage, listeners) with 0, 5 and 20 no-op
 * modules, and with the relay module rendering every message to two targets. Networks are
 * in-memory sinks (bench/lib/sink-network.ts); storage is the real SQLite store (WAL) in a
 * temp dir. Run pinned to one CPU by scripts/run-bench.mjs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Hub } from '../src/app/hub.js';
import { silentLogger } from '../src/core/log.js';
import type { HubConfig, ModuleConfig } from '../src/config/types.js';
import type { AnyEventInput } from '../src/core/event.js';
import type { Benchmark, BenchContext } from './lib/benchmark.js';
import { figure, type Figure } from './lib/result.js';
import { repeatRuns } from './lib/repeat.js';
import { sinkProtocol, type SinkNetwork } from './lib/sink-network.js';

/** Events injected per macrotask, as an adapter emits the lines of one socket read. */
const BATCH = 500;
/** Channels the events are spread over (the dispatcher orders per channel). */
const CHANNELS = 8;
const MODULE_TARGET = { op: '>=', value: 100_000 } as const;

interface Variant {
  readonly key: string;
  readonly label: string;
  readonly modules: number;
  readonly checks: boolean;
  readonly relay: boolean;
}

const VARIANTS: readonly Variant[] = [
  { key: 'modules_0', label: '0 modules', modules: 0, checks: false, relay: false },
  { key: 'modules_5', label: '5 no-op modules (listener)', modules: 5, checks: false, relay: false },
  { key: 'modules_5_checks', label: '5 no-op modules (listener + spam check)', modules: 5, checks: true, relay: false },
  { key: 'modules_20', label: '20 no-op modules (listener)', modules: 20, checks: false, relay: false },
  { key: 'modules_20_checks', label: '20 no-op modules (listener + spam check)', modules: 20, checks: true, relay: false },
  { key: 'relay_2_targets', label: 'relay module, 2 targets (messages delivered to both)', modules: 0, checks: false, relay: true },
];

/** A no-op module file (a plain definition object: what the loader accepts from JavaScript). */
function noopModuleSource(index: number, checks: boolean): string {
  const check = checks ? "api.registerSpamCheckerCallbacks({ checkEventForSpam: () => 'NOT_SPAM' });" : '';
  return `export default { name: 'noop-${index}', setup(api) { api.on('MESSAGE', () => {}); ${check} } };\n`;
}

function channelId(index: number): string {
  return `#c${index % CHANNELS}`;
}

function messageEvent(run: string, index: number): AnyEventInput {
  const channel = { network: 'src', id: channelId(index) };
  return {
    network: 'src',
    sender: 'alice',
    command: 'MESSAGE',
    args: {
      channel,
      message: {
        id: `${run}-${index}`,
        channel,
        author: { network: 'src', id: 'alice', nick: 'alice' },
        kind: 'message',
        body: [{ type: 'text', text: `hello world, this is message ${index}` }],
        attachments: [],
        ts: Date.now(),
      },
    },
  };
}

async function startHub(dir: string, variant: Variant): Promise<{ hub: Hub; networks: Map<string, SinkNetwork> }> {
  const modules: ModuleConfig[] = [];
  for (let i = 0; i < variant.modules; i++) {
    const file = join(dir, `noop-${i}.mjs`);
    writeFileSync(file, noopModuleSource(i, variant.checks));
    modules.push({ module: file, specifier: file, config: undefined });
  }
  if (variant.relay) modules.push({ module: 'relay', specifier: 'relay', config: { maxQueuePerTarget: 1_000_000 } });
  const bridges = variant.relay
    ? Array.from({ length: CHANNELS }, (_, i) => ({
      name: `b${i}`,
      channels: ['src', 'a', 'b'].map((network) => ({ network, id: channelId(i) })),
      options: {},
    }))
    : [];
  const config: HubConfig = {
    file: join(dir, 'switchboard.yaml'),
    storage: { kind: 'sqlite', path: join(dir, 'switchboard.db') },
    log: { level: 'silent' },
    reconnect: { initialDelayMs: 1000, maxDelayMs: 10_000, factor: 2, jitter: 0, stableAfterMs: 1000 },
    shutdown: { deadlineMs: 30_000 },
    networks: ['src', 'a', 'b'].map((name) => ({ name, protocol: 'sink', options: {} })),
    bridges,
    modules,
  };
  const { protocol, networks } = sinkProtocol();
  const hub = await Hub.start({ config, log: silentLogger(), protocols: [protocol] });
  await hub.ready;
  return { hub, networks };
}

/**
 * Waits until the hub's dispatcher has handled every event. The Hub keeps its dispatcher
 * private; the benchmark reaches in (checked at run time) rather than adding a listener that
 * would itself be measured.
 */
async function drainDispatcher(hub: Hub, deadlineMs: number): Promise<boolean> {
  const dispatcher = (hub as unknown as { dispatcher?: { drain?: (ms: number) => Promise<boolean> } }).dispatcher;
  if (typeof dispatcher?.drain !== 'function') throw new Error('Hub no longer has a private dispatcher with drain(): update bench/dispatcher.bench.ts');
  return dispatcher.drain(deadlineMs);
}

/** Injects `count` MESSAGE events in batches and waits until they are handled; returns events/s. */
async function measureRun(hub: Hub, networks: Map<string, SinkNetwork>, variant: Variant, run: string, count: number): Promise<number> {
  const source = networks.get('src')!;
  const targets = [networks.get('a')!, networks.get('b')!];
  const expected = targets.map((t) => t.sent + count);
  const started = performance.now();
  for (let i = 0; i < count; i += BATCH) {
    for (let j = i; j < Math.min(count, i + BATCH); j++) source.emit(messageEvent(run, j));
    await nextTurn();
  }
  if (variant.relay) await Promise.all(targets.map((t, i) => t.sentAtLeast(expected[i]!)));
  // Handled = every listener done; for the relay, also delivered to both targets.
  if (!(await drainDispatcher(hub, 60_000))) throw new Error(`${variant.label}: events still pending after 60 s`);
  return count / ((performance.now() - started) / 1000);
}

async function measureVariant(context: BenchContext, variant: Variant): Promise<Figure> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-dispatch-'));
  const count = variant.relay ? (context.quick ? 500 : 2_000) : context.quick ? 10_000 : 40_000;
  try {
    const { hub, networks } = await startHub(dir, variant);
    try {
      const repeats = context.quick ? 2 : variant.relay ? 3 : 5;
      const rates = await repeatRuns({ warmups: 1, repeats }, async (index) => {
        const rate = await measureRun(hub, networks, variant, `r${index}`, count);
        context.progress(`${variant.label}: run ${index}: ${Math.round(rate)} events/s`);
        return rate;
      });
      return figure(
        {
          key: `events_per_second.${variant.key}`,
          label: `events/s, ${variant.label}`,
          unit: 'events/s',
          ...(variant.modules === 5 ? { target: MODULE_TARGET } : {}),
          note: `${count} MESSAGE events per run over ${CHANNELS} channels`,
        },
        rates,
      );
    } finally {
      await hub.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const benchmark: Benchmark = {
  name: 'dispatcher',
  title: 'Pipeline throughput in process',
  async run(context) {
    const figures: Figure[] = [];
    for (const variant of VARIANTS) figures.push(await measureVariant(context, variant));
    return {
      parameters: { batch: BATCH, channels: CHANNELS, variants: VARIANTS.map((v) => v.key) },
      figures,
      notes: [
        'Events enter through a network context emit (as adapters do) and pass the real Hub: dispatcher, metrics observer, checks stage and module listeners.',
        'No-op modules are loaded from files by the real module loader; each registers one MESSAGE listener (and, in the "+ spam check" variants, a checkEventForSpam returning NOT_SPAM).',
        `Relay variant: ${CHANNELS} bridges of three sink networks; a run ends when every message was delivered to both targets (persisted queue and message map on SQLite included).`,
      ],
    };
  },
};
export default benchmark;
