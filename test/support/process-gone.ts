/**
 * Checking from a test that a server process really ended.
 */
import { readFileSync } from 'node:fs';

/** Whether a process with this PID exists and is not a zombie (reads Linux /proc). */
export function processAlive(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // "<pid> (<comm>) <state> ...": the comm may contain spaces, so look after the last ')'.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}
