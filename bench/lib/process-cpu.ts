/**
 * CPU time of another process, in nanoseconds, from Linux's scheduler statistics: the sum of
 * the first field of `/proc/<pid>/task/<tid>/schedstat` (time on a CPU) over its threads. Finer
 * than `/proc/<pid>/stat` (clock ticks, 10 ms); a thread that ends between two readings takes
 * its time with it (Node's threads live as long as the process).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** CPU time `pid` has used so far, all threads, in ns. */
export function processCpuNs(pid: number): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended since the directory was read
    }
  }
  return total;
}
