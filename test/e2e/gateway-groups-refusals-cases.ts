/**
 * Gateway group chats, bad input on joins (issue 18; docs/gateway.md "Group chats") on a real
 * XMPP server (Prosody: gateway-groups-refusals.test.ts, ejabberd: …-ejabberd.test.ts) and ngIRCd: a keyed channel (no password, a wrong one, one no JOIN line can carry, the right
 * one as the XEP-0045 `<password/>`), a full channel, a channel that bans the person, and a
 * nick already taken in the channel: each an XMPP presence error the client shows (or, for the
 * nick, the join with the person's own IRC nick and status 210), and the session goes on.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineModule } from '../../src/modules/public.js';
import { startNgircd, startXmppServer, xmppServerLabel, type XmppServerKind } from '../support/servers.js';
import { connectRawIrc, connectXmppClient, NS_MUC, NS_MUC_USER, xml, type XmlElement } from '../support/clients.js';
import { makeTempDir } from '../support/switchboard-process.js';
import { startGatewayHub } from './gateway-hub.js';

const WAIT_MS = 15_000;
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

const noModule = defineModule({ name: 'no-callbacks', setup: () => undefined });

function errorOf(stanza: XmlElement): { condition: string | undefined; text: string } {
  const error = stanza.getChild('error');
  const condition = error?.children.find((c): c is XmlElement => typeof c !== 'string' && c.attrs.xmlns === NS_STANZAS && c.name !== 'text')?.name;
  return { condition, text: error?.getChildText('text', NS_STANZAS) ?? '' };
}

/** The join refusals on one XMPP server. */
export function describeJoinRefusals(kind: XmppServerKind): void {
  void describe(`gateway room joins refused on ${xmppServerLabel(kind)} and ngIRCd`, () => {
    it('keyed, full and banning channels and a taken nick on join: errors the client shows, the session goes on', { timeout: 120_000 }, async (t) => {
      const [xmpp, irc] = await Promise.all([startXmppServer(kind, { users: [['alice', 'alicepw']] }), startNgircd()]);
      t.after(() => Promise.all([xmpp.stop(), irc.stop()]));
      const dir = makeTempDir('switchboard-gateway-refusals-');
      await startGatewayHub(t, { xmpp, irc, dir, module: noModule, options: { loginIntervalMs: 50, legacy: { protocol: 'irc', host: irc.host, port: irc.port, tls: false, connectTimeoutMs: 5000 } } });
      const domain = xmpp.componentDomain;
      const alice = await connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: 'alice', password: 'alicepw', resource: 'laptop' });
      t.after(() => alice.close());
      const carol = await connectRawIrc({ host: irc.host, port: irc.port, nick: 'carol' });
      t.after(() => carol.close());
      for (const [channel, modes] of [['#keyed', '+k sesame'], ['#full', '+l 1'], ['#banned', '+b alice!*@*'], ['#open', '']] as const) {
        carol.send(`JOIN ${channel}`);
        await carol.waitForLine(new RegExp(` 366 carol ${channel} `), WAIT_MS);
        if (modes !== '') {
          carol.send(`MODE ${channel} ${modes}`);
          await carol.waitForLine(new RegExp(`MODE ${channel} \\${modes.split(' ')[0]}`), WAIT_MS);
        }
      }
      await alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: 'jabber:iq:register' },
        xml('x', { xmlns: 'jabber:x:data', type: 'submit' }, xml('field', { var: 'nick' }, xml('value', {}, 'alice')), xml('field', { var: 'auth' }, xml('value', {}, 'none'))))), WAIT_MS);
      await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === domain && s.getChildText('status') === 'Connected as alice', WAIT_MS);

      /** A join presence (with a password when given) and the answer: an error or the self-presence. */
      const join = async (room: string, nick: string, password?: string): Promise<XmlElement> => {
        const occupant = `${room}@${domain}/${nick}`;
        const seen = alice.stanzas.length;
        await alice.send(xml('presence', { to: occupant }, xml('x', { xmlns: NS_MUC }, password === undefined ? null : xml('password', {}, password))));
        return alice.waitForStanza((s) => alice.stanzas.indexOf(s) >= seen && s.is('presence') && (s.attrs.type === 'error'
          || ((s.attrs.from ?? '').startsWith(`${room}@${domain}/`) && (s.getChild('x', NS_MUC_USER)?.getChildren('status') ?? []).some((c) => c.attrs.code === '110'))), WAIT_MS);
      };

      const keyless = errorOf(await join('#keyed', 'alice'));
      assert.equal(keyless.condition, 'not-authorized');
      assert.match(keyless.text, /^#keyed: the channel needs a key \(\+k\): give it as the room password \(the server said /);
      assert.equal(errorOf(await join('#keyed', 'alice', 'wrong')).condition, 'not-authorized');
      const spaced = errorOf(await join('#keyed', 'alice', 'two words'));
      assert.equal(spaced.condition, 'not-acceptable');
      assert.match(spaced.text, /no spaces, commas or control characters/);
      const full = errorOf(await join('#full', 'alice'));
      assert.equal(full.condition, 'service-unavailable');
      assert.match(full.text, /^#full: the channel is full \(\+l\)/);
      const banned = errorOf(await join('#banned', 'alice'));
      assert.equal(banned.condition, 'forbidden');
      assert.match(banned.text, /^#banned: you are banned from the channel \(\+b\)/);
      assert.equal(carol.lines.filter((l) => /^:alice!\S+ JOIN /.test(l)).length, 0, 'no join went through');

      // The right key joins.
      const keyed = await join('#keyed', 'alice', 'sesame');
      assert.equal(keyed.attrs.type, undefined);
      await carol.waitForLine(/^:alice!\S+ JOIN :?#keyed$/, WAIT_MS);

      // A nick taken in the room: IRC keeps the person's own nick; the self-presence says so (210).
      const renamed = await join('#open', 'carol');
      assert.equal(renamed.attrs.from, `#open@${domain}/alice`);
      assert.deepEqual((renamed.getChild('x', NS_MUC_USER)?.getChildren('status') ?? []).map((s) => s.attrs.code), ['110', '210']);

      // The session goes on: a message both ways in the keyed channel.
      await alice.send(xml('message', { type: 'groupchat', to: `#keyed@${domain}` }, xml('body', {}, 'in with the key')));
      await carol.waitForLine(/^:alice!\S+ PRIVMSG #keyed :in with the key$/, WAIT_MS);
      carol.send('PRIVMSG #keyed :welcome');
      await alice.waitForStanza((s) => s.is('message') && s.attrs.from === `#keyed@${domain}/carol` && s.getChildText('body') === 'welcome', WAIT_MS);
    });
  });
}
