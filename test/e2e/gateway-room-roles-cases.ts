/**
 * Voice, half-op and op from XMPP (docs/gateway.md "Group chats", ADR 0010 "Room configuration,
 * voice, persistent rooms") on a real XMPP server and ngIRCd, with an xmpp.js client as the
 * person and raw IRC clients in the channel: without a prefix giving voice is refused (forbidden,
 * with why) and nothing reaches IRC; as half-op alice gives and takes voice (MODE ±v), and is
 * refused op-level changes; as op she gives half-op (role moderator), op (affiliation admin) and
 * takes them all (affiliation none); the voice, moderator and admin lists come from the channel,
 * the ban list from MODE +b.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Codes, defineModule, NOT_SPAM } from '../../src/modules/public.js';
import { startNgircd, startXmppServer, xmppServerLabel, type XmppServerKind } from '../support/servers.js';
import { connectXmppClient, NS_MUC_USER, xml, type XmlElement } from '../support/clients.js';
import { makeTempDir } from '../support/switchboard-process.js';
import { startGatewayHub } from './gateway-hub.js';
import { ircPeopleIn } from './gateway-irc-channel.js';

const WAIT_MS = 15_000;
const NS_MUC_ADMIN = 'http://jabber.org/protocol/muc#admin';
const NS_MUC_OWNER = 'http://jabber.org/protocol/muc#owner';
const NS_DATA = 'jabber:x:data';
const F = 'muc#roomconfig_';

/** The values of a configuration form. */
function formValues(query: XmlElement | undefined): Record<string, string> {
  const fields = query?.getChild('x', NS_DATA)?.getChildren('field') ?? [];
  return Object.fromEntries(fields.map((f) => [String(f.attrs.var), f.getChildText('value') ?? '']));
}

/** The role cases on one XMPP server (Prosody: gateway-room-roles.test.ts, ejabberd: gateway-rooms-ejabberd.test.ts). */
export function describeRoomRoles(kind: XmppServerKind): void {
  void describe(`gateway room roles from XMPP on ${xmppServerLabel(kind)} and ngIRCd`, { timeout: 120_000 }, () => {
    it('voice, half-op and op given and taken as MODE with the IRC prefix it needs; lists from the channel', async (t) => {
      const [xmpp, irc] = await Promise.all([startXmppServer(kind, { users: [['alice', 'alicepw']] }), startNgircd()]);
      t.after(() => Promise.all([xmpp.stop(), irc.stop()]));
      const calls: string[] = [];
      const visibility = defineModule({
        name: 'visibility-recorder',
        setup(api) {
          api.registerThirdPartyRulesCallbacks({
            checkVisibilityCanBeModified: (channel, newVisibility) => {
              calls.push(`checkVisibilityCanBeModified ${channel.id} ${newVisibility}`);
              return true;
            },
          });
          api.registerSpamCheckerCallbacks({
            userMayPublishRoom: (_user, channel) => {
              calls.push(`userMayPublishRoom ${channel.id}`);
              return Codes.FORBIDDEN;
            },
          });
          void NOT_SPAM;
        },
      });
      await startGatewayHub(t, { xmpp, irc, dir: makeTempDir('switchboard-gateway-roles-'), module: visibility, options: { loginIntervalMs: 50 } });
      const domain = xmpp.componentDomain;
      const room = `#lobby@${domain}`;
      const alice = await connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: 'alice', password: 'alicepw', resource: 'laptop' });
      t.after(() => alice.close());
      const [carol] = await ircPeopleIn(t, irc, '#lobby', ['carol', 'dave'], WAIT_MS);
      carol.send('MODE #lobby +b spam!*@*');
      await carol.waitForLine(/MODE #lobby \+b spam!\*@\*/, WAIT_MS);

      await alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: 'jabber:iq:register' },
        xml('x', { xmlns: 'jabber:x:data', type: 'submit' }, xml('field', { var: 'nick' }, xml('value', {}, 'alice')), xml('field', { var: 'auth' }, xml('value', {}, 'none'))))), WAIT_MS);
      await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === domain && s.getChildText('status') === 'Connected as alice', WAIT_MS);
      await alice.joinRoom(room, 'alice', WAIT_MS);
      await carol.waitForLine(/^:alice!\S+ JOIN :?#lobby$/, WAIT_MS);

      const admin = (item: XmlElement) => (mark = alice.stanzas.length, alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: room }, xml('query', { xmlns: NS_MUC_ADMIN }, item)), WAIT_MS));
      const failure = (item: XmlElement) => admin(item).then(() => undefined, (error: { condition?: string; text?: string }) => error);
      const list = async (attrs: Record<string, string>): Promise<string[]> => {
        const answer = await alice.xmpp.iqCaller.request(xml('iq', { type: 'get', to: room }, xml('query', { xmlns: NS_MUC_ADMIN }, xml('item', attrs))), WAIT_MS);
        return (answer.getChild('query', NS_MUC_ADMIN)?.getChildren('item') ?? []).map((i) => String(i.attrs.nick ?? i.attrs.jid)).sort();
      };
      let mark = 0;
      const daveIs = (role: string, affiliation: string) => alice.waitForStanza((s) => alice.stanzas.indexOf(s) >= mark && s.is('presence') && s.attrs.from === `${room}/dave`
        && s.getChild('x', NS_MUC_USER)?.getChild('item')?.attrs.role === role && s.getChild('x', NS_MUC_USER)?.getChild('item')?.attrs.affiliation === affiliation, WAIT_MS);

      // No prefix: giving voice is refused in words; nothing reaches IRC.
      const refused = await failure(xml('item', { nick: 'dave', role: 'participant' }));
      assert.equal(refused?.condition, 'forbidden');
      assert.match(refused?.text ?? '', /half-op \(%\) or operator \(@\)/);

      // Half-op: voice given and taken (the MODE echoed by the server answers the IQ); op-level changes refused.
      carol.send('MODE #lobby +h alice');
      await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === `${room}/alice` && s.getChild('x', NS_MUC_USER)?.getChild('item')?.attrs.role === 'moderator', WAIT_MS);
      await admin(xml('item', { nick: 'dave', role: 'participant' }));
      await carol.waitForLine(/^:alice!\S+ MODE #lobby \+v dave$/, WAIT_MS);
      await daveIs('participant', 'member');
      assert.deepEqual(await list({ affiliation: 'member' }), ['alice', 'dave']);
      await admin(xml('item', { jid: `${room}/dave`, role: 'visitor' }));
      await carol.waitForLine(/^:alice!\S+ MODE #lobby -v dave$/, WAIT_MS);
      await daveIs('participant', 'none');
      const tooLow = await failure(xml('item', { nick: 'dave', affiliation: 'admin' }));
      assert.equal(tooLow?.condition, 'forbidden');
      assert.match(tooLow?.text ?? '', /operator \(@\)/);
      assert.equal(carol.lines.filter((l) => /^:alice!\S+ MODE #lobby \+o/.test(l)).length, 0, 'the refused change sent nothing');

      // Op: half-op (role moderator), op (affiliation admin), then everything taken (affiliation none).
      carol.send('MODE #lobby +o alice');
      await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === `${room}/alice` && s.getChild('x', NS_MUC_USER)?.getChild('item')?.attrs.affiliation === 'admin', WAIT_MS);
      await admin(xml('item', { nick: 'dave', role: 'moderator' }));
      await carol.waitForLine(/^:alice!\S+ MODE #lobby \+h dave$/, WAIT_MS);
      await daveIs('moderator', 'member');
      await admin(xml('item', { jid: `dave@${domain}`, affiliation: 'admin' }));
      await carol.waitForLine(/^:alice!\S+ MODE #lobby \+o dave$/, WAIT_MS);
      await daveIs('moderator', 'admin');
      assert.deepEqual(await list({ role: 'moderator' }), ['alice', 'carol', 'dave']);
      assert.deepEqual(await list({ affiliation: 'admin' }), ['alice', 'carol', 'dave']);
      // Asking again what dave already has sends nothing and succeeds.
      await admin(xml('item', { nick: 'dave', affiliation: 'admin' }));
      await admin(xml('item', { nick: 'dave', affiliation: 'none' }));
      await carol.waitForLine(/^:alice!\S+ MODE #lobby -oh dave dave$/, WAIT_MS);
      await daveIs('participant', 'none');
      assert.equal(carol.lines.filter((l) => /^:alice!\S+ MODE #lobby \+o dave/.test(l)).length, 1);
      // Someone not in the channel: item-not-found.
      assert.equal((await failure(xml('item', { nick: 'nobody', role: 'participant' })))?.condition, 'item-not-found');

      // The ban list: MODE #lobby +b, each mask as an outcast.
      const bans = await alice.xmpp.iqCaller.request(xml('iq', { type: 'get', to: room }, xml('query', { xmlns: NS_MUC_ADMIN }, xml('item', { affiliation: 'outcast' }))), WAIT_MS);
      const items = bans.getChild('query', NS_MUC_ADMIN)?.getChildren('item') ?? [];
      assert.equal(items.length, 1);
      assert.equal(items[0]?.attrs.affiliation, 'outcast');
      assert.match(items[0]?.getChildText('reason') ?? '', /ban mask spam!\*@\* \(set by carol\)/);

      // The configuration form (op): the channel's modes; a submission is one MODE line.
      const owner = (type: 'get' | 'set', ...children: XmlElement[]) => alice.xmpp.iqCaller.request(xml('iq', { type, to: room }, xml('query', { xmlns: NS_MUC_OWNER }, ...children)), WAIT_MS);
      const submit = (values: Record<string, string>) => owner('set', xml('x', { xmlns: NS_DATA, type: 'submit' }, xml('field', { var: 'FORM_TYPE' }, xml('value', {}, `http://jabber.org/protocol/muc#roomconfig`)),
        ...Object.entries(values).map(([name, value]) => xml('field', { var: name }, xml('value', {}, value)))));
      const ownerFailure = (values: Record<string, string>) => submit(values).then(() => undefined, (error: { condition?: string; text?: string }) => error);
      const before = formValues((await owner('get')).getChild('query', NS_MUC_OWNER));
      assert.equal(before.FORM_TYPE, 'http://jabber.org/protocol/muc#roomconfig');
      assert.deepEqual([before[`${F}moderatedroom`], before[`${F}membersonly`], before[`${F}passwordprotectedroom`], before[`${F}maxusers`], before[`${F}publicroom`]], ['false', 'false', 'false', '', 'true']);
      const subjectByAnyone = before[`${F}changesubject`] === 'true';
      await submit({ [`${F}changesubject`]: String(!subjectByAnyone), [`${F}moderatedroom`]: '1', [`${F}passwordprotectedroom`]: '1', [`${F}roomsecret`]: 'door-key', [`${F}maxusers`]: '10', [`${F}publicroom`]: '0' });
      await carol.waitForLine(new RegExp(`^:alice!\\S+ MODE #lobby ${subjectByAnyone ? '\\+tms' : '-t\\+ms'}lk 10 door-key$`), WAIT_MS);
      const after = formValues((await owner('get')).getChild('query', NS_MUC_OWNER));
      assert.deepEqual([after[`${F}changesubject`], after[`${F}moderatedroom`], after[`${F}roomsecret`], after[`${F}maxusers`], after[`${F}publicroom`]], [String(!subjectByAnyone), 'true', 'door-key', '10', 'false']);
      assert.deepEqual(calls, [`checkVisibilityCanBeModified #lobby private`]);
      // Bad values are refused before anything is sent.
      const modeLines = (): number => carol.lines.filter((l) => /^:alice!\S+ MODE #lobby [+-][a-z]*[tmslki]/.test(l)).length;
      const sent = modeLines();
      assert.equal((await ownerFailure({ [`${F}roomsecret`]: 'two words' }))?.condition, 'not-acceptable');
      assert.equal((await ownerFailure({ [`${F}maxusers`]: '100000' }))?.condition, 'not-acceptable');
      // Making it public: checkVisibilityCanBeModified, then userMayPublishRoom, which refuses.
      const hidden = await ownerFailure({ [`${F}publicroom`]: '1' });
      assert.equal(hidden?.condition, 'forbidden');
      assert.deepEqual(calls.slice(1), ['checkVisibilityCanBeModified #lobby public', 'userMayPublishRoom #lobby']);
      // Another key: -k the old one, then +k the new one (InspIRCd refuses +k over a key; ngIRCd's -k takes no parameter).
      await submit({ [`${F}passwordprotectedroom`]: '1', [`${F}roomsecret`]: 'new-key' });
      await carol.waitForLine(/^:alice!\S+ MODE #lobby -k/, WAIT_MS);
      await carol.waitForLine(/^:alice!\S+ MODE #lobby \+k new-key$/, WAIT_MS);
      // Taking the key and the limit off.
      await submit({ [`${F}passwordprotectedroom`]: '0', [`${F}maxusers`]: '' });
      await carol.waitForLine(/^:alice!\S+ MODE #lobby -lk/, WAIT_MS);
      assert.equal(modeLines(), sent + 3);
      // No longer op: the form is refused in words.
      carol.send('MODE #lobby -o alice');
      await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === `${room}/alice` && s.getChild('x', NS_MUC_USER)?.getChild('item')?.attrs.affiliation !== 'admin', WAIT_MS);
      const notOp = await owner('get').then(() => undefined, (error: { condition?: string; text?: string }) => error);
      assert.equal(notOp?.condition, 'forbidden');
      assert.match(notOp?.text ?? '', /operator \(@\)/);
    });
  });
}
