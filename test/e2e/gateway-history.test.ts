/**
 * Gateway room history (docs/gateway.md "Group chats", ADR 0010 "History") on Prosody and ngIRCd:
 * the gateway archives #lobby both ways while alice's laptop keeps the channel; her phone joining
 * gets the newest messages it asked for as delayed messages (XEP-0203) after the occupants and
 * before the subject; with the phone away, MAM (XEP-0313) on the room JID returns what was said
 * meanwhile (time range, RSM paging, a module's addFieldToUnsigned fields), and refuses an
 * inverted range and a page beyond the cap with clear errors; rejoining with `since` gets just that.
 * Backfill with the test legacy network: a first join archives the network's own archive.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineModule } from '../../src/modules/public.js';
import { startNgircd, startXmppServer } from '../support/servers.js';
import { connectXmppClient, NS_MUC, xml, type TestXmppClient, type XmlElement } from '../support/clients.js';
import { makeTempDir } from '../support/switchboard-process.js';
import { startGatewayHub } from './gateway-hub.js';
import { connected, startStepsGateway } from './gateway-steps-setup.js';
import { ircPeopleIn } from './gateway-irc-channel.js';

const WAIT_MS = 15_000;
const NS_MAM = 'urn:xmpp:mam:2';
const NS_RSM = 'http://jabber.org/protocol/rsm';
const NS_DELAY = 'urn:xmpp:delay';
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

/** A module adding one field to every message the archive serves. */
const tagging = defineModule({
  name: 'tag-archive',
  setup(api) {
    api.registerAddExtraFieldsToUnsignedClientEventCallbacks({
      addFieldToUnsigned: (event) => (event.command === 'MESSAGE' ? { tagged: event.sender } : {}),
    });
  },
});

function conditionOf(stanza: XmlElement): string | undefined {
  return stanza.getChild('error')?.children.find((c): c is XmlElement => typeof c !== 'string' && c.attrs.xmlns === NS_STANZAS && c.name !== 'text')?.name;
}

/** The forwarded message of a MAM result. */
function forwarded(result: XmlElement): XmlElement | undefined {
  return result.getChild('result', NS_MAM)?.getChild('forwarded')?.getChild('message');
}

void describe('gateway room history on Prosody and ngIRCd', { timeout: 120_000 }, () => {
  it('history on join, MAM of what was said while away, paging and errors, history on rejoin', async (t) => {
    const [xmppServer, irc] = await Promise.all([startXmppServer('prosody', { users: [['alice', 'alicepw']] }), startNgircd()]);
    t.after(() => Promise.all([xmppServer.stop(), irc.stop()]));
    const dir = makeTempDir('switchboard-gateway-history-');
    await startGatewayHub(t, { xmpp: xmppServer, irc, dir, module: tagging, options: { loginIntervalMs: 50, history: { maxOnJoin: 3 } } });
    const domain = xmppServer.componentDomain;
    const room = `#lobby@${domain}`;
    const connect = (resource: string): Promise<TestXmppClient> =>
      connectXmppClient({ service: `xmpp://${xmppServer.host}:${xmppServer.port}`, domain: xmppServer.domain, username: 'alice', password: 'alicepw', resource });
    const laptop = await connect('laptop');
    t.after(() => laptop.close());
    const [carol] = await ircPeopleIn(t, irc, '#lobby', ['carol'], WAIT_MS);
    carol.send('TOPIC #lobby :the topic');
    await carol.waitForLine(/ TOPIC #lobby :the topic$/, WAIT_MS);

    await laptop.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: 'jabber:iq:register' },
      xml('x', { xmlns: 'jabber:x:data', type: 'submit' }, xml('field', { var: 'nick' }, xml('value', {}, 'alice')), xml('field', { var: 'auth' }, xml('value', {}, 'none'))))), WAIT_MS);
    await laptop.waitForStanza((s) => s.is('presence') && s.attrs.from === domain && s.getChildText('status') === 'Connected as alice', WAIT_MS);
    const info = await laptop.xmpp.iqCaller.request(xml('iq', { type: 'get', to: room }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })), WAIT_MS);
    assert.ok(info.getChild('query')?.getChildren('feature').some((f) => f.attrs.var === NS_MAM), 'the room announces MAM');

    // The laptop keeps the channel; four messages both ways (one /me).
    await laptop.joinRoom(room, 'alice', WAIT_MS);
    await carol.waitForLine(/^:alice!\S+ JOIN :?#lobby$/, WAIT_MS);
    const said = async (line: string, body: string): Promise<void> => {
      carol.send(`PRIVMSG #lobby :${line}`);
      await laptop.waitForStanza((s) => s.is('message') && s.attrs.from === `${room}/carol` && s.getChildText('body') === body, WAIT_MS);
    };
    await said('one', 'one');
    await laptop.send(xml('message', { type: 'groupchat', to: room, id: 'a2' }, xml('body', {}, 'two')));
    await carol.waitForLine(/^:alice!\S+ PRIVMSG #lobby :two$/, WAIT_MS);
    await said('\u0001ACTION three\u0001', '/me three');
    await said('four', 'four');

    // The phone joins asking for 10: the cap (3) applies; occupants, self, history (delayed, oldest first), subject.
    const phone = await connect('phone');
    t.after(() => phone.close());
    await phone.send(xml('presence', { to: `${room}/alice` }, xml('x', { xmlns: NS_MUC }, xml('history', { maxstanzas: '10' }))));
    await phone.waitForStanza((s) => s.is('message') && s.getChild('subject') !== undefined && s.attrs.from === `${room}/carol`, WAIT_MS);
    const inRoom = phone.stanzas.filter((s) => (s.attrs.from ?? '').startsWith(room));
    const delayed = inRoom.filter((s) => s.is('message') && s.getChild('delay', NS_DELAY) !== undefined);
    assert.deepEqual(delayed.map((s) => [s.attrs.from, s.getChildText('body')]), [[`${room}/alice`, 'two'], [`${room}/carol`, '/me three'], [`${room}/carol`, 'four']]);
    const selfAt = inRoom.findIndex((s) => s.is('presence') && s.attrs.from === `${room}/alice`);
    const subjectAt = inRoom.findIndex((s) => s.getChild('subject') !== undefined);
    assert.ok(selfAt >= 0 && selfAt < inRoom.indexOf(delayed[0]!) && inRoom.indexOf(delayed.at(-1)!) < subjectAt, inRoom.map(String).join('\n'));
    assert.equal(delayed[0]?.getChild('delay', NS_DELAY)?.attrs.from, room);
    assert.ok(delayed.every((s) => s.getChild('stanza-id', 'urn:xmpp:sid:0')?.attrs.by === room));

    // The phone leaves (the laptop keeps the channel); two messages while it is away.
    await phone.send(xml('presence', { to: `${room}/alice`, type: 'unavailable' }));
    await phone.waitForStanza((s) => s.is('presence') && s.attrs.type === 'unavailable' && s.attrs.from === `${room}/alice`, WAIT_MS);
    const away = new Date().toISOString();
    await said('while away 1', 'while away 1');
    await said('while away 2', 'while away 2');

    // MAM from the phone: what was said since it left, one per page.
    const mam = async (id: string, fields: Record<string, string>, set: XmlElement[]): Promise<{ iq: XmlElement; results: XmlElement[] }> => {
      const iq = await phone.xmpp.iqCaller.request(xml('iq', { type: 'set', to: room, id }, xml('query', { xmlns: NS_MAM, queryid: id },
        xml('x', { xmlns: 'jabber:x:data', type: 'submit' }, xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, NS_MAM)),
          ...Object.entries(fields).map(([k, v]) => xml('field', { var: k }, xml('value', {}, v)))),
        xml('set', { xmlns: NS_RSM }, ...set))), WAIT_MS);
      return { iq, results: phone.stanzas.filter((s) => s.getChild('result', NS_MAM)?.attrs.queryid === id) };
    };
    const first = await mam('q1', { start: away }, [xml('max', {}, '1')]);
    assert.deepEqual(first.results.map((r) => forwarded(r)?.getChildText('body')), ['while away 1']);
    const fin1 = first.iq.getChild('fin', NS_MAM);
    assert.notEqual(fin1?.attrs.complete, 'true');
    const last1 = fin1?.getChild('set', NS_RSM)?.getChildText('last');
    assert.ok(last1);
    assert.equal(forwarded(first.results[0]!)?.attrs.from, `${room}/carol`);
    assert.match(first.results[0]!.getChild('result', NS_MAM)?.getChild('forwarded')?.getChild('delay', NS_DELAY)?.attrs.stamp ?? '', /^\d{4}-/);
    assert.deepEqual(JSON.parse(forwarded(first.results[0]!)?.getChildText('unsigned', 'urn:switchboard:unsigned:0') ?? '{}'), { tagged: 'carol' });
    const second = await mam('q2', { start: away }, [xml('max', {}, '1'), xml('after', {}, last1)]);
    assert.deepEqual(second.results.map((r) => forwarded(r)?.getChildText('body')), ['while away 2']);
    assert.equal(second.iq.getChild('fin', NS_MAM)?.attrs.complete, 'true');
    // The last page of everything from alice.
    const mine = await mam('q3', { with: `${room}/alice` }, [xml('max', {}, '5'), xml('before')]);
    assert.deepEqual(mine.results.map((r) => forwarded(r)?.getChildText('body')), ['two']);

    // Bad requests: an inverted range, a page beyond the cap, an unknown id.
    let bad = 0;
    const refused = async (fields: Record<string, string>, set: XmlElement[]): Promise<XmlElement> => {
      const id = `bad${++bad}`;
      const answer = phone.waitForStanza((s) => s.is('iq') && s.attrs.type === 'error' && s.attrs.id === id, WAIT_MS);
      await phone.send(xml('iq', { type: 'set', to: room, id }, xml('query', { xmlns: NS_MAM },
        xml('x', { xmlns: 'jabber:x:data', type: 'submit' }, ...Object.entries(fields).map(([k, v]) => xml('field', { var: k }, xml('value', {}, v)))),
        xml('set', { xmlns: NS_RSM }, ...set))));
      return answer;
    };
    const inverted = await refused({ start: '2026-12-07T10:00:00Z', end: '2026-12-07T09:00:00Z' }, []);
    assert.equal(conditionOf(inverted), 'bad-request');
    assert.match(inverted.getChild('error')?.getChildText('text', NS_STANZAS) ?? '', /start is after end/);
    const huge = await refused({}, [xml('max', {}, '100000')]);
    assert.equal(conditionOf(huge), 'not-acceptable');
    assert.match(huge.getChild('error')?.getChildText('text', NS_STANZAS) ?? '', /at most 100 messages per page/);
    assert.equal(conditionOf(await refused({}, [xml('after', {}, 'no-such-id')])), 'item-not-found');

    // Rejoining with `since`: just what was said while away.
    const before = phone.stanzas.length;
    await phone.send(xml('presence', { to: `${room}/alice` }, xml('x', { xmlns: NS_MUC }, xml('history', { since: away }))));
    await phone.waitForStanza((s) => phone.stanzas.indexOf(s) >= before && s.is('message') && s.getChild('subject') !== undefined, WAIT_MS);
    const again = phone.stanzas.slice(before).filter((s) => s.is('message') && s.getChild('delay', NS_DELAY) !== undefined);
    assert.deepEqual(again.map((s) => s.getChildText('body')), ['while away 1', 'while away 2']);
  });
});

void describe('gateway room backfill on Prosody and the test legacy network', { timeout: 120_000 }, () => {
  it('a first join backfills the network\'s archive into the history; a second join does not ask again', async (t) => {
    const { domain, network, connect } = await startStepsGateway(t, { protocol: 'test-steps', mode: 'single', rooms: true });
    const alice = await connect('alice');
    await alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: 'jabber:iq:register' }, xml('nick', {}, 'alice'))), WAIT_MS);
    await connected(alice, domain, 'alice');
    const room = `#den@${domain}`;
    await alice.send(xml('presence', { to: `${room}/alice` }, xml('x', { xmlns: NS_MUC }, xml('history', { maxstanzas: '10' }))));
    await alice.waitForStanza((s) => s.is('message') && s.getChildText('subject') === 'welcome to #den', WAIT_MS);
    const delayed = alice.stanzas.filter((s) => s.is('message') && s.getChild('delay', NS_DELAY) !== undefined);
    assert.deepEqual(delayed.map((s) => [s.attrs.from, s.getChildText('body')]), [[`${room}/carol`, '/me archived one'], [`${room}/carol`, 'archived two']], 'in order, the future one dropped');
    assert.deepEqual(network.log.filter((l) => l.startsWith('backfill')), ['backfill #den after=- before=-']);
    assert.equal(delayed[0]?.getChild('stanza-id', 'urn:xmpp:sid:0')?.attrs.id, '#den-archived-1', 'the legacy id is the stanza id');

    // Leave and join again: history from the archive, no second backfill in this run.
    await alice.send(xml('presence', { to: `${room}/alice`, type: 'unavailable' }));
    await alice.waitForStanza((s) => s.is('presence') && s.attrs.type === 'unavailable' && s.attrs.from === `${room}/alice`, WAIT_MS);
    const mark = alice.stanzas.length;
    await alice.send(xml('presence', { to: `${room}/alice` }, xml('x', { xmlns: NS_MUC }, xml('history', { maxstanzas: '1' }))));
    await alice.waitForStanza((s) => alice.stanzas.indexOf(s) >= mark && s.is('message') && s.getChild('subject') !== undefined, WAIT_MS);
    assert.deepEqual(alice.stanzas.slice(mark).filter((s) => s.getChild('delay', NS_DELAY) !== undefined).map((s) => s.getChildText('body')), ['archived two']);
    assert.equal(network.log.filter((l) => l.startsWith('backfill')).length, 1);

    // Unregistering removes the archive: registered again, the room is backfilled afresh (no hole bound).
    await alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: 'jabber:iq:register' }, xml('remove'))), WAIT_MS);
    await alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: 'jabber:iq:register' }, xml('nick', {}, 'alice'))), WAIT_MS);
    await alice.waitForStanza((s) => alice.stanzas.indexOf(s) >= mark && s.is('presence') && s.attrs.from === domain && s.getChildText('status') === 'Connected as alice', WAIT_MS);
    const rejoin = alice.stanzas.length;
    await alice.send(xml('presence', { to: `${room}/alice` }, xml('x', { xmlns: NS_MUC }, xml('history', { maxstanzas: '10' }))));
    await alice.waitForStanza((s) => alice.stanzas.indexOf(s) >= rejoin && s.is('message') && s.getChild('subject') !== undefined, WAIT_MS);
    assert.deepEqual(network.log.filter((l) => l.startsWith('backfill')), ['backfill #den after=- before=-', 'backfill #den after=- before=-']);
    assert.deepEqual(alice.stanzas.slice(rejoin).filter((s) => s.getChild('delay', NS_DELAY) !== undefined).map((s) => s.getChildText('body')), ['/me archived one', 'archived two']);
  });
});
