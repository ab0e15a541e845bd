/**
 * Where a benchmark ran: Node version, CPU, cores, the CPUs the process may use, memory.
 */
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem, platform, arch } from 'node:os';

export interface Environment {
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly kernel: string;
  readonly cpuModel: string;
  /** Logical CPUs of the machine. */
  readonly cpus: number;
  /** The CPUs this benchmark process was allowed to run on (Linux `Cpus_allowed_list`), e.g. `0` under `taskset -c 0`. */
  readonly cpusAllowed: string;
  readonly totalMemoryMb: number;
}

/** The CPU list the current process may run on, from /proc (Linux); `unknown` elsewhere. */
function cpusAllowed(): string {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    return /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Describes the machine and runtime this process runs on. */
export function environment(): Environment {
  const cpuList = cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${platform()}-${arch()}`,
    kernel: release(),
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cpus: cpuList.length,
    cpusAllowed: cpusAllowed(),
    totalMemoryMb: Math.round(totalmem() / (1024 * 1024)),
  };
}
