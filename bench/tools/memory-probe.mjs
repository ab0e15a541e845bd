// Memory of a switchboard process after a full GC, on request.
//
// A preload the gateway benchmark gives the `switchboard run` processes it starts
// (NODE_OPTIONS="--import <this file>", BENCH_MEMORY_FILE=<path>). In a switchboard process (and
// only there) SIGUSR2 runs two full garbage collections, then appends process.memoryUsage()
// (bytes) with the time as one JSON line to BENCH_MEMORY_FILE. The hub itself is unchanged: it
// gets no flag and no code path of its own. Not used by `npm test`.
import { appendFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const file = process.env.BENCH_MEMORY_FILE;
const isHub = process.argv.some((arg) => arg.endsWith('switchboard.js'));

if (file && isHub) {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  process.on('SIGUSR2', () => {
    gc();
    gc();
    appendFileSync(file, `${JSON.stringify({ ...process.memoryUsage(), at: Date.now() })}\n`);
  });
}
