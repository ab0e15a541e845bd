/**
 * Puppets in rooms without a server: the room's answers are played by the test. One join per
 * person and room, suffixes on a taken nick, refusals, the room cap, leaving (the nick stays ours
 * until the bot sees it go), the idle timeout and a lost connection.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
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

  it('forget everything when the connection is lost: joins in progress give up', async () => {
    const { puppets, tick } = setup();
    const joining = puppets.ensure(ROOM, alice);
    await tick();
    puppets.forgetAll();
    assert.equal(await joining, undefined);
    assert.ok(!puppets.isPuppetNick(ROOM, 'alice'));
  });
});
