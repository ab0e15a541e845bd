// What a switchboard process allocates, over time: figures the machine's load does not move.
//
// A preload for the hub (`BENCH_HUB_NODE_ARGS="--import ./bench/tools/alloc-timeline.mjs"`, with
// BENCH_ALLOC_DIR=<directory>; `node scripts/run-bench.mjs relay-throughput --quick`, for instance).
// Every 25 ms (later when the event loop is busy) it adds up the bytes allocated on the V8 heap so
// far — from `v8.GCProfiler`'s heap use before and after every collection, restarted at each
// sample — with the scavenges, their time and the process's CPU seconds, and writes the timeline
// as JSON to <dir>/alloc-<pid>.json at exit: `{ argv, columns, samples }`. Bytes allocated per
// relayed message are then (total − start-up) ÷ messages, or a burst's growth ÷ its messages.
// The hub itself is unchanged. Not used by `npm test`.
import v8 from 'node:v8';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const dir = process.env.BENCH_ALLOC_DIR;
const isHub = process.argv.some((arg) => arg.endsWith('switchboard.js'));

if (dir && isHub) {
  let profiler = new v8.GCProfiler();
  profiler.start();
  let allocated = 0;
  let lastAfter = v8.getHeapStatistics().used_heap_size;
  let scavenges = 0;
  let scavengeMs = 0;
  const start = performance.now();
  const samples = [];
  const sample = () => {
    const { statistics } = profiler.stop();
    profiler = new v8.GCProfiler();
    profiler.start();
    for (const gc of statistics) {
      allocated += Math.max(0, gc.beforeGC.heapStatistics.usedHeapSize - lastAfter);
      lastAfter = gc.afterGC.heapStatistics.usedHeapSize;
      if (gc.gcType === 'Scavenge') {
        scavenges += 1;
        scavengeMs += gc.cost / 1000;
      }
    }
    const sinceLast = Math.max(0, v8.getHeapStatistics().used_heap_size - lastAfter);
    const cpu = process.cpuUsage();
    samples.push([
      Math.round(performance.now() - start),
      +((allocated + sinceLast) / 1048576).toFixed(3),
      scavenges,
      +scavengeMs.toFixed(1),
      +((cpu.user + cpu.system) / 1e6).toFixed(3),
    ]);
  };
  setInterval(sample, 25).unref();
  process.on('exit', () => {
    sample();
    const columns = ['ms', 'allocated MiB', 'scavenges', 'scavenge ms', 'cpu s'];
    writeFileSync(join(dir, `alloc-${process.pid}.json`), JSON.stringify({ argv: process.argv.slice(2), columns, samples }));
  });
}
