import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Dispatcher, type EventCheck } from '../../src/core/dispatcher.js';
import { ListenerRegistry } from '../../src/core/listeners.js';
import type { AnyEvent, AnyEventInput } from '../../src/core/event.js';
import { captureLog } from '../support/log-capture.js';

function message(channel: string, text: string, ts?: number): AnyEventInput {
  const ref = { network: 'irc', id: channel };
  return {
    network: 'irc',
    sender: 'alice',
    command: 'MESSAGE',
    args: {
      channel: ref,
      message: {
        id: `${channel}-${text}`,
        channel: ref,
        author: { network: 'irc', id: 'alice' },
        kind: 'message',
        body: [{ type: 'text', text }],
        attachments: [],
        ts: ts ?? 0,
      },
    },
    ...(ts === undefined ? {} : { ts }),
  };
}

function textOf(event: AnyEvent): string {
  if (event.command !== 'MESSAGE') return event.command;
  const node = event.args.message.body[0];
  return node && node.type === 'text' ? node.text : '';
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('Dispatcher', () => {
  it('stamps ts when the producer gave none and keeps a given one', async () => {
    const listeners = new ListenerRegistry();
    const seen: AnyEvent[] = [];
    listeners.add({ module: 'm', order: 0, command: '*', listener: (e) => void seen.push(e) });
    const dispatcher = new Dispatcher({ log: captureLog().log, listeners, now: () => 4242 });
    dispatcher.ingest(message('#a', 'no ts'));
    dispatcher.ingest(message('#a', 'has ts', 1000));
    assert.equal(await dispatcher.drain(1000), true);
    assert.deepEqual(seen.map((e) => e.ts), [4242, 1000]);
  });

  it('counts an event nobody listens to without handling it, and handles it once someone listens or a check is there', async () => {
    const listeners = new ListenerRegistry();
    const counted: string[] = [];
    const dispatched: Array<[string, number]> = [];
    const observer = {
      eventIn: (_network: string, command: string) => void counted.push(command),
      dispatched: (command: string, seconds: number) => void dispatched.push([command, seconds]),
      listenerError: () => undefined,
      rejected: () => undefined,
    };
    const checks: EventCheck[] = [];
    const dispatcher = new Dispatcher({ log: captureLog().log, listeners, observer, checks: () => checks });
    const seen: string[] = [];
    listeners.add({ module: 'm', order: 0, command: 'MESSAGE', listener: (e) => void seen.push(textOf(e)) });
    await dispatcher.ingestHandled({ network: 'irc', sender: 'irc', command: 'ENDBURST', args: { server: 'irc' } });
    dispatcher.ingest(message('#a', 'one'));
    assert.equal(dispatcher.pending, 1, 'only the MESSAGE is queued');
    assert.equal(await dispatcher.drain(1000), true);
    assert.deepEqual(counted, ['ENDBURST', 'MESSAGE']);
    assert.deepEqual(dispatched.map(([command]) => command), ['ENDBURST', 'MESSAGE']);
    assert.deepEqual(dispatched[0], ['ENDBURST', 0]);

    assert.equal(dispatcher.wants('ENDBURST'), false);
    listeners.add({ module: 'm', order: 0, command: 'ENDBURST', listener: (e) => void seen.push(textOf(e)) });
    assert.equal(dispatcher.wants('ENDBURST'), true);
    assert.equal(dispatcher.wants('DISCONNECT'), false);
    await dispatcher.ingestHandled({ network: 'irc', sender: 'irc', command: 'ENDBURST', args: { server: 'irc' } });
    const refused: string[] = [];
    checks.push({ module: 'c', name: 'c', check: async (e) => (refused.push(e.command), { action: 'reject', reason: 'no' }) });
    assert.equal(dispatcher.wants('DISCONNECT'), true, 'a check may refuse it');
    await dispatcher.ingestHandled({ network: 'irc', sender: 'irc', command: 'DISCONNECT', args: { wasSuccessful: true, reason: 'x' } });
    assert.deepEqual(seen, ['one', 'ENDBURST']);
    assert.deepEqual(refused, ['DISCONNECT'], 'a check still sees an event nobody listens to');
  });

  it('runs listeners in module order, each to completion before the next', async () => {
    const listeners = new ListenerRegistry();
    const calls: string[] = [];
    // Registered out of order on purpose: order comes from the module position, not registration time.
    listeners.add({ module: 'third', order: 2, command: 'MESSAGE', listener: () => void calls.push('third') });
    listeners.add({
      module: 'first', order: 0, command: 'MESSAGE',
      listener: async () => { await tick(); calls.push('first'); },
    });
    listeners.add({ module: 'second', order: 1, command: '*', listener: () => void calls.push('second') });
    listeners.add({ module: 'first', order: 0, command: 'MESSAGE', listener: () => void calls.push('first-b') });
    const dispatcher = new Dispatcher({ log: captureLog().log, listeners });
    dispatcher.ingest(message('#a', 'x'));
    await dispatcher.drain(1000);
    assert.deepEqual(calls, ['first', 'first-b', 'second', 'third']);
  });

  it('isolates a listener that throws or rejects, logging module and command', async () => {
    const listeners = new ListenerRegistry();
    const capture = captureLog();
    const reached: string[] = [];
    listeners.add({ module: 'thrower', order: 0, command: 'MESSAGE', listener: () => { throw new Error('boom'); } });
    listeners.add({ module: 'rejecter', order: 1, command: 'MESSAGE', listener: async () => { throw new Error('async boom'); } });
    listeners.add({ module: 'fine', order: 2, command: 'MESSAGE', listener: (e) => void reached.push(textOf(e)) });
    const errors: string[] = [];
    const dispatcher = new Dispatcher({
      log: capture.log, listeners,
      observer: { eventIn() {}, dispatched() {}, rejected() {}, listenerError: (m, c) => void errors.push(`${m}/${c}`) },
    });
    dispatcher.ingest(message('#a', 'one'));
    dispatcher.ingest(message('#a', 'two'));
    await dispatcher.drain(1000);
    assert.deepEqual(reached, ['one', 'two']);
    assert.deepEqual(errors, ['thrower/MESSAGE', 'rejecter/MESSAGE', 'thrower/MESSAGE', 'rejecter/MESSAGE']);
    const failures = capture.lines.filter((l) => l.msg === 'listener failed');
    assert.equal(failures.length, 4);
    assert.deepEqual(failures.map((l) => [l.module, l.command]), [
      ['thrower', 'MESSAGE'], ['rejecter', 'MESSAGE'], ['thrower', 'MESSAGE'], ['rejecter', 'MESSAGE'],
    ]);
  });

  it('keeps order within a channel even when listeners take different times', async () => {
    const listeners = new ListenerRegistry();
    const seen: string[] = [];
    listeners.add({
      module: 'm', order: 0, command: 'MESSAGE',
      listener: async (e) => {
        const text = textOf(e);
        // Earlier messages take longer: without per-channel ordering they would finish last.
        await new Promise((resolve) => setTimeout(resolve, 20 - Number(text)));
        seen.push(text);
      },
    });
    const dispatcher = new Dispatcher({ log: captureLog().log, listeners });
    for (let i = 0; i < 20; i++) dispatcher.ingest(message('#a', String(i)));
    await dispatcher.drain(5000);
    assert.deepEqual(seen, Array.from({ length: 20 }, (_, i) => String(i)));
  });

  it('does not let a stuck channel delay another channel', async () => {
    const listeners = new ListenerRegistry();
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    listeners.add({
      module: 'm', order: 0, command: 'MESSAGE',
      listener: async (e) => {
        if (e.command === 'MESSAGE' && e.args.channel?.id === '#slow') await gate;
        seen.push(textOf(e));
      },
    });
    const dispatcher = new Dispatcher({ log: captureLog().log, listeners });
    dispatcher.ingest(message('#slow', 'slow-1'));
    dispatcher.ingest(message('#fast', 'fast-1'));
    dispatcher.ingest(message('#fast', 'fast-2'));
    await dispatcher.drain(50); // #slow is still blocked: drain must give up
    assert.deepEqual(seen, ['fast-1', 'fast-2']);
    release();
    assert.equal(await dispatcher.drain(1000), true);
    assert.deepEqual(seen, ['fast-1', 'fast-2', 'slow-1']);
  });

  it('stops at the first rejecting check, lets checks replace the event, and fails closed', async () => {
    const listeners = new ListenerRegistry();
    const seen: string[] = [];
    listeners.add({ module: 'm', order: 0, command: 'MESSAGE', listener: (e) => void seen.push(textOf(e)) });
    const order: string[] = [];
    const checks: EventCheck[] = [
      {
        module: 'a', name: 'upper',
        async check(e) {
          order.push('upper');
          if (e.command !== 'MESSAGE') return { action: 'allow' };
          const replaced = { ...e, args: { ...e.args, message: { ...e.args.message, body: [{ type: 'text' as const, text: textOf(e).toUpperCase() }] } } };
          return { action: 'allow', event: replaced };
        },
      },
      {
        module: 'b', name: 'no-spam',
        async check(e) {
          order.push(`no-spam:${textOf(e)}`);
          return textOf(e) === 'SPAM' ? { action: 'reject', reason: 'spam' } : { action: 'allow' };
        },
      },
      {
        module: 'c', name: 'broken',
        async check(e) {
          if (textOf(e) === 'BREAK') throw new Error('check bug');
          return { action: 'allow' };
        },
      },
    ];
    const rejected: string[] = [];
    const capture = captureLog();
    const dispatcher = new Dispatcher({
      log: capture.log, listeners, checks: () => checks,
      observer: { eventIn() {}, dispatched() {}, listenerError() {}, rejected: (_n, _c, reason) => void rejected.push(reason) },
    });
    dispatcher.ingest(message('#a', 'hello'));
    dispatcher.ingest(message('#a', 'spam'));
    dispatcher.ingest(message('#a', 'break'));
    await dispatcher.drain(1000);
    assert.deepEqual(seen, ['HELLO']);
    assert.deepEqual(rejected, ['no-spam', 'broken']);
    assert.deepEqual(order, ['upper', 'no-spam:HELLO', 'upper', 'no-spam:SPAM', 'upper', 'no-spam:BREAK']);
    assert.ok(capture.lines.some((l) => l.msg === 'check threw; event refused' && l.module === 'c'));
  });

  it('gives up waiting for a listener after its time limit and runs the next one', async () => {
    const listeners = new ListenerRegistry();
    const seen: string[] = [];
    listeners.add({ module: 'hang', order: 0, command: 'MESSAGE', listener: () => new Promise(() => {}) });
    listeners.add({ module: 'next', order: 1, command: 'MESSAGE', listener: (e) => void seen.push(textOf(e)) });
    const capture = captureLog();
    const dispatcher = new Dispatcher({ log: capture.log, listeners, listenerTimeoutMs: 20 });
    dispatcher.ingest(message('#a', 'x'));
    assert.equal(await dispatcher.drain(2000), true);
    assert.deepEqual(seen, ['x']);
    assert.ok(capture.lines.some((l) => l.msg === 'listener timed out; moving on' && l.module === 'hang'));
  });

  it('drops events after stopAccepting but finishes the queued ones', async () => {
    const listeners = new ListenerRegistry();
    const seen: string[] = [];
    listeners.add({ module: 'm', order: 0, command: 'MESSAGE', listener: async (e) => { await tick(); seen.push(textOf(e)); } });
    const dispatcher = new Dispatcher({ log: captureLog().log, listeners });
    dispatcher.ingest(message('#a', 'queued'));
    dispatcher.stopAccepting();
    dispatcher.ingest(message('#a', 'late'));
    await dispatcher.drain(1000);
    assert.deepEqual(seen, ['queued']);
  });
});
