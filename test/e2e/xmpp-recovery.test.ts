/**
 * XMPP adapter against a real Prosody: nick conflicts, password-protected rooms, moderation by
 * the bot, the bot being kicked (rejoins) and banned (stays out), and a server restart (the
 * adapter reports the loss; the test, playing the hub, reconnects and the rooms are rejoined).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EventInput } from '../../src/core/event.js';
import type { ChannelRef, UserRef } from '../../src/core/refs.js';
import { startProsody, type XmppServer } from '../support/servers.js';
import { connectXmppClient, xml, NS_MUC_USER, type TestXmppClient, type XmlElement } from '../support/clients.js';
import { captureLog } from '../support/log-capture.js';
import { waitFor } from '../support/wait.js';
import { createTestNetwork, NETWORK, WAIT_MS, type TestNetwork } from './xmpp-test-network.js';

const hasStatus = (s: XmlElement, code: string): boolean =>
  s.getChild('x', NS_MUC_USER)?.getChildren('status').some((c) => c.attrs.code === code) ?? false;

/** Makes `room` password-protected (alice must own it). */
async function protectRoom(owner: TestXmppClient, room: string, password: string): Promise<void> {
  const field = (name: string, value: string) => xml('field', { var: name }, xml('value', {}, value));
  await owner.xmpp.iqCaller.request(
    xml(
      'iq',
      { type: 'set', to: room },
      xml(
        'query',
        { xmlns: 'http://jabber.org/protocol/muc#owner' },
        xml(
          'x',
          { xmlns: 'jabber:x:data', type: 'submit' },
          field('FORM_TYPE', 'http://jabber.org/protocol/muc#roomconfig'),
          field('muc#roomconfig_passwordprotectedroom', '1'),
          field('muc#roomconfig_roomsecret', password),
        ),
      ),
    ),
    WAIT_MS,
  );
}

void describe('XMPP adapter: rooms, moderation and recovery', () => {
  let server: XmppServer;
  let alice: TestXmppClient;
  let bot: TestNetwork;
  const captured = captureLog('info');
  const rooms = { ops: '', hall: '', busy: '', secret: '', locked: '', added: '', left: '' };
  const channel = (id: string): ChannelRef => ({ network: NETWORK, id });

  before(async () => {
    server = await startProsody({ users: [['bot', 'botpass'], ['alice', 'alicepass']] });
    for (const name of Object.keys(rooms) as Array<keyof typeof rooms>) rooms[name] = `${name}@${server.mucDomain}`;
    alice = await connectXmppClient({ service: `xmpp://${server.host}:${server.port}`, domain: server.domain, username: 'alice', password: 'alicepass' });
    await alice.joinRoom(rooms.hall, 'Alice'); // alice owns hall
    await alice.joinRoom(rooms.busy, 'switchbot'); // takes the bot's nick
    await alice.joinRoom(rooms.secret, 'Alice');
    await protectRoom(alice, rooms.secret, 's3cret');
    await alice.joinRoom(rooms.locked, 'Alice');
    await protectRoom(alice, rooms.locked, 'unknown');
    bot = createTestNetwork(server, {
      user: 'bot',
      password: 'botpass',
      rooms: [rooms.ops, rooms.hall, rooms.busy, rooms.secret, rooms.locked, rooms.left],
      options: { nick: 'switchbot', rejoinDelayMs: 200, roomPasswords: { [rooms.secret]: 's3cret' } },
      log: captured.log,
    });
    await bot.network.connect(); // bot creates (and owns) ops
    await alice.joinRoom(rooms.ops, 'Alice');
  });

  after(async () => {
    await bot?.network.disconnect({ deadlineMs: 1000 });
    await alice?.close();
    await server?.stop();
  });

  const botNicks = (room: string): string[] => bot.network.members(channel(room)).filter((u) => u.account === 'bot@localhost').map((u) => u.nick ?? '');

  void it('takes an alternative nick when its own is taken, and joins password-protected rooms', () => {
    assert.deepEqual(botNicks(rooms.busy), ['switchbot_1']);
    assert.deepEqual(bot.network.botUser(channel(rooms.busy)), {
      network: NETWORK, id: `${rooms.busy}/switchbot_1`, nick: 'switchbot_1', account: 'bot@localhost',
    });
    assert.equal(bot.network.botUser(channel(rooms.locked)), undefined);
    assert.deepEqual(botNicks(rooms.secret), ['switchbot']);
  });

  void it('a room it cannot join is logged once and does not stop the others', () => {
    assert.deepEqual(bot.network.members(channel(rooms.locked)), []);
    const lines = captured.lines.filter((l) => String(l.msg).includes(`cannot join ${rooms.locked}`));
    assert.equal(lines.length, 1, captured.text());
    assert.ok(String(lines[0]?.msg).includes('password'));
    assert.ok(bot.events.some((e) => e.command === 'ENDBURST'));
  });

  void it('kicks and bans as a moderator', async () => {
    const aliceInOps = await waitFor(() => bot.network.members(channel(rooms.ops)).find((u) => u.nick === 'Alice'), { timeoutMs: WAIT_MS, what: 'alice in ops' });
    assert.equal(aliceInOps.account, 'alice@localhost');
    await bot.network.moderation?.kick(channel(rooms.ops), aliceInOps, 'be nice');
    const kicked = await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === `${rooms.ops}/Alice` && hasStatus(s, '307'), WAIT_MS);
    assert.equal(kicked.getChild('x', NS_MUC_USER)?.getChild('item')?.getChildText('reason'), 'be nice');
    const kick = await bot.waitForEvent<EventInput<'KICK'>>((e) => e.command === 'KICK', 'the KICK of alice');
    assert.deepEqual([kick.args.target.nick, kick.args.reason, kick.args.ban], ['Alice', 'be nice', false]);

    await alice.joinRoom(rooms.ops, 'Alice');
    const again = await waitFor(() => bot.network.members(channel(rooms.ops)).find((u) => u.nick === 'Alice'), { timeoutMs: WAIT_MS, what: 'alice back in ops' });
    await bot.network.moderation?.ban(channel(rooms.ops), again, 'enough');
    await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === `${rooms.ops}/Alice` && hasStatus(s, '301'), WAIT_MS);
    const ban = await bot.waitForEvent<EventInput<'KICK'>>((e) => e.command === 'KICK', 'the ban of alice');
    assert.equal(ban.args.ban, true);

    const stranger: UserRef = { network: NETWORK, id: `${rooms.hall}/Alice`, nick: 'Alice' };
    await assert.rejects(bot.network.moderation?.kick(channel(rooms.hall), stranger) ?? Promise.resolve(), /cannot kick Alice/);
  });

  void it('rejoins after being kicked, and stays out after a ban', async () => {
    const occupant = `${rooms.hall}/switchbot`;
    const adminSet = (item: XmlElement) =>
      alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: rooms.hall }, xml('query', { xmlns: 'http://jabber.org/protocol/muc#admin' }, item)), WAIT_MS);
    await adminSet(xml('item', { nick: 'switchbot', role: 'none' }, xml('reason', {}, 'out')));
    const kick = await bot.waitForEvent<EventInput<'KICK'>>((e) => e.command === 'KICK' && (e.args as { channel: ChannelRef }).channel.id === rooms.hall, 'the bot’s KICK');
    assert.deepEqual([kick.args.target.nick, kick.args.reason, kick.args.ban, kick.args.by?.nick], ['switchbot', 'out', false, 'Alice']);
    // Back after rejoinDelayMs: alice sees the bot's presence again.
    await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === occupant && s.attrs.type !== 'unavailable', WAIT_MS);
    await waitFor(() => (botNicks(rooms.hall).length > 0 ? true : undefined), { timeoutMs: WAIT_MS, what: 'the bot back in hall' });

    await adminSet(xml('item', { jid: 'bot@localhost', affiliation: 'outcast' }, xml('reason', {}, 'gone')));
    const ban = await bot.waitForEvent<EventInput<'KICK'>>((e) => e.command === 'KICK' && (e.args as { channel: ChannelRef }).channel.id === rooms.hall, 'the bot’s ban');
    assert.equal(ban.args.ban, true);
    const logged = await waitFor(() => captured.lines.find((l) => String(l.msg).includes('banned from a room')), { timeoutMs: WAIT_MS, what: 'the ban log line' });
    assert.equal(logged.room, rooms.hall);
    assert.deepEqual(bot.network.members(channel(rooms.hall)), []);
  });

  void it('joins and parts rooms at run time', async () => {
    await alice.joinRoom(rooms.added, 'Alice');
    await bot.network.join(channel(rooms.added));
    await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === `${rooms.added}/switchbot`, WAIT_MS);
    assert.deepEqual(botNicks(rooms.added), ['switchbot']);

    await alice.joinRoom(rooms.left, 'Alice');
    await bot.network.part(channel(rooms.left), 'see you');
    const gone = await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === `${rooms.left}/switchbot` && s.attrs.type === 'unavailable', WAIT_MS);
    assert.equal(gone.getChildText('status'), 'see you');
    assert.deepEqual(bot.network.members(channel(rooms.left)), []);
  });

  void it('a destroyed room is left and, after a delay, created again by rejoining', async () => {
    await alice.xmpp.iqCaller.request(
      xml('iq', { type: 'set', to: rooms.secret }, xml('query', { xmlns: 'http://jabber.org/protocol/muc#owner' }, xml('destroy', {}, xml('reason', {}, 'closing')))),
      WAIT_MS,
    );
    const inSecret = (e: { args: unknown }) => (e.args as { channel?: ChannelRef }).channel?.id === rooms.secret;
    const part = await bot.waitForEvent<EventInput<'PART'>>((e) => e.command === 'PART' && inSecret(e), 'the bot leaving the destroyed room');
    assert.deepEqual([part.args.user.nick, part.args.reason], ['switchbot', 'destroyed']);
    const partIndex = bot.events.indexOf(part);
    const join = await bot.waitForEvent<EventInput<'JOIN'>>((e) => e.command === 'JOIN' && inSecret(e) && bot.events.indexOf(e) > partIndex, 'the rejoin');
    assert.deepEqual(join.args.users.map((u) => u.nick), ['switchbot']);
  });

  void it('reports a server restart as a lost connection and rejoins every room on connect()', async () => {
    await server.restart();
    await waitFor(() => bot.losses[0], { timeoutMs: WAIT_MS, what: 'connectionLost' });
    assert.equal(bot.losses[0]?.wasSuccessful, true);
    assert.notEqual(bot.losses[0]?.fatal, true);
    await assert.rejects(bot.network.send({ target: { channel: channel(rooms.ops) }, kind: 'message', body: [] }), /not connected/);

    const before = bot.events.length;
    await bot.network.connect(); // the hub's reconnect
    const after = bot.events.slice(before);
    const joined = after.filter((e) => e.command === 'JOIN').map((e) => (e.args as { channel: ChannelRef }).channel.id).sort();
    // Rooms are not persistent: after the restart they are gone and the bot recreates them
    // (`locked` too, now without a password), with `added` (joined at run time); `hall`, where it
    // is banned, and `left` (parted, though the hub still lists it) are not tried again.
    assert.deepEqual(joined, [rooms.added, rooms.busy, rooms.locked, rooms.ops, rooms.secret].sort());
    assert.equal(after.at(-1)?.command, 'ENDBURST');

    const carol = await connectXmppClient({ service: `xmpp://${server.host}:${server.port}`, domain: server.domain, username: 'alice', password: 'alicepass' });
    try {
      await carol.joinRoom(rooms.ops, 'Carol');
      await carol.waitForStanza((s) => s.is('presence') && s.attrs.from === `${rooms.ops}/switchbot`, WAIT_MS);
      await bot.network.send({ target: { channel: channel(rooms.ops) }, kind: 'message', body: [{ type: 'text', text: 'back' }] });
      const msg = await carol.waitForStanza((s) => s.is('message') && s.attrs.from === `${rooms.ops}/switchbot`, WAIT_MS);
      assert.equal(msg.getChildText('body'), 'back');
    } finally {
      await carol.close();
    }
  });

  void it('every event it emitted passes the catalog validation', () => {
    assert.ok(bot.events.length > 0);
    assert.deepEqual(bot.invalid, []);
  });
});
