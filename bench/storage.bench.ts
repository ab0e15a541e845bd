/**
 * Storage: message-map writes and lookups per second on the real SQLite store (WAL,
 * synchronous=NORMAL, as the hub opens it), each call awaited one after another as the relay
 * makes them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStore } from '../src/store/open.js';
import { silentLogger } from '../src/core/log.js';
import type { MessageMapStore, SentMessage } from '../src/store/message-map.js';
import type { Benchmark } from './lib/benchmark.js';
import { figure } from './lib/result.js';
import { field, repeatRuns } from './lib/repeat.js';

/** One source message relayed to one target, as the relay records it. */
function mapping(run: string, index: number): SentMessage {
  return {
    source: { network: 'irc', channel: '#lobby', messageId: `src-${run}-${index}` },
    target: { network: 'jabber', channel: 'lobby@conference.localhost', messageId: `tgt-${run}-${index}` },
    primary: true,
  };
}

async function timed(count: number, call: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i++) await call(i);
  return count / ((performance.now() - started) / 1000);
}

interface RunRates {
  readonly writes: number;
  readonly findSource: number;
  readonly findTargets: number;
  readonly findCounterparts: number;
  readonly misses: number;
}

async function measureRun(messages: MessageMapStore, run: string, count: number): Promise<RunRates> {
  const writes = await timed(count, (i) => messages.recordSent(mapping(run, i)));
  // Look the rows up in a scattered order, not the insertion order.
  const pick = (i: number) => (i * 7919) % count;
  const findSource = await timed(count, async (i) => {
    if (!(await messages.findSource('jabber', `tgt-${run}-${pick(i)}`))) throw new Error('a recorded mapping was not found');
  });
  const findTargets = await timed(count, (i) => messages.findTargets('irc', `src-${run}-${pick(i)}`));
  const findCounterparts = await timed(count, (i) => messages.findCounterparts('jabber', `tgt-${run}-${pick(i)}`));
  const misses = await timed(count, (i) => messages.findSource('jabber', `unknown-${run}-${i}`));
  return { writes, findSource, findTargets, findCounterparts, misses };
}

const benchmark: Benchmark = {
  name: 'storage',
  title: 'Message-map storage on SQLite (WAL)',
  async run(context) {
    const count = context.quick ? 2_000 : 20_000;
    const repeats = context.quick ? 2 : 5;
    const dir = mkdtempSync(join(tmpdir(), 'sb-bench-store-'));
    try {
      const store = await openStore({ kind: 'sqlite', path: join(dir, 'switchboard.db') }, silentLogger());
      try {
        const runs = await repeatRuns({ warmups: 1, repeats }, async (index) => {
          const rates = await measureRun(store.messages, `r${index}`, count);
          context.progress(`run ${index}: ${Math.round(rates.writes)} writes/s, ${Math.round(rates.findSource)} findSource/s`);
          return rates;
        });
        const per = (key: keyof RunRates, label: string) =>
          figure({ key: `${key}_per_second`, label, unit: 'ops/s' }, field(runs, (r) => r[key]));
        return {
          parameters: { operationsPerRun: count, repeats, warmups: 1, journalMode: 'wal', synchronous: 'normal' },
          figures: [
            per('writes', 'message-map writes/s (recordSent, one transaction each)'),
            per('findSource', 'lookups/s, findSource (hit)'),
            per('findTargets', 'lookups/s, findTargets (hit)'),
            per('findCounterparts', 'lookups/s, findCounterparts (hit)'),
            per('misses', 'lookups/s, findSource (miss: not a relayed message)'),
          ],
          notes: [
            `The table grows by ${count} rows per run (${(repeats + 1) * count} at the end); lookups pick rows of the current run in a scattered order.`,
            'Calls are awaited one at a time through Kysely on better-sqlite3, the way the relay makes them.',
          ],
        };
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default benchmark;
