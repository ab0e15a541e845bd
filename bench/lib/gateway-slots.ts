/**
 * What the gateway benchmarks (gateway.bench.ts, gateway-groups.bench.ts) share around one slot:
 * a temporary directory, a hub started and stopped around some work, a paced run with the bench
 * process's CPU share, and a run compared with the floor measured right before it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchContext } from './benchmark.js';
import { startGatewayHub, type GatewayHub, type GatewayHubOptions } from './gateway-hub.js';
import { IRC_PASSWORD, type GatewayRig } from './gateway-rig.js';
import type { SeededUser } from './gateway-seed.js';
import type { Latency, PathLatency } from './gateway-figures.js';
import { floorLatency } from './side-figures.js';
import { pacedRun, type Path } from './traffic.js';

/** How a paced run is shaped: messages counted, warm-up messages before them, messages per second. */
export interface PacedPlan {
  readonly messages: number;
  readonly warmup: number;
  readonly rate: number;
  readonly drainMs: number;
}

/** Runs `work` in a fresh temporary directory, removed afterwards. */
export function withDir<T>(prefix: string, work: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return work(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** Hub options beyond the rig's servers, the users and the IRC password. */
export type ExtraHubOptions = Pick<GatewayHubOptions, 'loginIntervalMs' | 'history'>;

/** A hub with the gateway and `seeded` users, stopped after `work` (its output's tail added to a failure). */
export function withHub<T>(rig: GatewayRig, seeded: readonly SeededUser[], extra: ExtraHubOptions, context: BenchContext, work: (hub: GatewayHub) => Promise<T>): Promise<T> {
  return withDir('sb-bench-gateway-', async (dir) => {
    const hub = await startGatewayHub({ dir, irc: rig.irc, xmpp: rig.xmpp, users: seeded, ircPassword: IRC_PASSWORD, ...extra, ...(context.profileDir === undefined ? {} : { profileDir: context.profileDir }) });
    try {
      return await work(hub);
    } catch (error) {
      throw new Error(`${(error as Error).message}\nhub output:\n${hub.process.output().slice(-2000)}`, { cause: error });
    } finally {
      await hub.stop();
    }
  });
}

/** A paced run along `path` after a warm-up, with the bench process's CPU share meanwhile. */
export async function latency(rig: GatewayRig, path: Path, plan: PacedPlan): Promise<Latency> {
  await pacedRun(rig.tracker, path, plan.warmup, plan.rate, plan.drainMs);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const run = await pacedRun(rig.tracker, path, plan.messages, plan.rate, plan.drainMs);
  const used = process.cpuUsage(cpu);
  return { ...run, clientCpuShare: (used.user + used.system) / 1000 / (performance.now() - started) };
}

/** The floor (IRC→IRC, XMPP→XMPP), then a paced run along `path`: compared in the same minute. */
export async function overFloor(rig: GatewayRig, path: Path, plan: PacedPlan): Promise<PathLatency> {
  const floorIrc = await latency(rig, rig.ircToIrc, plan);
  const floorXmpp = await latency(rig, rig.xmppToXmpp, plan);
  const run = await latency(rig, path, plan);
  return { floorIrc, floorXmpp, floor: floorLatency(floorIrc.latencies, floorXmpp.latencies), run };
}
