/**
 * Channel access control against real ngIRCd and Prosody: denied users are kicked on join
 * (IRC and XMPP, within a second), at startup, and on demand (!access verify, POST
 * /access/verify); predicates and userMayJoinRoom decide together; conflicts deny; a
 * predicate that throws denies joins but leaves people already present; where the bot lacks
 * the rights, the log says so once and /health shows it; passive mode only logs.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { xml, NS_MUC_USER, type RawIrcClient, type TestXmppClient, type XmlElement } from '../support/clients.js';
import { waitFor } from '../support/wait.js';
import { newKnobs } from './access-fixtures.js';
import { escape, joinIrc, logged, startAccessServers, WAIT_MS, type AccessServers, type RunningHub } from './access-setup.js';

const TOKEN = 'access-e2e-token-0123456789';
const BOT = 'guard';

function kickLine(channel: string, nick: string): RegExp {
  return new RegExp(`^:${BOT}!\\S+ KICK ${escape(channel)} ${nick} :`, 'i');
}

function isRemoval(room: string, nick: string): (s: XmlElement) => boolean {
  return (s) => s.is('presence') && s.attrs.from === `${room}/${nick}` && s.attrs.type === 'unavailable'
    && (s.getChild('x', NS_MUC_USER)?.getChildren('status') ?? []).some((st) => st.attrs.code === '307' || st.attrs.code === '301');
}

async function health(base: string): Promise<{ status: number; body: { status: string; modules?: { access?: { status: string; cannotRemove: Array<{ channel: string }> } } } }> {
  const response = await fetch(`${base}/health`, { signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: (await response.json()) as never };
}

/** Waits until the hub has let `nick`'s join to a channel stand (the decision is logged). */
function allowedJoin(running: RunningHub, nick: string): Promise<true> {
  return waitFor(() => (logged(running.captured, 'access allowed').some((l) => l.user === nick && l.mode === 'join') ? true : undefined),
    { timeoutMs: WAIT_MS, what: `the hub to allow ${nick}'s join` });
}

async function say(client: RawIrcClient, channel: string, text: string): Promise<void> {
  client.send(`PRIVMSG ${channel} :${text}`);
}

describe('access control on real servers', () => {
  let servers: AccessServers;
  let running: RunningHub;
  const knobs = newKnobs();
  let boss: RawIrcClient;
  let op: RawIrcClient;
  let ircMallory: RawIrcClient;
  let alice: RawIrcClient;
  let earlyMallory: TestXmppClient;
  let secureRoom: string;
  let earlyRoom: string;

  before(async () => {
    servers = await startAccessServers();
    secureRoom = servers.room('secure');
    earlyRoom = servers.room('early');
    // Before the hub: #noops belongs to "op" (the bot will not be a channel operator there),
    // and a denied IRC user is already in it.
    op = await servers.ircUser('op');
    await joinIrc(op, '#noops');
    ircMallory = await servers.ircUser('mallory');
    await joinIrc(ircMallory, '#noops');
    // The "early" room belongs to owner, who makes the bot an admin; a denied user is already in it.
    const owner = await servers.xmppUser('owner');
    await owner.joinRoom(earlyRoom, 'owner', WAIT_MS);
    await owner.xmpp.iqCaller.request(
      xml('iq', { type: 'set', to: earlyRoom }, xml('query', { xmlns: 'http://jabber.org/protocol/muc#admin' }, xml('item', { jid: `bridgebot@${servers.xmpp.domain}`, affiliation: 'admin' }))),
      WAIT_MS,
    );
    earlyMallory = await servers.xmppUser('mallory');
    await earlyMallory.joinRoom(earlyRoom, 'mallory', WAIT_MS);

    running = await servers.startHub({
      ircNick: BOT,
      knobs,
      bridges: [{ name: 'secure', channels: [{ network: 'irc', id: '#secure' }, { network: 'jabber', id: secureRoom }], options: {} }],
      accessConfig: {
        channels: ['irc:#secure', 'irc:#noops', `jabber:${secureRoom}`, `jabber:${earlyRoom}`],
        predicates: [
          { name: 'banned', deny: ['irc:mallory*', 'irc:carol', `jabber:mallory@${servers.xmpp.domain}`] },
          { module: 'access-knobs' },
        ],
        admins: ['irc:boss!*@*'],
        http: { token: TOKEN },
        confirmMs: 1500,
      },
    });
    boss = await servers.ircUser('boss');
    await joinIrc(boss, '#secure');
    await joinIrc(boss, '#noops');
    alice = await servers.ircUser('alice');
    await joinIrc(alice, '#secure');
  });

  after(() => servers?.stop());

  it('once every network is ready, removes a denied user already in an XMPP room', async () => {
    await earlyMallory.waitForStanza(isRemoval(earlyRoom, 'mallory'), WAIT_MS);
  });

  it('a denied user joining a secured IRC channel is kicked within a second; others stay', async () => {
    const mallory3 = await servers.ircUser('mallory3');
    await joinIrc(mallory3, '#secure');
    const joinedAt = Date.now();
    const line = await mallory3.waitForLine(kickLine('#secure', 'mallory3'), WAIT_MS);
    const elapsed = Date.now() - joinedAt;
    assert.ok(elapsed < 1000, `kicked after ${elapsed} ms`);
    assert.match(line, /:not allowed in this channel$/);
    assert.equal(alice.lines.some((l) => kickLine('#secure', 'alice').test(l)), false);
    const denial = logged(running.captured, 'access denied').find((l) => l.user === 'mallory3');
    assert.deepEqual(denial?.deniedBy, ['banned']);
  });

  it('a denied user joining a secured XMPP room is kicked within a second', async () => {
    const mallory = await servers.xmppUser('mallory-x');
    // mallory-x is not on the deny list: the knobs predicate denies the nick.
    knobs.deny.add('mx');
    await mallory.joinRoom(secureRoom, 'mx', WAIT_MS);
    const joinedAt = Date.now();
    await mallory.waitForStanza(isRemoval(secureRoom, 'mx'), WAIT_MS);
    const elapsed = Date.now() - joinedAt;
    assert.ok(elapsed < 1000, `kicked after ${elapsed} ms`);
  });

  it('userMayJoinRoom refusals remove the user too, in bridged and unbridged secured channels', async () => {
    knobs.refuseJoin.add('eve');
    const eve = await servers.ircUser('eve');
    await joinIrc(eve, '#secure');
    await eve.waitForLine(kickLine('#secure', 'eve'), WAIT_MS);
    const outcome = logged(running.captured, 'access denied').find((l) => l.user === 'eve');
    assert.deepEqual(outcome?.deniedBy, ['userMayJoinRoom']);
  });

  it('conflicting predicates deny (the knobs predicate allows carol, the list denies her)', async () => {
    knobs.allow.add('carol');
    const carol = await servers.ircUser('carol');
    await joinIrc(carol, '#secure');
    await carol.waitForLine(kickLine('#secure', 'carol'), WAIT_MS);
    const outcome = logged(running.captured, 'access denied').find((l) => l.user === 'carol');
    assert.deepEqual([outcome?.deniedBy, outcome?.allowedBy], [['banned'], ['access-knobs']]);
  });

  it('a predicate that throws: a new join is denied, someone already present stays; both logged', async () => {
    knobs.throwFor.add('trouble');
    const trouble = await servers.ircUser('trouble');
    await joinIrc(trouble, '#secure');
    await trouble.waitForLine(kickLine('#secure', 'trouble'), WAIT_MS);
    assert.ok(logged(running.captured, 'access predicate failed').some((l) => l.treatedAs === 'denied' && String(l.first).includes('trouble')));

    const steady = await servers.ircUser('steady');
    await joinIrc(steady, '#secure');
    await allowedJoin(running, 'steady');
    knobs.throwFor.add('steady');
    await say(boss, '#secure', '!access verify');
    const reply = await boss.waitForLine(/NOTICE #secure :access: checked/, WAIT_MS);
    assert.match(reply, /nobody denied/);
    assert.ok(logged(running.captured, 'access predicate failed').some((l) => l.treatedAs === 'undecided' && String(l.first).includes('steady')));
    assert.equal(steady.lines.some((l) => kickLine('#secure', 'steady').test(l)), false);
  });

  it('!access verify: refused for non-admins, and removes whoever is now denied', async () => {
    const dave = await servers.ircUser('dave');
    await joinIrc(dave, '#secure');
    await allowedJoin(running, 'dave');
    knobs.deny.add('dave');
    await say(dave, '#secure', '!access verify');
    await dave.waitForLine(/NOTICE #secure :dave: only access admins may use !access/, WAIT_MS);
    assert.equal(dave.lines.some((l) => kickLine('#secure', 'dave').test(l)), false);
    await say(boss, '#secure', '!access verify');
    await dave.waitForLine(kickLine('#secure', 'dave'), WAIT_MS);
    await boss.waitForLine(/NOTICE #secure :access: checked \d+; denied 1: dave \(removing\)/, WAIT_MS);
  });

  it('POST /access/verify needs the bearer token, then verifies and reports removals', async () => {
    const gina = await servers.ircUser('gina');
    await joinIrc(gina, '#secure');
    await allowedJoin(running, 'gina');
    knobs.deny.add('gina');
    const post = (headers: Record<string, string>, body: unknown) => fetch(`${running.base}/access/verify`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(WAIT_MS),
    });
    assert.equal((await post({}, {})).status, 401);
    assert.equal((await post({ authorization: 'Bearer wrong-token-0123456789' }, {})).status, 401);
    assert.equal((await post({ authorization: `Bearer ${TOKEN}` }, { channels: ['irc:#elsewhere'] })).status, 400);
    const response = await post({ authorization: `Bearer ${TOKEN}` }, { channels: ['irc:#secure'] });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { passive: boolean; denied: Array<{ user: string; removed: boolean; deniedBy: string[] }> };
    assert.deepEqual(body.denied.map((d) => [d.user, d.removed, d.deniedBy]), [['gina', true, ['access-knobs']]]);
    await gina.waitForLine(kickLine('#secure', 'gina'), WAIT_MS);
    assert.equal(running.captured.text().includes(TOKEN), false);
  });

  it('without the rights to remove, says so once in the log and on /health, keeps verifying, and recovers', async () => {
    const degraded = await waitFor(async () => {
      const report = await health(running.base);
      return report.body.modules?.access?.cannotRemove.some((p) => p.channel === 'irc:#noops') ? report : undefined;
    }, { timeoutMs: WAIT_MS, what: '/health to report that the bot cannot remove people from #noops' });
    assert.deepEqual([degraded.status, degraded.body.status, degraded.body.modules?.access?.status], [503, 'degraded', 'degraded']);

    const mallory2 = await servers.ircUser('mallory2');
    await joinIrc(mallory2, '#noops');
    await waitFor(() => (running.captured.lines.some((l) => l.user === 'mallory2' && String(l.msg).startsWith('could not remove')) ? true : undefined),
      { timeoutMs: WAIT_MS, what: 'the failed removal of mallory2' });
    assert.equal(logged(running.captured, 'the bot cannot remove denied users from this channel; verification goes on (see /health)').filter((l) => l.channel === '#noops').length, 1);

    op.send(`MODE #noops +o ${BOT}`);
    await op.waitForLine(new RegExp(`MODE #noops \\+o ${BOT}`, 'i'), WAIT_MS);
    await say(boss, '#noops', '!access verify');
    await ircMallory.waitForLine(kickLine('#noops', 'mallory'), WAIT_MS);
    await mallory2.waitForLine(kickLine('#noops', 'mallory2'), WAIT_MS);
    await waitFor(async () => ((await health(running.base)).body.modules?.access?.status === 'ok' ? true : undefined),
      { timeoutMs: WAIT_MS, what: '/health to show access ok again' });
  });

  it('passive mode logs each decision and removes nobody', async () => {
    const passive = await servers.startHub({
      ircNick: 'watcher',
      knobs: newKnobs(),
      accessConfig: { channels: ['irc:#watched'], predicates: [{ deny: ['irc:mallory*'] }], passive: true },
    });
    const mallory4 = await servers.ircUser('mallory4');
    await joinIrc(mallory4, '#watched');
    const line = await waitFor(() => logged(passive.captured, 'access denied (passive: not removing)').find((l) => l.user === 'mallory4'),
      { timeoutMs: WAIT_MS, what: 'the passive denial of mallory4' });
    assert.equal(line.channel, '#watched');
    // A kick would have been written right after the decision, before the answer to NAMES.
    mallory4.send('NAMES #watched');
    const names = await mallory4.waitForLine(/ 353 mallory4 . #watched :/, WAIT_MS);
    assert.match(names, /\bmallory4\b/);
    assert.equal(mallory4.lines.some((l) => / KICK #watched /i.test(l)), false);
    // Every decision is logged in passive mode, the allowed ones too; the bot itself is never checked.
    const friend = await servers.ircUser('friend4');
    await joinIrc(friend, '#watched');
    await waitFor(() => logged(passive.captured, 'access allowed').find((l) => l.user === 'friend4'),
      { timeoutMs: WAIT_MS, what: 'the passive allow of friend4' });
    assert.equal([...logged(passive.captured, 'access allowed'), ...logged(passive.captured, 'access denied (passive: not removing)')]
      .some((l) => l.user === 'watcher'), false, 'the bot is not checked');
    await passive.hub.stop();
  });
});
