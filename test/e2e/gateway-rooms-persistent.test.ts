/**
 * Persistent rooms and stored channel keys (docs/gateway.md "Group chats", ADR 0010 "Room
 * configuration, voice, persistent rooms") on Prosody and ngIRCd: with the `keepRooms`
 * preference on, alice's last device leaving #lobby keeps the channel joined on IRC, what carol
 * says meanwhile is in the history of her next join, and the room is joined again after a restart
 * with no device in it; `leave #lobby` parts for good. A keyed channel (+k) joined with the room
 * password is joined again after a restart with its key, which the database holds only sealed;
 * the ad-hoc command "Leave a room" leaves it for good.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineModule } from '../../src/modules/public.js';
import { startNgircd, startXmppServer } from '../support/servers.js';
import { connectXmppClient, NS_MUC, NS_MUC_USER, xml, type XmlElement } from '../support/clients.js';
import { makeTempDir } from '../support/switchboard-process.js';
import { startGatewayHub, storedRooms } from './gateway-hub.js';
import { adhoc, NS_DATA } from './gateway-steps-setup.js';
import { ircPeopleIn } from './gateway-irc-channel.js';

const WAIT_MS = 15_000;
const NS_DELAY = 'urn:xmpp:delay';
const KEY = 'v4ult-k3y';

const noModule = defineModule({ name: 'no-callbacks', setup: () => undefined });

function isSelf(s: XmlElement): boolean {
  return (s.getChild('x', NS_MUC_USER)?.getChildren('status') ?? []).some((c) => c.attrs.code === '110');
}

void describe('gateway persistent rooms and stored channel keys on Prosody and ngIRCd', { timeout: 120_000 }, () => {
  it('keepRooms keeps the channel joined and archived without devices; a keyed channel is rejoined after a restart, its key sealed', async (t) => {
    const [xmpp, irc] = await Promise.all([startXmppServer('prosody', { users: [['alice', 'alicepw']] }), startNgircd()]);
    t.after(() => Promise.all([xmpp.stop(), irc.stop()]));
    const dir = makeTempDir('switchboard-gateway-persistent-');
    const hubOptions = { xmpp, irc, dir, module: noModule, key: randomBytes(32).toString('base64'), options: { loginIntervalMs: 50 } };
    const hub = await startGatewayHub(t, hubOptions);
    const domain = xmpp.componentDomain;
    const lobby = `#lobby@${domain}`;
    const vault = `#vault@${domain}`;
    const laptop = await connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: 'alice', password: 'alicepw', resource: 'laptop' });
    t.after(() => laptop.close());
    const [carol] = await ircPeopleIn(t, irc, '#lobby', ['carol'], WAIT_MS);
    carol.send('JOIN #vault');
    await carol.waitForLine(/ 366 carol #vault /, WAIT_MS);
    carol.send(`MODE #vault +k ${KEY}`);
    await carol.waitForLine(/MODE #vault \+k/, WAIT_MS);

    await laptop.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: 'jabber:iq:register' },
      xml('x', { xmlns: 'jabber:x:data', type: 'submit' }, xml('field', { var: 'nick' }, xml('value', {}, 'alice')), xml('field', { var: 'auth' }, xml('value', {}, 'none'))))), WAIT_MS);
    await laptop.waitForStanza((s) => s.is('presence') && s.attrs.from === domain && s.getChildText('status') === 'Connected as alice', WAIT_MS);
    const command = async (text: string): Promise<string> => {
      const at = laptop.stanzas.length;
      await laptop.send(xml('message', { type: 'chat', to: domain }, xml('body', {}, text)));
      const answer = await laptop.waitForStanza((s) => laptop.stanzas.indexOf(s) >= at && s.is('message') && s.attrs.from === domain && s.getChildText('body') !== null, WAIT_MS);
      return answer.getChildText('body') ?? '';
    };

    // The keyed channel, joined with the room password.
    await laptop.send(xml('presence', { to: `${vault}/alice` }, xml('x', { xmlns: NS_MUC }, xml('password', {}, KEY), xml('history', { maxstanzas: '0' }))));
    await laptop.waitForStanza((s) => s.is('presence') && s.attrs.from === `${vault}/alice` && isSelf(s), WAIT_MS);
    await carol.waitForLine(/^:alice!\S+ JOIN :?#vault$/, WAIT_MS);

    // keepRooms on: leaving #lobby from the last device keeps alice in the channel.
    assert.match(await command('prefs'), /keepRooms/);
    assert.match(await command('set keepRooms on'), /^keepRooms = true\./);
    await laptop.joinRoom(lobby, 'alice', WAIT_MS);
    await carol.waitForLine(/^:alice!\S+ JOIN :?#lobby$/, WAIT_MS);
    await laptop.send(xml('presence', { to: `${lobby}/alice`, type: 'unavailable' }));
    await laptop.waitForStanza((s) => s.is('presence') && s.attrs.from === `${lobby}/alice` && s.attrs.type === 'unavailable', WAIT_MS);
    carol.send('PRIVMSG #lobby :said while you were away');
    // A private message after it on the same IRC connection: once it arrives, the channel line was read.
    carol.send('PRIVMSG alice :sync');
    await laptop.waitForStanza((s) => s.is('message') && s.attrs.from?.startsWith(`carol@${domain}`) === true && s.getChildText('body') === 'sync', WAIT_MS);
    assert.ok(!carol.lines.some((l) => /^:alice!\S+ PART #lobby/.test(l)), 'alice stayed in #lobby');
    const rejoinAt = laptop.stanzas.length;
    await laptop.send(xml('presence', { to: `${lobby}/alice` }, xml('x', { xmlns: NS_MUC }, xml('history', { maxstanzas: '5' }))));
    await laptop.waitForStanza((s) => laptop.stanzas.indexOf(s) >= rejoinAt && s.is('message') && s.attrs.from === lobby && s.getChild('subject') !== null && s.getChild('subject') !== undefined, WAIT_MS);
    const history = laptop.stanzas.slice(rejoinAt).filter((s) => s.is('message') && s.getChild('delay', NS_DELAY) !== undefined);
    assert.deepEqual(history.map((s) => [s.attrs.from, s.getChildText('body')]), [[`${lobby}/carol`, 'said while you were away']], laptop.stanzas.slice(rejoinAt - 8).map(String).join('\n'));
    await laptop.send(xml('presence', { to: `${lobby}/alice`, type: 'unavailable' }));
    await laptop.waitForStanza((s) => laptop.stanzas.indexOf(s) >= rejoinAt && s.is('presence') && s.attrs.from === `${lobby}/alice` && s.attrs.type === 'unavailable', WAIT_MS);

    // The hub stops: the key is stored sealed, nowhere in clear in the database.
    await hub.stop();
    await carol.waitForLine(/^:alice!\S+ QUIT/, WAIT_MS);
    const kept = await storedRooms(dir) as Record<string, Array<Record<string, unknown>>>;
    const rooms = kept[`rooms:alice@${xmpp.domain}`] ?? [];
    assert.deepEqual(rooms.map((r) => [r.room, r.resources]), [['#vault', [`alice@${xmpp.domain}/laptop`]], ['#lobby', []]]);
    assert.match(String(rooms[0]?.sealedKey), /^v1\./);
    assert.equal(rooms[1]?.sealedKey, undefined);
    assert.ok(!JSON.stringify(kept).includes(KEY), 'the key is not stored in clear');
    for (const file of ['switchboard.db', 'switchboard.db-wal']) {
      if (existsSync(join(dir, file))) assert.ok(!readFileSync(join(dir, file)).includes(KEY), `${file} does not hold the key in clear`);
    }

    // Restarted: #vault is joined again with its key (the laptop told), #lobby without any device.
    const restarted = laptop.stanzas.length;
    await startGatewayHub(t, hubOptions);
    await carol.waitForLine(/^:alice!\S+ JOIN :?#vault$/, WAIT_MS);
    await carol.waitForLine(/^:alice!\S+ JOIN :?#lobby$/, WAIT_MS);
    await laptop.waitForStanza((s) => laptop.stanzas.indexOf(s) >= restarted && s.is('presence') && s.attrs.from === `${vault}/alice` && s.attrs.type === undefined && isSelf(s), WAIT_MS);
    assert.ok(!laptop.stanzas.slice(restarted).some((s) => s.attrs.from === `${lobby}/alice`), 'no device was told #lobby');

    // "leave" parts for good, whatever the preference.
    assert.match(await command('leave #lobby'), /You left #lobby/);
    await carol.waitForLine(/^:alice!\S+ PART #lobby/, WAIT_MS);
    assert.match(await command('rooms'), /#vault/);
    assert.doesNotMatch(await command('rooms'), /#lobby/);
    assert.match(await command('leave #nowhere'), /not in #nowhere/);
    // The ad-hoc command "Leave a room" offers the rooms and leaves the chosen one, the device told.
    const offered = await adhoc(laptop, domain, 'leave-room', { action: 'execute' });
    const options = offered?.getChild('x', NS_DATA)?.getChildren('field').find((f) => f.attrs.var === 'room')?.getChildren('option') ?? [];
    assert.deepEqual(options.map((o) => o.getChildText('value')), ['#vault']);
    const left = laptop.stanzas.length;
    const done = await adhoc(laptop, domain, 'leave-room', { sessionid: String(offered?.attrs.sessionid), action: 'complete' }, { room: '#vault' });
    assert.match(done?.getChildText('note') ?? '', /You left #vault/);
    await carol.waitForLine(/^:alice!\S+ PART #vault/, WAIT_MS);
    await laptop.waitForStanza((s) => laptop.stanzas.indexOf(s) >= left && s.is('presence') && s.attrs.from === `${vault}/alice` && s.attrs.type === 'unavailable', WAIT_MS);
    assert.match(await command('rooms'), /no rooms/);
  });
});
