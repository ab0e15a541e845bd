/**
 * A netsplit larger than the relay's queue bound, over a server link (issue 15, bad input): two
 * real ngIRCd linked through the hub, a bare RFC 2813 pseudo-server (bench/lib/load-server.ts)
 * brings 150 people into east's #lobby (in two halves), the hub shows each as a virtual client on west, then the
 * pseudo-server leaves. Every virtual client must quit on west — none left behind — with the
 * relay's queue bounded at 100 jobs per target (a quit notice and a leave job per person), no
 * notice from the service client for what the virtual clients show, and the overflow logged once.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { startLinkRig } from '../../bench/lib/link-rig.js';
import { linkLoadServer } from '../../bench/lib/load-server.js';
import { waitFor } from '../support/wait.js';

const WAIT_MS = 30_000;
const PEOPLE = 150;
const QUEUE_BOUND = 100;

it(`a split of ${PEOPLE} people behind a link, with the queue bound at ${QUEUE_BOUND}: every virtual client quits`, { timeout: 120_000 }, async (t) => {
  const rig = await startLinkRig({ context: { progress: () => undefined, quick: true, peers: {} }, west: 'ngircd', maxVirtualClients: PEOPLE + 100, maxQueuePerTarget: QUEUE_BOUND });
  t.after(() => rig.stop());
  const joined = new Set<string>();
  const quit = new Set<string>();
  const notices: string[] = [];
  rig.alice.onLine((line) => {
    const person = /^:([pr]\d+)\S*!\S+ (JOIN|QUIT)/.exec(line);
    if (person?.[2] === 'JOIN') joined.add(person[1]!);
    else if (person?.[2] === 'QUIT') quit.add(person[1]!);
    else if (/ NOTICE #lobby :.*[pr]\d+@east (quit|left)/.test(line)) notices.push(line);
  });
  const load = await linkLoadServer(rig.east.host, rig.east.port, rig.loadBlock, WAIT_MS);
  t.after(() => load.close());
  // In two halves, each within the bound: their join notices all fit in the queue.
  for (const [prefix, total] of [['p', PEOPLE / 2], ['r', PEOPLE]] as const) {
    load.introduce(prefix, PEOPLE / 2, '#lobby', 'live');
    await waitFor(() => (joined.size === total ? true : undefined), { timeoutMs: WAIT_MS, what: `${total} virtual clients joining on west (${joined.size} so far)` });
  }

  await load.close();
  await waitFor(() => (quit.size === PEOPLE ? true : undefined), { timeoutMs: WAIT_MS, what: `${PEOPLE} virtual clients quitting on west (${quit.size} so far)` });
  // NAMES agrees: nobody of the split side is left in west's #lobby.
  const names: string[] = [];
  rig.alice.onLine((line) => {
    if (/ 353 alice \S+ #lobby :/.test(line)) names.push(...line.slice(line.lastIndexOf(':') + 1).split(' '));
  });
  rig.alice.send('NAMES #lobby');
  await waitFor(() => (names.length > 0 ? true : undefined), { timeoutMs: WAIT_MS, what: 'NAMES #lobby' });
  assert.deepEqual(names.filter((n) => /^[@+]?[pr]\d+/.test(n)), []);
  assert.deepEqual(notices, [], 'the departures were shown by the virtual clients, not as notices');
  const overflows = rig.hub.output().split('\n').filter((l) => l.includes('relay queue full'));
  assert.ok(overflows.length <= 1, `the overflow is logged once (${overflows.length})`);
});
