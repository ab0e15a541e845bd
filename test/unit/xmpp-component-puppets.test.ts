/**
 * Puppets in rooms without a server: the room's answers are played by the test. One join per
 * person and room, suffixes on a taken nick, refusals, the room cap, leaving (the nick stays ours
 * until the bot sees it go), the idle timeout and a lost connection.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { UserRef } from '../../src/core/refs.js';
import { REFUSAL_RETRY_MS } from '../../src/networks/xmpp-component/puppet-rooms.js';
import { alice, bob, ROOM, setup } from './puppet-rooms-fixture.js';

describe('puppets in rooms', () => {
  it('join once per person and room, from their own JID under their nick', async () => {
    const { puppets, sent, accept, tick } = setup();
    const first = puppets.ensure(ROOM, alice);
    const second = puppets.ensure(ROOM, alice);
    await tick();
    assert.equal(sent.length, 1);
    assert.deepEqual([sent[0]?.attrs.from, sent[0]?.attrs.to], ['alice\\40irc@irc.example.org/switchboard', `${ROOM}/alice`]);
    accept();
    const [a, b] = await Promise.all([first, second]);
    assert.equal(a, b);
    assert.equal(a?.state, 'joined');
    assert.equal(await puppets.ensure(ROOM, alice), a);
    assert.equal(sent.length, 1);
    assert.ok(puppets.isPuppetNick(ROOM, 'alice'));
  });

  it('take the next suffix when the nick is taken, locally or by the room', async () => {
    const { puppets, sent, accept, refuse, tick } = setup({ taken: ['alice'] });
    const joining = puppets.ensure(ROOM, alice);
    await tick();
    assert.equal(sent.at(-1)?.attrs.to, `${ROOM}/alice_1`);
    refuse('conflict');
    await tick();
    assert.equal(sent.at(-1)?.attrs.to, `${ROOM}/alice_2`);
    assert.ok(!puppets.isPuppetNick(ROOM, 'alice_1'));
    accept();
    assert.equal((await joining)?.nick, 'alice_2');
  });

  it('have none where the room refuses them or is full', async () => {
    const { puppets, accept, refuse, tick } = setup({ maxPerRoom: 1 });
    const joining = puppets.ensure(ROOM, alice);
    await tick();
    refuse('forbidden');
    assert.equal(await joining, undefined);
    assert.ok(!puppets.isPuppetNick(ROOM, 'alice'));
    const bobs = puppets.ensure(ROOM, bob);
    await tick();
    accept();
    assert.ok(await bobs);
    assert.equal(await puppets.ensure(ROOM, alice), undefined, 'the room has its one puppet');
  });

  it('leave with a reason; the nick stays ours until the bot sees it go', async () => {
    const { puppets, sent, accept, tick } = setup();
    const joining = puppets.ensure(ROOM, alice);
    await tick();
    accept();
    await joining;
    await puppets.leave(ROOM, alice, 'bye');
    assert.deepEqual([sent.at(-1)?.attrs.type, sent.at(-1)?.getChildText('status')], ['unavailable', 'bye']);
    assert.ok(puppets.isPuppetNick(ROOM, 'alice'));
    puppets.sawUnavailable(ROOM, 'alice');
    assert.ok(!puppets.isPuppetNick(ROOM, 'alice'));
    await puppets.leave(ROOM, bob, 'never here'); // nothing to do
    assert.equal(sent.length, 2);
  });

  it('leave when idle, and join again with the next message', async () => {
    const { puppets, sent, accept, tick, advance } = setup();
    for (const person of [alice, bob]) {
      const joining = puppets.ensure(ROOM, person);
      await tick();
      accept();
      await joining;
    }
    advance(50_000);
    await puppets.ensure(ROOM, bob); // bob speaks
    advance(20_000);
    const goodbyes = puppets.sweepIdle(60_000, 'idle');
    assert.deepEqual(goodbyes.map((el) => el.attrs.from), ['alice\\40irc@irc.example.org/switchboard']);
    puppets.sawUnavailable(ROOM, 'alice');
    const again = puppets.ensure(ROOM, alice);
    await tick();
    assert.equal(sent.at(-1)?.attrs.type, undefined, 'a new join');
    accept();
    assert.equal((await again)?.state, 'joined');
  });

  it('a puppet brought by the person being in the channel (a join) stays without speaking; one brought by a message leaves when idle', async () => {
    const { puppets, accept, tick, advance } = setup();
    const present = puppets.ensure(ROOM, alice, { present: true });
    await tick();
    accept();
    assert.equal((await present)?.present, true);
    const spoke = puppets.ensure(ROOM, bob);
    await tick();
    accept();
    await spoke;
    advance(120_000);
    const goodbyes = puppets.sweepIdle(60_000, 'idle');
    assert.deepEqual(goodbyes.map((el) => el.attrs.from), ['bob\\40irc@irc.example.org/switchboard']);
    // bob's later join makes his puppet stay too.
    puppets.sawUnavailable(ROOM, 'bob');
    const again = puppets.ensure(ROOM, bob, { present: true });
    await tick();
    accept();
    assert.equal((await again)?.present, true);
    advance(120_000);
    assert.deepEqual(puppets.sweepIdle(60_000, 'idle'), []);
  });

  it('forget everything when the connection is lost: joins in progress give up', async () => {
    const { puppets, tick } = setup();
    const joining = puppets.ensure(ROOM, alice);
    await tick();
    puppets.forgetAll();
    assert.equal(await joining, undefined);
    assert.ok(!puppets.isPuppetNick(ROOM, 'alice'));
  });

  it('remember where the joined puppets were when the connection is lost, once, and not after a clean shutdown', async () => {
    const { puppets, accept, tick } = setup();
    const joining = puppets.ensure(ROOM, alice);
    await tick();
    accept();
    await joining;
    const pending = puppets.ensure(ROOM, bob); // still joining: not remembered
    await tick();
    puppets.forgetAll();
    assert.equal(await pending, undefined);
    puppets.forgetAll(); // a reconnect that failed before any puppet joined keeps the list
    assert.deepEqual(puppets.takeRejoins(), [{ room: ROOM, person: alice }]);
    assert.deepEqual(puppets.takeRejoins(), []);

    const again = puppets.ensure(ROOM, alice);
    await tick();
    accept();
    await again;
    puppets.leaveAll('bye');
    assert.deepEqual(puppets.takeRejoins(), []);
  });

  it('send at most maxJoinsInFlight joins at once; the others wait for a slot, and give up when the connection goes', async () => {
    const { puppets, sent, accept, tick } = setup({ maxJoinsInFlight: 2 });
    const people = ['a', 'b', 'c', 'd'].map((id): UserRef => ({ network: 'irc', id, nick: id }));
    const joins = people.map((p) => puppets.ensure(ROOM, p));
    await tick();
    assert.deepEqual(sent.map((el) => el.attrs.to), [`${ROOM}/a`, `${ROOM}/b`]);
    accept(sent[0]);
    await tick();
    assert.deepEqual(sent.map((el) => el.attrs.to), [`${ROOM}/a`, `${ROOM}/b`, `${ROOM}/c`]);
    assert.equal((await joins[0])?.state, 'joined');
    puppets.forgetAll();
    assert.deepEqual(await Promise.all(joins.slice(1)), [undefined, undefined, undefined]);
    await tick();
    assert.equal(sent.length, 3, 'd waited for a slot and was never sent');
  });

  it('do not send a join that waited for a slot once the bot left the room', async () => {
    const { puppets, sent, accept, tick } = setup({ maxJoinsInFlight: 1 });
    const first = puppets.ensure(ROOM, alice);
    const second = puppets.ensure(ROOM, bob);
    await tick();
    puppets.leaveRoom(ROOM, 'bye');
    accept(sent[0]);
    assert.equal(await second, undefined);
    await first;
    await tick();
    assert.deepEqual(sent.map((el) => el.attrs.to), [`${ROOM}/alice`]);
  });

  it('a room that refused someone (a ban) is not asked again for a while: their messages go through the bot at once', async () => {
    const { puppets, sent, refuse, accept, tick, advance } = setup();
    const refused = puppets.ensure(ROOM, alice);
    await tick();
    refuse('forbidden');
    assert.equal(await refused, undefined);
    assert.equal(await puppets.ensure(ROOM, alice), undefined);
    assert.equal(sent.length, 1, 'no second join while the refusal stands');
    const other = puppets.ensure(ROOM, bob); // others are unaffected
    await tick();
    accept();
    assert.equal((await other)?.state, 'joined');
    advance(REFUSAL_RETRY_MS + 1);
    const again = puppets.ensure(ROOM, alice);
    await tick();
    assert.equal(sent.at(-1)?.attrs.to, `${ROOM}/alice`);
    accept();
    assert.equal((await again)?.state, 'joined');
  });
});
