/**
 * The gateway on Ergo (an IRCv3 server: CHATHISTORY, echo-message, message tags, MONITOR) and
 * Prosody, beyond history (gateway-history-ergo.test.ts): one-to-one messages both ways, a
 * channel joined as a room (occupants, subject), room messages and `/me` both ways, a topic set
 * from XMPP by an operator (+o from IRC: a moderator). Skipped (with the reason) without an
 * Ergo binary: ERGO_BIN or /work/peers/bin/ergo.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineModule } from '../../src/modules/public.js';
import { ergoSkip, startErgo, startXmppServer } from '../support/servers.js';
import { connectRawIrc, connectXmppClient, xml } from '../support/clients.js';
import { makeTempDir } from '../support/switchboard-process.js';
import { startGatewayHub } from './gateway-hub.js';

const WAIT_MS = 15_000;
const noModule = defineModule({ name: 'no-callbacks', setup: () => undefined });

void describe('the gateway on Ergo and Prosody', { timeout: 120_000 }, () => {
  it('one-to-one both ways, a room with its occupants and subject, room messages and /me both ways, a topic from XMPP', { skip: ergoSkip() }, async (t) => {
    const [xmppServer, irc] = await Promise.all([startXmppServer('prosody', { users: [['bob', 'bobpw']] }), startErgo()]);
    t.after(() => Promise.all([xmppServer.stop(), irc.stop()]));
    await startGatewayHub(t, { xmpp: xmppServer, irc, dir: makeTempDir('switchboard-gateway-ergo-'), module: noModule, options: { loginIntervalMs: 50 } });
    const domain = xmppServer.componentDomain;
    const bob = await connectXmppClient({ service: `xmpp://${xmppServer.host}:${xmppServer.port}`, domain: xmppServer.domain, username: 'bob', password: 'bobpw' });
    t.after(() => bob.close());
    const alice = await connectRawIrc({ host: irc.host, port: irc.port, nick: 'alice' });
    t.after(() => alice.close());
    alice.send('JOIN #lobby');
    await alice.waitForLine(/ 366 alice #lobby /, WAIT_MS);
    alice.send('TOPIC #lobby :ergo lobby');
    await alice.waitForLine(/ TOPIC #lobby :ergo lobby$/, WAIT_MS);

    await bob.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: 'jabber:iq:register' }, xml('nick', {}, 'bob'))), WAIT_MS);
    await bob.waitForStanza((s) => s.is('presence') && s.attrs.from === domain && s.getChildText('status') === 'Connected as bob', WAIT_MS);

    // One-to-one both ways.
    await bob.send(xml('message', { type: 'chat', to: `alice@${domain}` }, xml('body', {}, 'hi alice')));
    await alice.waitForLine(/^(@\S+ )?:bob!\S+ PRIVMSG alice :hi alice$/, WAIT_MS);
    alice.send('PRIVMSG bob :hi bob');
    await bob.waitForStanza((s) => s.is('message') && s.attrs.from === `alice@${domain}` && s.getChildText('body') === 'hi bob', WAIT_MS);

    // The room: alice (the channel's operator) as moderator, the subject.
    const room = `#lobby@${domain}`;
    await bob.send(xml('presence', { to: `${room}/bob` }, xml('x', { xmlns: 'http://jabber.org/protocol/muc' })));
    const subject = await bob.waitForStanza((s) => s.is('message') && s.getChild('subject') !== undefined && (s.attrs.from ?? '').startsWith(room), WAIT_MS);
    assert.equal(subject.getChildText('subject'), 'ergo lobby');
    const occupant = bob.stanzas.find((s) => s.is('presence') && s.attrs.from === `${room}/alice`);
    assert.equal(occupant?.getChild('x', 'http://jabber.org/protocol/muc#user')?.getChild('item')?.attrs.role, 'moderator');
    await alice.waitForLine(/^(@\S+ )?:bob!\S+ JOIN :?#lobby/, WAIT_MS);

    // Room messages both ways, /me both ways; a topic from XMPP.
    await bob.send(xml('message', { type: 'groupchat', to: room }, xml('body', {}, 'hello room')));
    await alice.waitForLine(/^(@\S+ )?:bob!\S+ PRIVMSG #lobby :hello room$/, WAIT_MS);
    await bob.send(xml('message', { type: 'groupchat', to: room }, xml('body', {}, '/me waves')));
    // eslint-disable-next-line no-control-regex -- CTCP is delimited by \x01
    await alice.waitForLine(new RegExp('^(@\\S+ )?:bob!\\S+ PRIVMSG #lobby :\u0001ACTION waves\u0001$'), WAIT_MS);
    alice.send('PRIVMSG #lobby :hello bob');
    await bob.waitForStanza((s) => s.is('message') && s.attrs.from === `${room}/alice` && s.getChildText('body') === 'hello bob', WAIT_MS);
    alice.send('PRIVMSG #lobby :\u0001ACTION nods\u0001');
    await bob.waitForStanza((s) => s.is('message') && s.attrs.from === `${room}/alice` && s.getChildText('body') === '/me nods', WAIT_MS);
    // The channel is +t: alice makes bob an operator (a moderator in the room) first.
    alice.send('MODE #lobby +o bob');
    await bob.waitForStanza((s) => s.is('presence') && s.attrs.from === `${room}/bob` && s.getChild('x', 'http://jabber.org/protocol/muc#user')?.getChild('item')?.attrs.role === 'moderator', WAIT_MS);
    await bob.send(xml('message', { type: 'groupchat', to: room }, xml('subject', {}, 'set from xmpp')));
    await alice.waitForLine(/^(@\S+ )?:bob!\S+ TOPIC #lobby :set from xmpp$/, WAIT_MS);
  });
});
