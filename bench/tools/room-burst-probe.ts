/**
 * A quick probe of the IRC→XMPP room burst (not a benchmark: no result file), for profiling
 * issue 18's burst target: one Switchboard hub with history on and sam in `#lobby`, then
 * BURSTS rounds of: the floor bursts (alice → carol on ngIRCd alone, not in #lobby; bob → dave on
 * Prosody alone) and the burst through the gateway, each with the hub's and this process's CPU.
 *
 * `node dist/bench/tools/room-burst-probe.js` after `npm run build`; BENCH_PROFILE_DIR=<dir> for
 * the hub's CPU profile, BURST (1000), BURSTS (5), CROWD (0: more people logged in, not in the room).
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { SAM_GATEWAY_NICK, startGatewayRig } from '../lib/gateway-rig.js';
import { withHub } from '../lib/gateway-slots.js';
import { processCpuNs } from '../lib/process-cpu.js';
import { CHANNEL, startRoomRig, type RoomGateway } from '../lib/room-rig.js';
import { burstRun, type Path } from '../lib/traffic.js';

const BURST = Number(process.env.BURST ?? 1000);
const BURSTS = Number(process.env.BURSTS ?? 5);
/** More people registered and logged in (not in the room), as in the bench's hub. */
const CROWD = Number(process.env.CROWD ?? 0);
const HISTORY = { maxAgeDays: 30, maxMessagesPerRoom: 10_000, onJoin: 20, maxOnJoin: 100, maxPage: 100 };

const rig = await startGatewayRig(CROWD, { prosodyNagle: false });
try {
  const sb: RoomGateway = { name: 'switchboard', room: `${CHANNEL}@${rig.xmpp.componentDomain}`, nick: SAM_GATEWAY_NICK };
  const room = await startRoomRig(rig, [sb]);
  try {
    const context = { progress: (m: string) => process.stderr.write(`${m}\n`), quick: true, peers: {}, ...(process.env.BENCH_PROFILE_DIR ? { profileDir: process.env.BENCH_PROFILE_DIR } : {}) };
    const users = [{ jid: `sam@${rig.xmpp.domain}`, nick: SAM_GATEWAY_NICK }, ...rig.crowd.map((_, i) => ({ jid: `bib${i}@${rig.xmpp.domain}`, nick: `gw${i}` }))];
    await withHub(rig, users, { loginIntervalMs: 1, history: HISTORY }, context, async (hub) => {
      await hub.ready(30_000);
      await hub.loggedIn(users.length, 120_000);
      await room.coldJoin(rig.sam, sb, SAM_GATEWAY_NICK);
      const pid = hub.process.pid;
      const measure = async (label: string, path: Path) => {
        await sleep(500);
        const hubCpu = processCpuNs(pid);
        const prosodyCpu = processCpuNs(rig.xmpp.pid);
        const ircdCpu = processCpuNs(rig.irc.pid);
        const own = process.cpuUsage();
        const started = performance.now();
        const r = await burstRun(rig.tracker, path, BURST, 3000, 60_000);
        const wall = performance.now() - started - 3000 * (r.delivered < r.sent ? 1 : 0);
        const used = process.cpuUsage(own);
        const hubMs = (processCpuNs(pid) - hubCpu) / 1e6;
        const prosodyMs = (processCpuNs(rig.xmpp.pid) - prosodyCpu) / 1e6;
        const ircdMs = (processCpuNs(rig.irc.pid) - ircdCpu) / 1e6;
        console.log(`${label.padEnd(10)} ${r.messagesPerSecond.toFixed(0).padStart(6)} msg/s ${r.delivered}/${r.sent} ooo ${r.outOfOrder} in ${r.durationMs.toFixed(0)} ms; hub CPU ${hubMs.toFixed(0)} ms; Prosody ${prosodyMs.toFixed(0)} ms; ngIRCd ${ircdMs.toFixed(0)} ms; bench CPU ${((used.user + used.system) / 1000).toFixed(0)} ms (${wall.toFixed(0)} ms wall)`);
      };
      for (let i = 0; i < BURSTS; i++) {
        await measure('irc floor', rig.ircToIrc);
        await measure('xmpp floor', rig.xmppToXmpp);
        await measure('gateway', room.ircToXmpp(sb));
      }
    });
  } finally {
    await room.stop();
  }
} finally {
  await rig.stop();
}
