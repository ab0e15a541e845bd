/**
 * What one gateway user's IRC connection costs on its own, to subtract from the gateway's
 * memory per logged-in user: a child process opens `n` connections with the gateway's own
 * connection code (`connectIrc` of src/gateway/irc/connect.ts: irc-framework's Client with the
 * same options, the same server password login), registered, and nothing else (no session, no
 * flood queue, no contacts), and reports the growth of its V8 heap (after full GCs) and RSS
 * divided by `n`. Run as a script it is that child: `node irc-connection-cost.js <host> <port> <n>`
 * (the server password in BENCH_IRC_PASSWORD).
 */
import { execFile } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Client } from 'irc-framework';
import { ircLegacyConfigSchema } from '../../src/gateway/irc/config.js';
import { connectIrc } from '../../src/gateway/irc/connect.js';

const run = promisify(execFile);
const SELF = fileURLToPath(import.meta.url);

/** Growth per connection, in bytes. */
export interface ConnectionCost {
  readonly heapBytes: number;
  readonly rssBytes: number;
}

/** Measures in a fresh child process (its own heap, nothing else loaded after the baseline). */
export async function measureIrcConnectionCost(host: string, port: number, password: string, n: number, timeoutMs: number): Promise<ConnectionCost> {
  const { stdout } = await run(process.execPath, [SELF, host, String(port), String(n)], { timeout: timeoutMs, env: { ...process.env, BENCH_IRC_PASSWORD: password } });
  const cost = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Partial<ConnectionCost>;
  if (typeof cost.heapBytes !== 'number' || typeof cost.rssBytes !== 'number') throw new Error(`irc-connection-cost: unexpected output ${stdout.slice(0, 200)}`);
  return { heapBytes: cost.heapBytes, rssBytes: cost.rssBytes };
}

async function child(host: string, port: number, n: number): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const config = ircLegacyConfigSchema.parse({ protocol: 'irc', host, port, tls: false });
  const login = (i: number) => ({ nick: `cost${i}`, auth: 'server-password' as const, password: process.env.BENCH_IRC_PASSWORD });
  // Warm up: load and JIT the connection code once, so the baseline includes the code.
  const warm = await connectIrc(config, login(n), AbortSignal.timeout(20_000));
  warm.quit('warm');
  await new Promise((resolve) => setTimeout(resolve, 300));
  warm.connection.end(undefined, true);
  gc();
  gc();
  const before = process.memoryUsage();
  const clients: Client[] = [];
  // 10 at a time, each retried: what is measured is the connections, not how fast they open.
  const open = async (i: number): Promise<Client> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await connectIrc(config, login(i), AbortSignal.timeout(30_000));
      } catch (error) {
        if (attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  };
  for (let i = 0; i < n; i += 10) {
    clients.push(...(await Promise.all(Array.from({ length: Math.min(10, n - i) }, (_, j) => open(i + j)))));
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  gc();
  gc();
  const after = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ heapBytes: (after.heapUsed - before.heapUsed) / n, rssBytes: (after.rss - before.rss) / n })}\n`);
  for (const client of clients) client.connection.end(undefined, true);
  process.exit(0);
}

if (process.argv[1] === SELF) {
  const [host = '', port = '', n = ''] = process.argv.slice(2);
  child(host, Number(port), Number(n)).catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
