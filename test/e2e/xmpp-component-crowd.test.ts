/**
 * Many people of another network speaking in one room through an XMPP component at once (real
 * Prosody and ejabberd, an independent client in the room): every one joins as an occupant of their own and
 * their message arrives from them, none lost or doubled. 200 by default (`PEOPLE=500` for the
 * issue's figure, about 15 s here): the room sends every puppet every presence and message, so
 * the component receives n² stanzas and the time grows with the square of the crowd.
 */
import { it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../src/core/log.js';
import { XmppComponentNetwork } from '../../src/networks/xmpp-component/adapter.js';
import { xmppComponentConfigSchema } from '../../src/networks/xmpp-component/config.js';
import { connectXmppClient } from '../support/clients.js';
import { MemoryStore } from '../support/memory-store.js';
import { startXmppServer, XMPP_SERVERS, xmppServerLabel, type XmppServerKind } from '../support/servers.js';
import { waitFor } from '../support/wait.js';

const PEOPLE = Number(process.env.PEOPLE ?? 200);
const WAIT_MS = Number(process.env.WAIT_MS ?? 60_000);

for (const kind of XMPP_SERVERS) {
  it(`${xmppServerLabel(kind)}: ${PEOPLE} puppets join one room at once, each message from its own occupant`, (t) => crowd(t, kind));
}

async function crowd(t: TestContext, kind: XmppServerKind): Promise<void> {
  const xmpp = await startXmppServer(kind, { users: [['bob', 'pw']] });
  t.after(() => xmpp.stop());
  const room = `crowd@${xmpp.mucDomain}`;
  const bob = await connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: 'bob', password: 'pw' });
  t.after(() => bob.close());
  await bob.joinRoom(room, 'bob', 10_000);

  const channel = { network: 'jabber', id: room };
  const config = xmppComponentConfigSchema.parse({ domain: xmpp.componentDomain, host: xmpp.host, port: xmpp.componentPort, password: xmpp.componentSecret });
  const network = new XmppComponentNetwork({
    name: 'jabber', log: silentLogger(), store: new MemoryStore(), wantedChannels: () => [channel], emit: () => undefined, connectionLost: () => undefined,
  }, config);
  t.after(() => network.disconnect({ deadlineMs: 5000 }));
  await network.connect();

  const sends = Array.from({ length: PEOPLE }, (_, i) => network.send({
    target: { channel }, kind: 'message', body: [{ type: 'text', text: `hello ${i}` }],
    asUser: { network: 'irc', id: `user${i}`, nick: `user${i}` },
  }));
  const results = await Promise.all(sends);
  await Promise.all(results.map((r) => r.confirmed));

  // Each message once: from its own occupant, or (a room too slow to take a puppet in within
  // joinTimeoutMs) through the bot, named.
  const received = (): { own: Map<string, string[]>; named: string[] } => {
    const own = new Map<string, string[]>();
    const named: string[] = [];
    for (const s of bob.stanzas) {
      if (!s.is('message') || s.attrs.type !== 'groupchat') continue;
      const nick = String(s.attrs.from).split('/')[1] ?? '';
      const body = s.getChildText('body') ?? '';
      if (nick.startsWith('user')) own.set(nick, [...(own.get(nick) ?? []), body]);
      else if (nick === 'switchboard' && body.startsWith('<user')) named.push(body);
    }
    return { own, named };
  };
  const seen = await waitFor(() => { const r = received(); return r.own.size + r.named.length >= PEOPLE ? r : undefined; },
    { timeoutMs: WAIT_MS, what: `messages from ${PEOPLE} people` });
  t.diagnostic(`${PEOPLE} people: ${seen.own.size} as occupants of their own, ${seen.named.length} through the bot`);
  for (let i = 0; i < PEOPLE; i++) {
    const own = seen.own.get(`user${i}`) ?? [];
    const named = seen.named.filter((b) => b === `<user${i}> hello ${i}`);
    assert.equal(own.length + named.length, 1, `user${i}`);
    if (own.length === 1) assert.equal(own[0], `hello ${i}`);
  }
  assert.equal(seen.own.size, PEOPLE, 'every one as an occupant of their own');
}
