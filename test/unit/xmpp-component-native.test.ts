/**
 * Puppets acting natively, without a server: nick changes (suffixes, refusals, the old nick
 * counted as ours until the bot sees the change), away in presences, typing notifications (only
 * on change, `composing` expiring into `paused`), a quit leaving every room, a lost network's
 * people leaving; the IRC typing tag; the bounded away memory.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { UserRef } from '../../src/core/refs.js';
import { typingStateOf } from '../../src/networks/irc/tags.js';
import { chatStateChange, chatStateEnded, type ChatStateHolder } from '../../src/networks/xmpp-component/puppet-chat-states.js';
import { AwayStates, presencePayload } from '../../src/networks/xmpp-component/puppet-presence.js';
import { isNickChange, personKey } from '../../src/networks/xmpp-component/puppet-rooms.js';
import { alice, bob, NS_MUC_USER, ROOM, setup } from './puppet-rooms-fixture.js';
import xml from '@xmpp/xml';

const ALICE_JID = 'alice\\40irc@irc.example.org/switchboard';
const alicia: UserRef = { network: 'irc', id: 'alicia', nick: 'alicia' };
const OTHER_ROOM = 'side@conference.example.org';
const NS_CHAT_STATES = 'http://jabber.org/protocol/chatstates';

describe('puppet nick changes', () => {
  it('ask the room for the new nick, keep the JID, and are known by the new person from then on', async () => {
    const { puppets, sent, joined, nickChanged, tick } = setup();
    await joined(alice);
    const changing = puppets.changeNick(ROOM, alice, alicia);
    await tick();
    const ask = sent.at(-1)!;
    assert.deepEqual([ask.attrs.from, ask.attrs.to, ask.attrs.type], [ALICE_JID, `${ROOM}/alicia`, undefined]);
    assert.equal(ask.getChild('x', 'http://jabber.org/protocol/muc'), undefined, 'a nick change, not a join');
    assert.ok(puppets.isPuppetNick(ROOM, 'alicia'), 'the new nick is ours before the room answers');
    nickChanged(ALICE_JID, 'alice', 'alicia');
    assert.equal(await changing, true);
    const puppet = puppets.joinedPuppet(ROOM, alicia);
    assert.deepEqual([puppet?.nick, puppet?.jid], ['alicia', ALICE_JID]);
    assert.equal(puppets.joinedPuppet(ROOM, alice), undefined);
    assert.equal(puppets.joinedWithJid(ROOM, ALICE_JID), puppet, 'what it sent before is still its own (retractions)');
    assert.deepEqual(puppets.personAt(ROOM, 'alicia'), alicia);
    // The old nick stays ours until the bot sees the change, so its presence is not taken for someone leaving.
    assert.ok(puppets.isPuppetNick(ROOM, 'alice'));
    puppets.sawUnavailable(ROOM, 'alice', true);
    assert.ok(!puppets.isPuppetNick(ROOM, 'alice'));
    assert.ok(puppets.isPuppetNick(ROOM, 'alicia'));
  });

  it('drop the old nick at once when the bot saw the change first', async () => {
    const { puppets, joined, nickChanged, tick } = setup();
    await joined(alice);
    const changing = puppets.changeNick(ROOM, alice, alicia);
    await tick();
    puppets.sawUnavailable(ROOM, 'alice', true); // the bot's copy first: the puppet stays
    assert.ok(puppets.joinedPuppet(ROOM, alicia));
    nickChanged(ALICE_JID, 'alice', 'alicia');
    assert.equal(await changing, true);
    assert.ok(!puppets.isPuppetNick(ROOM, 'alice'));
  });

  it('take a suffix when the room says the nick is taken; give up (false, the old person kept) when it refuses otherwise', async () => {
    const { puppets, sent, joined, refuse, accept, tick } = setup({ taken: ['alicia'] });
    await joined(alice);
    const changing = puppets.changeNick(ROOM, alice, alicia);
    await tick();
    assert.equal(sent.at(-1)?.attrs.to, `${ROOM}/alicia_1`, 'a nick someone else holds is not even asked for');
    refuse('conflict');
    await tick();
    assert.equal(sent.at(-1)?.attrs.to, `${ROOM}/alicia_2`);
    accept(); // the room answers with the new nick's self-presence only
    assert.equal(await changing, true);
    assert.equal(puppets.joinedPuppet(ROOM, alicia)?.nick, 'alicia_2');
    assert.ok(!puppets.isPuppetNick(ROOM, 'alicia_1'));

    const back = puppets.changeNick(ROOM, alicia, alice);
    await tick();
    refuse('not-acceptable');
    assert.equal(await back, false);
    assert.equal(puppets.joinedPuppet(ROOM, alicia)?.nick, 'alicia_2', 'still there under its nick, for the caller to take out');
    assert.equal(puppets.joinedPuppet(ROOM, alice), undefined);
  });

  it('are false for someone without a puppet in the room', async () => {
    const { puppets, sent } = setup();
    assert.equal(await puppets.changeNick(ROOM, alice, alicia), false);
    assert.equal(sent.length, 0);
  });

  it('follow a nick the room gave the puppet by itself', async () => {
    const { puppets, joined, nickChanged } = setup();
    await joined(alice);
    nickChanged(ALICE_JID, 'alice', 'alice-renamed');
    assert.equal(puppets.joinedPuppet(ROOM, alice)?.nick, 'alice-renamed');
  });

  it('are told apart from other unavailable presences by status 303', () => {
    const status = (code: string) => xml('presence', { type: 'unavailable' }, xml('x', { xmlns: NS_MUC_USER }, xml('status', { code })));
    assert.ok(isNickChange(status('303')));
    assert.ok(!isNickChange(status('307')));
    assert.ok(!isNickChange(xml('presence', { type: 'unavailable' })));
  });
});

describe('puppet away states', () => {
  it('go out as a presence update once per change, and with the join of a puppet that comes later', async () => {
    const { puppets, sent, joined, tick, accept } = setup();
    await joined(alice);
    const first = puppets.awayChanged(ROOM, alice, 'lunch');
    assert.equal(first.present, true);
    assert.deepEqual([first.update?.attrs.to, first.update?.getChildText('show'), first.update?.getChildText('status')], [`${ROOM}/alice`, 'away', 'lunch']);
    assert.equal(puppets.awayChanged(ROOM, alice, 'lunch').update, undefined, 'the same state again: nothing');
    const back = puppets.awayChanged(ROOM, alice, '').update;
    assert.deepEqual([back?.getChild('show'), back?.getChild('status')], [undefined, undefined]);

    // bob is away before his puppet joins: not present, but his join says so.
    assert.deepEqual(puppets.awayChanged(ROOM, bob, 'busy'), { present: false });
    const joining = puppets.ensure(ROOM, bob);
    await tick();
    assert.equal(sent.at(-1)?.getChildText('show'), 'away');
    accept();
    await joining;
    assert.equal(puppets.awayChanged(ROOM, bob, 'busy').update, undefined);
  });

  it('follow the person through a nick change, and are forgotten on a quit', async () => {
    const { puppets, sent, joined, nickChanged, tick } = setup();
    await joined(alice);
    puppets.awayChanged(ROOM, alice, 'lunch');
    const changing = puppets.changeNick(ROOM, alice, alicia);
    await tick();
    assert.equal(sent.at(-1)?.getChildText('show'), 'away', 'the nick change presence keeps the away state');
    nickChanged(ALICE_JID, 'alice', 'alicia');
    await changing;
    assert.equal(puppets.away.get(personKey(alicia)), 'lunch');
    await puppets.leave(ROOM, alicia, 'bye', true);
    assert.equal(puppets.away.get(personKey(alicia)), undefined);
  });

  it('carry at most a bounded status text, without characters XML cannot hold', () => {
    const payload = presencePayload(`a\u0000b${'x'.repeat(1000)}`);
    assert.equal(payload[0]?.text(), 'away');
    assert.equal(payload[1]?.text(), `ab${'x'.repeat(298)}`);
    assert.deepEqual(presencePayload(undefined), []);
    assert.equal(presencePayload('   ').length, 1, 'away without a text: no status');
  });

  it('are remembered for a bounded number of people, the oldest forgotten first', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.constantFrom('', 'away', 'lunch')), { maxLength: 200 }), (changes) => {
      const states = new AwayStates(5);
      const model = new Map<string, string>();
      for (const [who, text] of changes) {
        const key = `irc\u0000p${who}`;
        states.set(key, text);
        model.delete(key);
        if (text !== '') model.set(key, text);
        if (model.size > 5) model.delete(model.keys().next().value as string);
      }
      assert.ok(states.size <= 5);
      for (let who = 0; who <= 20; who++) assert.equal(states.get(`irc\u0000p${who}`), model.get(`irc\u0000p${who}`));
    }));
  });
});

describe('puppet typing', () => {
  it('is sent only on change, only for a puppet in the room, never `gone`', async () => {
    const { puppets, joined } = setup();
    assert.deepEqual(puppets.typing(ROOM, alice, 'composing'), { present: false });
    await joined(alice);
    const composing = puppets.typing(ROOM, alice, 'composing').notification;
    assert.deepEqual([composing?.attrs.from, composing?.attrs.to, composing?.attrs.type], [ALICE_JID, ROOM, 'groupchat']);
    assert.ok(composing?.getChild('composing', NS_CHAT_STATES));
    assert.equal(puppets.typing(ROOM, alice, 'composing').notification, undefined, 'a refresh is not repeated');
    assert.ok(puppets.typing(ROOM, alice, 'active').notification?.getChild('active', NS_CHAT_STATES));
    assert.equal(puppets.typing(ROOM, alice, 'gone').notification, undefined);
    // Her message ends the typing (and says so when the room was shown some): a later `active` has nothing to say.
    puppets.typing(ROOM, alice, 'composing');
    const puppet = puppets.joinedPuppet(ROOM, alice)!;
    assert.equal(puppets.endTyping(puppet), true);
    assert.equal(puppets.endTyping(puppet), false);
    assert.equal(puppets.typing(ROOM, alice, 'active').notification, undefined);
    puppets.forgetAll(); // stops the timers
  });

  it('turns an unrefreshed composing into paused', async () => {
    const sent: string[] = [];
    const holder: ChatStateHolder = { jid: ALICE_JID, room: ROOM, state: 'joined' };
    const send = (el: ReturnType<typeof xml>) => sent.push(String(el.children.find((c) => typeof c !== 'string')?.name));
    const first = chatStateChange(holder, 'composing', send, 20);
    assert.ok(first);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.deepEqual(sent, ['paused']);
    chatStateChange(holder, 'composing', send, 20);
    chatStateEnded(holder); // a message: no paused later
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.deepEqual(sent, ['paused']);
    assert.equal(chatStateChange({ ...holder, state: 'leaving' }, 'composing', send), undefined);
  });

  it('maps the IRC typing tag: active → composing, paused → paused, done → active', () => {
    assert.equal(typingStateOf({ '+typing': 'active' }), 'composing');
    assert.equal(typingStateOf({ '+typing': 'paused' }), 'paused');
    assert.equal(typingStateOf({ '+draft/typing': 'done' }), 'active');
    assert.equal(typingStateOf({ '+typing': 'bogus' }), undefined);
    assert.equal(typingStateOf({ msgid: 'x' }), undefined);
  });
});

describe('puppets leaving', () => {
  it('leave every room on a quit, only the one room on a part', async () => {
    const { puppets, sent, joined } = setup();
    await joined(alice, ROOM);
    await joined(alice, OTHER_ROOM);
    await joined(bob, OTHER_ROOM);
    const before = sent.length;
    await puppets.leave(ROOM, bob, 'not here'); // bob has no puppet in ROOM
    assert.equal(sent.length, before);
    await puppets.leave(OTHER_ROOM, alice, 'part');
    assert.deepEqual(sent.slice(before).map((el) => [el.attrs.to, el.attrs.type]), [[`${OTHER_ROOM}/alice`, 'unavailable']]);
    puppets.sawUnavailable(OTHER_ROOM, 'alice');
    await joined(alice, OTHER_ROOM);
    const mark = sent.length;
    await puppets.leave(ROOM, alice, 'Quit: bye', true);
    assert.deepEqual(sent.slice(mark).map((el) => [el.attrs.to, el.getChildText('status')]).sort(),
      [[`${ROOM}/alice`, 'Quit: bye'], [`${OTHER_ROOM}/alice`, 'Quit: bye']]);
    assert.ok(puppets.joinedPuppet(OTHER_ROOM, bob), 'the others stay');
  });

  it('a person who joins another room while in one keeps their one JID there', async () => {
    const { puppets, joined, nickChanged, tick, sent } = setup();
    await joined(alice, ROOM);
    const changing = puppets.changeNick(ROOM, alice, alicia);
    await tick();
    nickChanged(ALICE_JID, 'alice', 'alicia');
    await changing;
    const joining = puppets.ensure(OTHER_ROOM, alicia);
    await tick();
    assert.deepEqual([sent.at(-1)?.attrs.from, sent.at(-1)?.attrs.to], [ALICE_JID, `${OTHER_ROOM}/alicia`]);
    puppets.forgetAll();
    await joining;
  });

  it('someone who takes the nick a renamed puppet had gets its JID with another resource, never the same full JID', async () => {
    const { puppets, joined, nickChanged, tick, sent } = setup();
    await joined(alice, ROOM);
    const changing = puppets.changeNick(ROOM, alice, alicia);
    await tick();
    nickChanged(ALICE_JID, 'alice', 'alicia');
    await changing;
    puppets.sawUnavailable(ROOM, 'alice', true);
    const newAlice: UserRef = { network: 'irc', id: 'alice', nick: 'alice' };
    const joining = puppets.ensure(ROOM, newAlice);
    await tick();
    assert.deepEqual([sent.at(-1)?.attrs.from, sent.at(-1)?.attrs.to], [`${ALICE_JID}-1`, `${ROOM}/alice`]);
    puppets.forgetAll();
    await joining;
  });

  it('everyone of a network that is gone leaves every room', async () => {
    const { puppets, sent, joined } = setup();
    const carl: UserRef = { network: 'client', id: 'side@conference.example.org/carl', nick: 'carl' };
    await joined(alice, ROOM);
    await joined(carl, ROOM);
    await joined(bob, OTHER_ROOM);
    const mark = sent.length;
    await puppets.leaveNetwork('irc', 'irc is unreachable');
    assert.deepEqual(sent.slice(mark).map((el) => el.attrs.to).sort(), [`${ROOM}/alice`, `${OTHER_ROOM}/bob`]);
    assert.ok(puppets.joinedPuppet(ROOM, carl));
  });
});
