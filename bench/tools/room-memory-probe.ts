/**
 * A probe of memory per user in one room (not a benchmark: no result file), for issue 18's
 * memory target: a hub with sam and CROWD (40) registered users, all logged in; heap snapshots
 * (the hub's `--heapsnapshot-signal=SIGPROF`) before and after the crowd joins `#lobby`, in DIR;
 * compare them with a snapshot tool (SNAPSHOTS=0: none). Also prints the memory-probe figures,
 * the gross figure as the bench computes it: (joined − a hub with no user) ÷ (crowd + sam).
 * `CROWD=100 node dist/bench/tools/room-memory-probe.js` after `npm run build`.
 */
import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { SAM_GATEWAY_NICK, startGatewayRig } from '../lib/gateway-rig.js';
import { withHub } from '../lib/gateway-slots.js';
import { CHANNEL, startRoomRig, type RoomGateway } from '../lib/room-rig.js';

const CROWD = Number(process.env.CROWD ?? 40);
const DIR = process.env.DIR ?? '/tmp/room-memory';
const SNAPSHOTS = process.env.SNAPSHOTS !== '0';
const HISTORY = { maxAgeDays: 30, maxMessagesPerRoom: 10_000, onJoin: 20, maxOnJoin: 100, maxPage: 100 };
process.env.BENCH_HUB_NODE_ARGS = `--heapsnapshot-signal=SIGPROF --diagnostic-dir=${DIR}`;

const snapshot = async (pid: number) => {
  if (!SNAPSHOTS) return;
  const before = readdirSync(DIR).length;
  process.kill(pid, 'SIGPROF');
  for (let i = 0; i < 600 && readdirSync(DIR).length === before; i++) await sleep(100);
  await sleep(3000);
};

const rig = await startGatewayRig(CROWD, { prosodyNagle: false });
try {
  const sb: RoomGateway = { name: 'switchboard', room: `${CHANNEL}@${rig.xmpp.componentDomain}`, nick: SAM_GATEWAY_NICK };
  const room = await startRoomRig(rig, [sb]);
  try {
    const users = [{ jid: `sam@${rig.xmpp.domain}`, nick: SAM_GATEWAY_NICK }, ...rig.crowd.map((_, i) => ({ jid: `bib${i}@${rig.xmpp.domain}`, nick: `gw${i}` }))];
    const context = { progress: (m: string) => process.stderr.write(`${m}\n`), quick: true, peers: {} };
    const empty = await withHub(rig, [], { loginIntervalMs: 0, history: HISTORY }, context, async (hub) => {
      await hub.ready(30_000);
      await sleep(2000);
      const memory = await hub.memory(10_000);
      await snapshot(hub.process.pid);
      return memory;
    });
    await withHub(rig, users, { loginIntervalMs: 1, history: HISTORY }, context, async (hub) => {
      await hub.ready(30_000);
      await hub.loggedIn(users.length, 120_000);
      await room.coldJoin(rig.sam, sb, SAM_GATEWAY_NICK);
      await sleep(2000);
      const a = await hub.memory(10_000);
      await snapshot(hub.process.pid);
      for (let i = 0; i < rig.crowd.length; i += 10) await Promise.all(rig.crowd.slice(i, i + 10).map((c, j) => c.joinRoom(sb.room, `gw${i + j}`, 30_000)));
      await sleep(2000);
      const b = await hub.memory(10_000);
      await snapshot(hub.process.pid);
      console.log(`gross per user (${users.length}): heap ${((b.heapUsed - empty.heapUsed) / users.length / 1024).toFixed(1)} KiB, RSS ${((b.rss - empty.rss) / users.length / 1024).toFixed(1)} KiB; logged in per user: heap ${((a.heapUsed - empty.heapUsed) / users.length / 1024).toFixed(1)} KiB`);
      console.log(`room alone per user: heap ${((b.heapUsed - a.heapUsed) / CROWD / 1024).toFixed(1)} KiB, RSS ${((b.rss - a.rss) / CROWD / 1024).toFixed(1)} KiB`);
    });
  } finally {
    await room.stop();
  }
} finally {
  await rig.stop();
}
