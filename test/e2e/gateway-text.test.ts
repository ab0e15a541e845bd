/**
 * The gateway's text layer on real Prosody and ngIRCd (ADR 0010 "Corrections, retractions,
 * reactions, styling and splitting in rooms"), in a room and one-to-one:
 * IRC formatting reaches XMPP as XEP-0393 styling; a long XMPP message reaches IRC cut at word
 * boundaries, every relayed line within 512 bytes with the real prefix, and XEP-0393 as IRC
 * codes; in the room, a correction reaches IRC as the new text marked " (correction)", a
 * reaction as a /me quoting the message, a retraction not at all; all three are reflected to the
 * person's other device, archived as such (MAM gives back `<replace>`, `<reactions>`,
 * `<retract>` referring to the original's stanza id, and so does history on join); someone else's message cannot be
 * corrected, an unknown id cannot be reacted to.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { defineModule } from '../../src/modules/public.js';
import { startNgircd, startProsody } from '../support/servers.js';
import { connectXmppClient, xml, type XmlElement } from '../support/clients.js';
import { makeTempDir } from '../support/switchboard-process.js';
import { startGatewayHub } from './gateway-hub.js';
import { ircPeopleIn } from './gateway-irc-channel.js';

const WAIT_MS = 15_000;
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const NS_MAM = 'urn:xmpp:mam:2';
const NS_SID = 'urn:xmpp:sid:0';
const NS_CORRECT = 'urn:xmpp:message-correct:0';
const NS_RETRACT = 'urn:xmpp:message-retract:1';
const NS_REACTIONS = 'urn:xmpp:reactions:0';
const CTCP = '\u0001';

const noModule = defineModule({ name: 'no-callbacks', setup: () => undefined });

function conditionOf(stanza: XmlElement): string | undefined {
  return stanza.getChild('error')?.children.find((c): c is XmlElement => typeof c !== 'string' && c.attrs.xmlns === NS_STANZAS && c.name !== 'text')?.name;
}

const words = Array.from({ length: 200 }, (_, i) => `w${String(i).padStart(4, '0')}`).join(' ');

it('styling both ways, word-boundary splitting, and corrections, reactions and retractions in a room', { timeout: 120_000 }, async (t) => {
  const [xmpp, irc] = await Promise.all([startProsody({ users: [['alice', 'alicepw']] }), startNgircd()]);
  t.after(() => Promise.all([xmpp.stop(), irc.stop()]));
  await startGatewayHub(t, { xmpp, irc, dir: makeTempDir('switchboard-gateway-text-'), module: noModule, options: { loginIntervalMs: 50, maxBodyChars: 4000 } });
  const domain = xmpp.componentDomain;
  const room = `#lobby@${domain}`;
  const connect = (resource: string) => connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: 'alice', password: 'alicepw', resource });
  const laptop = await connect('laptop');
  t.after(() => laptop.close());
  const [carol] = await ircPeopleIn(t, irc, '#lobby', ['carol'], WAIT_MS);

  await laptop.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: 'jabber:iq:register' },
    xml('x', { xmlns: 'jabber:x:data', type: 'submit' }, xml('field', { var: 'nick' }, xml('value', {}, 'alice')), xml('field', { var: 'auth' }, xml('value', {}, 'none'))))), WAIT_MS);
  await laptop.waitForStanza((s) => s.is('presence') && s.attrs.from === domain && s.getChildText('status') === 'Connected as alice', WAIT_MS);

  // One-to-one first (the gateway has not joined anything: its user@host is not known yet, so the longest is assumed).
  carol.send('PRIVMSG alice :\x02bold\x02 and \x1ditalic\x1d and \x0304red\x03 \x1estruck\x0f');
  const styled = await laptop.waitForStanza((s) => s.is('message') && s.attrs.type === 'chat' && (s.getChildText('body') ?? '').includes('bold'), WAIT_MS);
  assert.equal(styled.getChildText('body'), '*bold* and _italic_ and red ~struck~');
  await laptop.send(xml('message', { type: 'chat', to: `carol@${domain}` }, xml('body', {}, `*pm* ${words}`)));
  await carol.waitForLine(/PRIVMSG carol :.*w0199$/, WAIT_MS);
  const pmLines = carol.lines.filter((l) => / PRIVMSG carol :/.test(l));
  assert.ok(pmLines.length > 1);
  for (const line of pmLines) assert.ok(Buffer.byteLength(line) + 2 <= 512, line);
  assert.equal(pmLines.map((l) => l.replace(/^.*? PRIVMSG carol :/, '')).join(' '), `\x02pm\x02 ${words}`);

  await laptop.joinRoom(room, 'alice', WAIT_MS);
  await carol.waitForLine(/^:alice!\S+ JOIN :?#lobby$/, WAIT_MS);
  const phone = await connect('phone');
  t.after(() => phone.close());
  await phone.joinRoom(room, 'alice', WAIT_MS);

  // IRC → XMPP in the room: formatting as XEP-0393; plain text byte for byte.
  carol.send('PRIVMSG #lobby :\x02nice\x02 one, 2*3 is \x1dsix\x1d');
  const nice = await laptop.waitForStanza((s) => s.is('message') && s.attrs.from === `${room}/carol` && (s.getChildText('body') ?? '').includes('nice'), WAIT_MS);
  assert.equal(nice.getChildText('body'), '*nice* one, 2*3 is _six_');
  const niceId = nice.getChild('stanza-id', NS_SID)?.attrs.id;
  assert.ok(niceId);

  // XMPP → IRC in the room: cut at word boundaries, each line filled up to the real 512-byte budget.
  await laptop.send(xml('message', { type: 'groupchat', to: room, id: 'long' }, xml('body', {}, words)));
  await carol.waitForLine(/PRIVMSG #lobby :.*w0199$/, WAIT_MS);
  const roomLines = carol.lines.filter((l) => / PRIVMSG #lobby :w\d{4}/.test(l));
  assert.ok(roomLines.length > 1);
  for (const line of roomLines) assert.ok(Buffer.byteLength(line) + 2 <= 512, line);
  assert.ok(Buffer.byteLength(roomLines[0]!) + 2 > 490, `the first line is filled up to the real prefix's budget: ${Buffer.byteLength(roomLines[0]!) + 2} bytes`);
  assert.equal(roomLines.map((l) => l.replace(/^.*? PRIVMSG #lobby :/, '')).join(' '), words);

  // A correction of alice's own message: the new text, marked; reflected to the phone with <replace>.
  await laptop.send(xml('message', { type: 'groupchat', to: room, id: 'm1' }, xml('body', {}, 'helo world')));
  await carol.waitForLine(/PRIVMSG #lobby :helo world$/, WAIT_MS);
  const original = await phone.waitForStanza((s) => s.is('message') && s.attrs.id === 'm1', WAIT_MS);
  const originalId = original.getChild('stanza-id', NS_SID)?.attrs.id;
  await laptop.send(xml('message', { type: 'groupchat', to: room, id: 'm1-fix' }, xml('body', {}, 'hello world'), xml('replace', { xmlns: NS_CORRECT, id: 'm1' })));
  await carol.waitForLine(/^:alice!\S+ PRIVMSG #lobby :hello world \(correction\)$/, WAIT_MS);
  const fixed = await phone.waitForStanza((s) => s.is('message') && s.attrs.id === 'm1-fix', WAIT_MS);
  assert.equal(fixed.getChild('replace', NS_CORRECT)?.attrs.id, 'm1');
  assert.equal(fixed.getChildText('body'), 'hello world');

  // A reaction to carol's message: a /me quoting it (as plain text); reflected.
  await laptop.send(xml('message', { type: 'groupchat', to: room, id: 'r1' }, xml('reactions', { xmlns: NS_REACTIONS, id: niceId }, xml('reaction', {}, '👍'))));
  await carol.waitForLine(new RegExp(`^:alice!\\S+ PRIVMSG #lobby :${CTCP}ACTION reacted 👍 to "nice one, 2\\*3 is six"${CTCP}$`), WAIT_MS);
  await phone.waitForStanza((s) => s.is('message') && s.attrs.id === 'r1' && s.getChild('reactions', NS_REACTIONS)?.attrs.id === niceId, WAIT_MS);

  // Refused: correcting or retracting carol's message, reacting to an unknown id. Nothing reaches IRC.
  await laptop.send(xml('message', { type: 'groupchat', to: room, id: 'bad1' }, xml('body', {}, 'carol said nothing'), xml('replace', { xmlns: NS_CORRECT, id: niceId })));
  assert.equal(conditionOf(await laptop.waitForStanza((s) => s.attrs.type === 'error' && s.attrs.id === 'bad1', WAIT_MS)), 'forbidden');
  await laptop.send(xml('message', { type: 'groupchat', to: room, id: 'bad2' }, xml('retract', { xmlns: NS_RETRACT, id: niceId })));
  assert.equal(conditionOf(await laptop.waitForStanza((s) => s.attrs.type === 'error' && s.attrs.id === 'bad2', WAIT_MS)), 'forbidden');
  await laptop.send(xml('message', { type: 'groupchat', to: room, id: 'bad3' }, xml('reactions', { xmlns: NS_REACTIONS, id: 'no-such-id' }, xml('reaction', {}, '👎'))));
  assert.equal(conditionOf(await laptop.waitForStanza((s) => s.attrs.type === 'error' && s.attrs.id === 'bad3', WAIT_MS)), 'item-not-found');

  // A retraction of alice's own message: nothing to IRC; reflected; alice is told IRC still shows it.
  await laptop.send(xml('message', { type: 'groupchat', to: room, id: 'x1' }, xml('retract', { xmlns: NS_RETRACT, id: originalId })));
  await phone.waitForStanza((s) => s.is('message') && s.attrs.id === 'x1' && s.getChild('retract', NS_RETRACT)?.attrs.id === originalId, WAIT_MS);
  await laptop.waitForStanza((s) => s.is('message') && s.attrs.from === room && (s.getChildText('body') ?? '').startsWith('Retracted here'), WAIT_MS);
  await laptop.send(xml('message', { type: 'groupchat', to: room }, xml('body', {}, 'sentinel')));
  await carol.waitForLine(/PRIVMSG #lobby :sentinel$/, WAIT_MS);
  assert.deepEqual(carol.lines.filter((l) => /PRIVMSG #lobby :(carol said nothing|.*👎|.*retract)/.test(l)), []);

  // MAM gives them back as XEP-0308/0444/0424 payloads referring to the original stanza ids.
  const iq = await phone.xmpp.iqCaller.request(xml('iq', { type: 'set', to: room }, xml('query', { xmlns: NS_MAM, queryid: 'q' })), WAIT_MS);
  assert.ok(iq.getChild('fin', NS_MAM));
  const archived = phone.stanzas.filter((s) => s.getChild('result', NS_MAM)?.attrs.queryid === 'q').map((r) => r.getChild('result', NS_MAM)?.getChild('forwarded')?.getChild('message'));
  const correction = archived.find((m) => m?.getChild('replace', NS_CORRECT) !== undefined);
  assert.equal(correction?.getChild('replace', NS_CORRECT)?.attrs.id, originalId);
  assert.equal(correction?.getChildText('body'), 'hello world');
  assert.equal(archived.find((m) => m?.getChild('reactions', NS_REACTIONS) !== undefined)?.getChild('reactions', NS_REACTIONS)?.getChildText('reaction'), '👍');
  assert.equal(archived.find((m) => m?.getChild('reactions', NS_REACTIONS) !== undefined)?.getChild('reactions', NS_REACTIONS)?.attrs.id, niceId);
  assert.equal(archived.find((m) => m?.getChild('retract', NS_RETRACT) !== undefined)?.getChild('retract', NS_RETRACT)?.attrs.id, originalId);
  assert.equal(archived.find((m) => m?.attrs.from === `${room}/carol`)?.getChildText('body'), '*nice* one, 2*3 is _six_');

  // History on join gives them back the same way (delayed).
  const tablet = await connect('tablet');
  t.after(() => tablet.close());
  await tablet.send(xml('presence', { to: `${room}/alice` }, xml('x', { xmlns: 'http://jabber.org/protocol/muc' }, xml('history', { maxstanzas: '20' }))));
  await tablet.waitForStanza((s) => s.is('message') && s.getChild('subject') !== undefined, WAIT_MS);
  const delayed = tablet.stanzas.filter((s) => s.is('message') && s.getChild('delay', 'urn:xmpp:delay') !== undefined);
  assert.equal(delayed.find((m) => m.getChild('replace', NS_CORRECT) !== undefined)?.getChild('replace', NS_CORRECT)?.attrs.id, originalId);
  assert.equal(delayed.find((m) => m.getChild('retract', NS_RETRACT) !== undefined)?.getChild('retract', NS_RETRACT)?.attrs.id, originalId);
  assert.equal(delayed.find((m) => m.getChild('reactions', NS_REACTIONS) !== undefined)?.getChild('reactions', NS_REACTIONS)?.attrs.id, niceId);
});
