// What the hub spends on the server-link benchmark's two hardest figures (issue 15), measured
// in CPU and allocation rather than wall-clock time, so that runs on a shared machine compare:
//
//   npm run build && node bench/tools/link-cost.mjs people [count] [live|netjoin]
//     the people figure's rig (two ngIRCd, the load server): `count` people (10,000) join on
//     east, as they arrive live (per 50: NICKs, then their NJOIN; the default) or as a netjoin
//     (all NICKs, then the NJOINs), and are introduced on west; the hub's CPU seconds (all threads, /proc schedstat) from
//     the first line to the last JOIN seen on west (and the two ngIRCd's), its scavenges and GC
//     pause ms (--trace-gc), its RSS peak.
//   npm run build && node bench/tools/link-cost.mjs messages [count]
//     the latency rig (InspIRCd west, ngIRCd east; BENCH_LINK_WEST=ngircd for two ngIRCd):
//     `count` (1,000) messages west → east at 100/s after 100 of warm-up; the hub's CPU µs per
//     message, and inside the hub the µs from the socket read that brought each message to the
//     socket write that relays it (p25/p50/p75; this file, preloaded into the hub, times them).
//
// With LINK_COST_GC_LOG=<file> the hub's --trace-gc lines are written there (people only).
// With LINK_COST_ALLOC=<file.heapprofile> (and `node --experimental-websocket` on Node 20) the
// hub's allocations during the same window are sampled through the inspector, objects collected
// since included, and the total and the functions that allocated most are printed. Compare
// builds by running them alternately, a few times each: a development tool, not a benchmark.
import net from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { clearInterval } from 'node:timers';

const isHub = process.argv.some((arg) => arg.endsWith('switchboard.js'));

if (isHub) timeReadToWrite();
else await main(process.argv[2], process.argv[3], process.argv[4]);

/** In the hub: µs from a read carrying a benchmark PRIVMSG to the write relaying it, written at exit. */
function timeReadToWrite() {
  const out = process.env.LINK_COST_READ_WRITE;
  if (!out) return;
  const spans = [];
  let readAt;
  const emit = net.Socket.prototype.emit;
  net.Socket.prototype.emit = function (event, data, ...rest) {
    if (event === 'data' && readAt === undefined && data !== undefined) {
      const text = typeof data === 'string' ? data : data.toString('latin1');
      if (text.includes(' PRIVMSG #') && text.includes('bench ')) readAt = process.hrtime.bigint();
    }
    return emit.call(this, event, data, ...rest);
  };
  const write = net.Socket.prototype.write;
  net.Socket.prototype.write = function (chunk, ...rest) {
    if (readAt !== undefined) {
      const text = typeof chunk === 'string' ? chunk : chunk.toString('latin1');
      if (text.includes('PRIVMSG') && text.includes('bench ')) {
        spans.push(Number(process.hrtime.bigint() - readAt) / 1e3);
        readAt = undefined;
      }
    }
    return write.call(this, chunk, ...rest);
  };
  process.on('exit', () => writeFileSync(out, JSON.stringify(spans)));
}

async function main(what, countText, shapeText) {
  const shape = shapeText ?? 'live';
  if ((what !== 'people' && what !== 'messages') || (shape !== 'live' && shape !== 'netjoin')) {
    console.error('usage: node bench/tools/link-cost.mjs people [count] [live|netjoin] | messages [count]');
    process.exit(2);
  }
  const count = Number(countText ?? (what === 'people' ? 10_000 : 1_000));
  const dist = new URL('../../dist/bench/lib/', import.meta.url).href;
  const { startLinkRig } = await import(`${dist}link-rig.js`);
  const { processCpuNs } = await import(`${dist}process-cpu.js`);
  const { residentBytes } = await import(`${dist}switchboard-process.js`);
  const readWrite = `/tmp/link-cost-${process.pid}.json`;
  process.env.LINK_COST_READ_WRITE = readWrite;
  process.env.BENCH_HUB_NODE_ARGS = [
    process.env.BENCH_HUB_NODE_ARGS ?? '', '--trace-gc', `--import=${new URL(import.meta.url).pathname}`,
    process.env.LINK_COST_ALLOC ? '--inspect=127.0.0.1:0' : '',
  ].join(' ');
  const context = { progress: (m) => console.error(m), quick: false, peers: {} };
  const west = what === 'people' ? 'ngircd' : process.env.BENCH_LINK_WEST === 'ngircd' ? 'ngircd' : 'inspircd';
  const rig = await startLinkRig({ context, west, maxVirtualClients: count + 100 });
  let result;
  try {
    result = what === 'people' ? await people(rig, count, shape, { processCpuNs, residentBytes, dist }) : await messages(rig, count, { processCpuNs, dist });
  } finally {
    await rig.stop();
  }
  if (what === 'messages') {
    const spans = JSON.parse(readFileSync(readWrite, 'utf8')).slice(100).sort((a, b) => a - b);
    const at = (q) => Math.round(spans[Math.floor(spans.length * q)] ?? NaN);
    result.readToWriteUs = { messages: spans.length, p25: at(0.25), p50: at(0.5), p75: at(0.75) };
  }
  console.log(JSON.stringify(result));
}

/** The people figure's window: the hub's CPU, GC and RSS while it introduces `count` people. */
async function people(rig, count, shape, { processCpuNs, residentBytes, dist }) {
  const { linkLoadServer } = await import(`${dist}load-server.js`);
  const load = await linkLoadServer(rig.east.host, rig.east.port, rig.loadBlock, 20_000);
  try {
    let seen = 0;
    let lastAt = performance.now();
    rig.alice.onLine((line, at) => {
      if (/^(?:@\S+ )?:p\d+\S* JOIN :?#lobby/i.test(line)) {
        seen += 1;
        lastAt = at;
      }
    });
    await sleep(500);
    const before = gcTotals(rig.hub.output());
    const alloc = await startAllocationSampling(rig);
    const cpu = processCpuNs(rig.hub.pid);
    const westCpu = processCpuNs(rig.west.pid);
    const eastCpu = processCpuNs(rig.east.pid);
    let rssPeak = residentBytes(rig.hub.pid);
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, residentBytes(rig.hub.pid))), 20);
    const start = performance.now();
    load.introduce('p', count, '#lobby', shape);
    while (seen < count && performance.now() - lastAt < 5_000) await sleep(50);
    clearInterval(sampler);
    const cpuNs = processCpuNs(rig.hub.pid) - cpu;
    const ircdCpuS = { west: round((processCpuNs(rig.west.pid) - westCpu) / 1e9, 3), east: round((processCpuNs(rig.east.pid) - eastCpu) / 1e9, 3) };
    const allocation = await alloc?.stop();
    await sleep(300);
    const after = gcTotals(rig.hub.output());
    if (process.env.LINK_COST_GC_LOG) writeFileSync(process.env.LINK_COST_GC_LOG, rig.hub.output().split('\n').filter((l) => /Scavenge|Mark-Compact/.test(l)).join('\n'));
    return {
      what: 'people', shape, count, seen, introducedMs: Math.round(lastAt - start), hubCpuS: round(cpuNs / 1e9, 3), ircdCpuS,
      scavenges: after.scavenges - before.scavenges, markCompacts: after.markCompacts - before.markCompacts,
      gcPauseMs: Math.round(after.pauseMs - before.pauseMs), rssPeakMiB: Math.round(rssPeak / 2 ** 20), ...(allocation ? { allocation } : {}),
    };
  } finally {
    await load.close();
  }
}

/** Paced messages west → east: the hub's CPU per message. */
async function messages(rig, count, { processCpuNs, dist }) {
  const { pacedRun } = await import(`${dist}traffic.js`);
  await pacedRun(rig.tracker, rig.westToEast, 100, 100, 2_000);
  const before = gcTotals(rig.hub.output());
  const alloc = await startAllocationSampling(rig);
  const cpu = processCpuNs(rig.hub.pid);
  const run = await pacedRun(rig.tracker, rig.westToEast, count, 100, 2_000);
  const cpuNs = processCpuNs(rig.hub.pid) - cpu;
  const allocation = await alloc?.stop();
  const after = gcTotals(rig.hub.output());
  return {
    what: 'messages', path: rig.westToEast.label, count, delivered: run.delivered, p50Ms: round(run.p50, 3),
    hubCpuUsPerMessage: Math.round(cpuNs / 1e3 / count), scavenges: after.scavenges - before.scavenges, ...(allocation ? { allocation } : {}),
  };
}

/** Scavenges, full collections and their pauses so far, from the hub's --trace-gc output. */
function gcTotals(output) {
  const totals = { scavenges: 0, markCompacts: 0, pauseMs: 0 };
  for (const line of output.split('\n')) {
    const match = /: (Scavenge|Mark-Compact)\b.*?, (\d+\.\d+) \/ \d+\.\d+ ms/.exec(line);
    if (!match) continue;
    if (match[1] === 'Scavenge') totals.scavenges += 1;
    else totals.markCompacts += 1;
    totals.pauseMs += Number(match[2]);
  }
  return totals;
}

/** With LINK_COST_ALLOC: samples the hub's allocations (collected objects included) until stop(). */
async function startAllocationSampling(rig) {
  const file = process.env.LINK_COST_ALLOC;
  if (!file) return undefined;
  const url = /ws:\/\/\S+/.exec(rig.hub.output())?.[0];
  if (!url || !globalThis.WebSocket) throw new Error('LINK_COST_ALLOC needs the hub\'s inspector and node --experimental-websocket');
  const socket = new globalThis.WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let id = 0;
  const waiting = new Map();
  socket.onmessage = (event) => {
    const reply = JSON.parse(event.data);
    waiting.get(reply.id)?.(reply.result);
    waiting.delete(reply.id);
  };
  const call = (method, params = {}) => new Promise((resolve) => {
    waiting.set(++id, resolve);
    socket.send(JSON.stringify({ id, method, params }));
  });
  await call('HeapProfiler.enable');
  await call('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  return {
    async stop() {
      const { profile } = await call('HeapProfiler.stopSampling');
      socket.close();
      writeFileSync(file, JSON.stringify(profile));
      return allocationSummary(profile);
    },
  };
}

/** Total sampled MB and the ten functions that allocated most (bundle positions, see the .map files). */
function allocationSummary(profile) {
  const bySite = new Map();
  let total = 0;
  const walk = (node) => {
    const frame = node.callFrame;
    const site = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\/dist\//, '')}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`;
    total += node.selfSize;
    bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
    for (const child of node.children) walk(child);
  };
  walk(profile.head);
  const top = [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([site, bytes]) => `${round(bytes / 2 ** 20, 1)} MB ${site}`);
  return { sampledMB: round(total / 2 ** 20, 1), top };
}

function round(value, digits) {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}
