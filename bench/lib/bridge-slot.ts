/**
 * One slot of the side-by-side benchmark: what the same bench client measures of one bridge
 * process (or of the servers alone, the floor) — ready time, RSS idle and peak, paced latency
 * and bursts per direction, the bridge's CPU time per burst (from /proc, idle use subtracted)
 * and the bench client's own CPU time meanwhile (to show it is not the limit).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { processCpuNs } from './process-cpu.js';
import { burstRun, pacedRun, probeUntilArrival, type BurstResult, type PacedResult, type Path, type Tracker } from './traffic.js';

export interface SlotPlan {
  readonly paced: { readonly count: number; readonly warmup: number; readonly ratePerSecond: number; readonly drainMs: number };
  readonly burst: { readonly count: number; readonly idleMs: number; readonly windowMs: number };
  /**
   * After the first (measured) bursts: this many unmeasured bursts per direction, then one more
   * measured burst per direction — the bridge's steady state, once a JIT-compiled bridge has
   * compiled its hot code (a bridge process runs for weeks; its first thousand messages are
   * not what a message costs it). 0: no warm measurement.
   */
  readonly warmupBursts: number;
  /** Idle time after ready, over which the bridge's idle CPU use is measured. */
  readonly idleMs: number;
  /** Wait after a burst's last arrival before the bridge's CPU time is read (work after delivery counts). */
  readonly settleMs: number;
  readonly readyTimeoutMs: number;
}

export interface DirectionResult {
  readonly paced: PacedResult;
  readonly burst: BurstResult;
  /** Messages that arrived twice during the burst. */
  readonly burstDuplicates: number;
  /** The bridge's CPU time for the burst, idle use subtracted, in seconds (absent for the floor). */
  readonly bridgeCpuSeconds?: number;
  /** This process's (the bench client's) CPU time from the burst's first send to its last arrival, in seconds. */
  readonly clientCpuSeconds: number;
  /** The burst measured after `warmupBursts` unmeasured ones (absent when none are planned). */
  readonly warm?: BurstMeasure;
}

/** One measured burst of a direction. */
export type BurstMeasure = Omit<DirectionResult, 'paced' | 'warm'>;

export interface SlotResult {
  /** Spawn until a probe crossed IRC→XMPP and then one XMPP→IRC, in ms. */
  readonly readyMs?: number;
  readonly rssIdleBytes?: number;
  /** The process's peak RSS (VmHWM) at that moment: what start-up took at most. */
  readonly rssStartPeakBytes?: number;
  /** The process's peak RSS (VmHWM) after the first 1,000-message burst of each direction (start-up included). */
  readonly rssPeakBytes?: number;
  /** VmRSS after the first bursts (and their settle time). */
  readonly rssAfterBurstsBytes?: number;
  /** The process's peak RSS (VmHWM) at the end, after the warm-up and warm bursts too. */
  readonly rssPeakAfterWarmBytes?: number;
  readonly directions: readonly DirectionResult[];
}

/** A bridge process to measure: its pid and when it was spawned. */
export interface SlotProcess {
  readonly pid: number;
  readonly spawnedAt: number;
}

/** A size field of `/proc/<pid>/status` (e.g. `VmRSS`, `VmHWM`) in bytes. */
export function procStatusBytes(pid: number, name: string): number {
  const kb = new RegExp(`^${name}:\\s*(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (kb === undefined) throw new Error(`no ${name} for pid ${pid}`);
  return Number(kb) * 1024;
}

function clientCpuNs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1000;
}

async function measureBurst(tracker: Tracker, path: Path, plan: SlotPlan, pid: number | undefined, idleNsPerMs: number): Promise<BurstMeasure> {
  const duplicatesBefore = tracker.duplicates;
  const bridgeBefore = pid === undefined ? 0 : processCpuNs(pid);
  const clientBefore = clientCpuNs();
  const start = performance.now();
  const burst = await burstRun(tracker, path, plan.burst.count, plan.burst.idleMs, plan.burst.windowMs);
  const clientCpuSeconds = (clientCpuNs() - clientBefore) / 1e9;
  await sleep(plan.settleMs);
  const burstDuplicates = tracker.duplicates - duplicatesBefore;
  if (pid === undefined) return { burst, burstDuplicates, clientCpuSeconds };
  const spent = processCpuNs(pid) - bridgeBefore - idleNsPerMs * (performance.now() - start);
  return { burst, burstDuplicates, clientCpuSeconds, bridgeCpuSeconds: Math.max(0, spent) / 1e9 };
}

/**
 * Measures one slot. With `bridge`, `paths` must be [IRC→XMPP, XMPP→IRC] through it: ready is
 * taken with probes along them first. Paced runs of every path come before the bursts.
 */
export async function measureSlot(tracker: Tracker, paths: readonly Path[], plan: SlotPlan, bridge?: SlotProcess): Promise<SlotResult> {
  let readyMs: number | undefined;
  let rssIdleBytes: number | undefined;
  let rssStartPeakBytes: number | undefined;
  let idleNsPerMs = 0;
  if (bridge) {
    let crossed = 0;
    for (const path of paths) crossed = await probeUntilArrival(tracker, path, 100, plan.readyTimeoutMs);
    readyMs = crossed - bridge.spawnedAt;
    const cpuBefore = processCpuNs(bridge.pid);
    const idleStart = performance.now();
    await sleep(plan.idleMs);
    idleNsPerMs = (processCpuNs(bridge.pid) - cpuBefore) / (performance.now() - idleStart);
    rssIdleBytes = procStatusBytes(bridge.pid, 'VmRSS');
    rssStartPeakBytes = procStatusBytes(bridge.pid, 'VmHWM');
  }
  const { count, warmup, ratePerSecond, drainMs } = plan.paced;
  const paced: PacedResult[] = [];
  for (const path of paths) {
    await pacedRun(tracker, path, warmup, ratePerSecond, drainMs);
    paced.push(await pacedRun(tracker, path, count, ratePerSecond, drainMs));
  }
  const directions: DirectionResult[] = [];
  for (const [i, path] of paths.entries()) {
    directions.push({ paced: paced[i]!, ...(await measureBurst(tracker, path, plan, bridge?.pid, idleNsPerMs)) });
  }
  const afterFirstBursts = bridge ? { rssPeakBytes: procStatusBytes(bridge.pid, 'VmHWM'), rssAfterBurstsBytes: procStatusBytes(bridge.pid, 'VmRSS') } : {};
  if (plan.warmupBursts > 0) {
    for (let n = 0; n < plan.warmupBursts; n++) {
      for (const path of paths) await burstRun(tracker, path, plan.burst.count, plan.burst.idleMs, plan.burst.windowMs);
    }
    for (const [i, path] of paths.entries()) {
      directions[i] = { ...directions[i]!, warm: await measureBurst(tracker, path, plan, bridge?.pid, idleNsPerMs) };
    }
  }
  return {
    directions,
    ...(bridge ? { readyMs, rssIdleBytes, rssStartPeakBytes, ...afterFirstBursts, rssPeakAfterWarmBytes: procStatusBytes(bridge.pid, 'VmHWM') } : {}),
  };
}
