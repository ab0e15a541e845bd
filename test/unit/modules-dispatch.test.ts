import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { defineModule } from '../../src/modules/define.js';
import { Codes, NOT_SPAM } from '../../src/modules/callbacks/values.js';
import type { JoinRefusal } from '../../src/modules/callbacks/join-guard.js';
import type { BridgeConfig } from '../../src/config/types.js';
import type { AnyEvent } from '../../src/core/event.js';
import { alice, bob, lobby, messageEvent, room, setUpModules, textOf, type Harness } from './modules-harness.js';

const bridge: BridgeConfig = { name: 'main', channels: [lobby, room], options: {} };

describe('inbound events: shouldDropFederatedEvent → checkEventForSpam → checkEventAllowed → listeners (onNewEvent, on)', () => {
  const harnesses: Harness[] = [];
  after(async () => Promise.all(harnesses.map((h) => h.close())));
  const setUp = async (modules: Parameters<typeof setUpModules>[0], bridges: readonly BridgeConfig[] = []) => {
    const h = await setUpModules(modules, bridges);
    harnesses.push(h);
    return h;
  };

  /** Module `name` registers every stage and writes `name:stage:text` to `trace`. */
  const tracing = (name: string, trace: string[], refuseText?: string) => defineModule({
    name,
    setup(api) {
      const note = (stage: string) => (event: AnyEvent) => void trace.push(`${name}:${stage}:${textOf(event)}`);
      api.registerSpamCheckerCallbacks({
        shouldDropFederatedEvent: (event) => { note('drop?')(event); return false; },
        checkEventForSpam: (event) => { note('spam')(event); return textOf(event) === refuseText ? Codes.FORBIDDEN : NOT_SPAM; },
      });
      api.registerThirdPartyRulesCallbacks({
        checkEventAllowed: (event) => { note('allowed')(event); return true; },
        onNewEvent: note('new'),
      });
      api.on('MESSAGE', note('on'));
      api.on('*', note('star'));
    },
  });

  it('runs every spam check before any third-party rule, then the listeners in module order', async () => {
    const trace: string[] = [];
    const h = await setUp([tracing('a', trace), tracing('b', trace)]);
    h.dispatcher.ingest(messageEvent('hello'));
    assert.equal(await h.dispatcher.drain(5000), true);
    assert.deepEqual(trace, [
      'a:drop?:hello', 'b:drop?:hello',
      'a:spam:hello', 'b:spam:hello',
      'a:allowed:hello', 'b:allowed:hello',
      'a:new:hello', 'a:on:hello', 'a:star:hello',
      'b:new:hello', 'b:on:hello', 'b:star:hello',
    ]);
  });

  it('a spam refusal stops the event: no third-party rule, no onNewEvent, no listener', async () => {
    const trace: string[] = [];
    const h = await setUp([tracing('a', trace), tracing('b', trace, 'buy now')]);
    h.dispatcher.ingest(messageEvent('buy now'));
    assert.equal(await h.dispatcher.drain(5000), true);
    assert.deepEqual(trace, ['a:drop?:buy now', 'b:drop?:buy now', 'a:spam:buy now', 'b:spam:buy now']);
    const rejected = h.captured.lines.find((l) => l.msg === 'event rejected');
    assert.equal(rejected?.reason, `module b: ${Codes.FORBIDDEN}`);
  });

  it('a check that throws refuses the event; an onNewEvent that throws is logged and the next module still sees the event', async () => {
    const seen: string[] = [];
    const h = await setUp([
      defineModule({ name: 'flaky', setup: (api) => void api.registerThirdPartyRulesCallbacks({ onNewEvent: () => { throw new Error('boom'); } }) }),
      defineModule({ name: 'audit', setup: (api) => void api.registerThirdPartyRulesCallbacks({ onNewEvent: (e) => void seen.push(textOf(e)) }) }),
    ]);
    h.dispatcher.ingest(messageEvent('one'));
    assert.equal(await h.dispatcher.drain(5000), true);
    assert.deepEqual(seen, ['one']);
    assert.deepEqual(h.errors(), [['flaky', 'listener failed']]);

    const h2 = await setUp([
      defineModule({ name: 'broken-spam', setup: (api) => void api.registerSpamCheckerCallbacks({ checkEventForSpam: () => { throw new Error('down'); } }) }),
      defineModule({ name: 'audit', setup: (api) => void api.registerThirdPartyRulesCallbacks({ onNewEvent: (e) => void seen.push(`h2:${textOf(e)}`) }) }),
    ]);
    h2.dispatcher.ingest(messageEvent('two'));
    assert.equal(await h2.dispatcher.drain(5000), true);
    assert.deepEqual(seen, ['one']);
  });

  it('checkEventAllowed replacements reach onNewEvent and the listeners', async () => {
    const seen: string[] = [];
    const h = await setUp([
      defineModule({
        name: 'shout',
        setup: (api) => void api.registerThirdPartyRulesCallbacks({
          checkEventAllowed: (e) => e.command === 'MESSAGE'
            ? [true, { ...e, args: { ...e.args, message: { ...e.args.message, body: [{ type: 'text', text: textOf(e).toUpperCase() }] } } }]
            : true,
        }),
      }),
      defineModule({ name: 'reader', setup: (api) => { api.registerThirdPartyRulesCallbacks({ onNewEvent: (e) => void seen.push(`new:${textOf(e)}`) }); api.on('MESSAGE', (e) => void seen.push(`on:${textOf(e)}`)); } }),
    ]);
    h.dispatcher.ingest(messageEvent('quiet'));
    assert.equal(await h.dispatcher.drain(5000), true);
    assert.deepEqual(seen, ['new:QUIET', 'on:QUIET']);
  });

  it('a dropped federated event stops before the spam checks', async () => {
    const trace: string[] = [];
    const h = await setUp([
      defineModule({ name: 'dropper', setup: (api) => void api.registerSpamCheckerCallbacks({ shouldDropFederatedEvent: (e) => textOf(e) === 'bad' }) }),
      tracing('t', trace),
    ]);
    h.dispatcher.ingest(messageEvent('bad'));
    h.dispatcher.ingest(messageEvent('good'));
    assert.equal(await h.dispatcher.drain(5000), true);
    assert.deepEqual(trace.filter((t) => t.endsWith(':bad')), []);
    assert.equal(trace.includes('t:new:good'), true);
  });

  it('DISCONNECT, made by the hub, is not checked', async () => {
    const seen: string[] = [];
    const h = await setUp([
      defineModule({ name: 'deny-all', setup: (api) => void api.registerSpamCheckerCallbacks({ checkEventForSpam: () => Codes.FORBIDDEN }) }),
      defineModule({ name: 'watch', setup: (api) => void api.on('*', (e) => void seen.push(e.command)) }),
    ]);
    h.dispatcher.ingest({ network: 'irc', sender: 'irc', command: 'DISCONNECT', args: { wasSuccessful: true, reason: 'bye' } });
    h.dispatcher.ingest(messageEvent('x'));
    assert.equal(await h.dispatcher.drain(5000), true);
    assert.deepEqual(seen, ['DISCONNECT']);
  });

  it('userMayJoinRoom is asked for every user joining a bridged channel; refusals are logged and reported in module order', async () => {
    const asked: string[] = [];
    const refusals: Array<[string, JoinRefusal]> = [];
    const h = await setUp([
      defineModule({
        name: 'gate',
        setup(api) {
          api.registerSpamCheckerCallbacks({ userMayJoinRoom: (user, channel) => { asked.push(`gate:${user.id}@${channel.id}`); return user.id === 'bob@example.org' ? Codes.FORBIDDEN : NOT_SPAM; } });
          api.onJoinRefused((r) => void refusals.push(['gate', r]));
        },
      }),
      defineModule({
        name: 'second',
        setup(api) {
          api.registerSpamCheckerCallbacks({ userMayJoinRoom: (user) => { asked.push(`second:${user.id}`); return NOT_SPAM; } });
          api.onJoinRefused(() => { throw new Error('listener bug'); });
          api.onJoinRefused((r) => void refusals.push(['second', r]));
        },
      }),
    ], [bridge]);
    h.dispatcher.ingest({ network: 'xmpp', sender: 'x', command: 'JOIN', args: { channel: room, users: [alice, bob] } });
    h.dispatcher.ingest({ network: 'irc', sender: 'x', command: 'JOIN', args: { channel: { network: 'irc', id: '#unbridged' }, users: [bob] } });
    assert.equal(await h.dispatcher.drain(5000), true);
    assert.deepEqual(asked, [`gate:alice@${room.id}`, `second:alice`, `gate:bob@example.org@${room.id}`]);
    assert.deepEqual(refusals.map(([m, r]) => [m, r.user.id, r.module, r.code]), [
      ['gate', 'bob@example.org', 'gate', Codes.FORBIDDEN],
      ['second', 'bob@example.org', 'gate', Codes.FORBIDDEN],
    ]);
    assert.equal(h.captured.lines.filter((l) => l.msg === 'join refused by userMayJoinRoom').length, 1);
    assert.deepEqual(h.errors(), [['second', 'onJoinRefused listener failed']]);
  });

  it('userMayJoinRoom that throws refuses the join (fail closed)', async () => {
    const refusals: JoinRefusal[] = [];
    const h = await setUp([
      defineModule({ name: 'broken', setup: (api) => { api.registerSpamCheckerCallbacks({ userMayJoinRoom: () => { throw new Error('db'); } }); api.onJoinRefused((r) => void refusals.push(r)); } }),
    ], [bridge]);
    h.dispatcher.ingest({ network: 'irc', sender: 'alice', command: 'JOIN', args: { channel: lobby, users: [alice] } });
    assert.equal(await h.dispatcher.drain(5000), true);
    assert.deepEqual(refusals.map((r) => [r.module, r.code]), [['broken', Codes.INTERNAL_ERROR]]);
  });

  it("api.on('*') and onEvent see every command; disposers stop them", async () => {
    const seen: string[] = [];
    const h = await setUp([defineModule({
      name: 'all',
      setup(api) {
        const stop = api.on('*', (e) => void seen.push(`star:${e.command}`));
        api.onEvent((e) => { seen.push(`any:${e.command}`); if (e.command === 'TOPIC') stop(); });
      },
    })]);
    h.dispatcher.ingest({ network: 'irc', sender: 'alice', command: 'TOPIC', args: { channel: lobby, text: 't' } });
    assert.equal(await h.dispatcher.drain(5000), true);
    h.dispatcher.ingest(messageEvent('after'));
    assert.equal(await h.dispatcher.drain(5000), true);
    assert.deepEqual(seen, ['star:TOPIC', 'any:TOPIC', 'any:MESSAGE']);
  });
});
