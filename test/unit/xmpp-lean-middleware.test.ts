/**
 * The XMPP client's stanza middleware (lean-middleware.ts) against xmpp.js's own
 * (`@xmpp/middleware`): the same context fields for any received or sent stanza (the JIDs parsed
 * only when read), the same chain (order, `next`, the reply sent, errors emitted), and the same
 * plugins (IQ callee and caller) working on it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import xml, { type Element } from '@xmpp/xml';
import libraryMiddleware, { type Handler, type MiddlewareContext } from '@xmpp/middleware';
import iqCalleeFactory from '@xmpp/iq/callee.js';
import type { Client } from '@xmpp/client-core';
import { leanMiddleware } from '../../src/networks/xmpp/lean-middleware.js';

/** An entity as the middleware sees it: events, our JID, the server's domain, and what it sent. */
function fakeEntity(jid: string | null): Client & { sent: Element[] } {
  const entity = new EventEmitter() as unknown as Client & { sent: Element[] };
  entity.options = { service: 'xmpp://example.org', domain: 'example.org' };
  entity.jid = jid === null ? null : { toString: () => jid, bare: () => ({ toString: () => jid.split('/')[0] ?? jid }) };
  entity.sent = [];
  entity.send = (el: Element) => {
    entity.sent.push(el);
    return Promise.resolve();
  };
  return entity;
}

/** The fields a handler can read, JIDs as strings. */
function fields(ctx: MiddlewareContext): Record<string, unknown> {
  const c = ctx as unknown as Record<string, unknown>;
  const text = (value: unknown): unknown => (value === null ? null : String(value));
  return {
    name: c.name, id: c.id, type: c.type, from: text(c.from), to: text(c.to),
    local: c.local, domain: c.domain, resource: c.resource,
  };
}

/** What reading a context's fields gives (or throws), for one middleware on one stanza. */
function observe(make: typeof leanMiddleware, jid: string | null, stanza: Element, direction: 'element' | 'send'): unknown {
  const entity = fakeEntity(jid);
  const middleware = make({ entity });
  let seen: unknown;
  const handler: Handler = (ctx, next) => {
    try {
      seen = fields(ctx);
    } catch (error) {
      seen = { threw: (error as Error).name };
    }
    return next();
  };
  if (direction === 'element') middleware.use(handler);
  else middleware.filter(handler);
  try {
    entity.emit(direction, stanza);
  } catch (error) {
    // The library parses in the context's constructor: a bad address throws out of emit.
    return { threw: (error as Error).name };
  }
  return seen;
}

const part = fc.stringMatching(/^[a-z0-9\\ .@/"&'-]{0,8}$/);
const address = fc.oneof(
  fc.constant(undefined),
  fc.constant(''),
  fc.tuple(part, fc.stringMatching(/^[a-z0-9.]{1,8}$/), part).map(([l, d, r]) => `${l === '' ? '' : `${l}@`}${d}${r === '' ? '' : `/${r}`}`),
  part,
);

describe('XMPP lean middleware', () => {
  it('property: a handler reads the same context fields as with the library, received and sent', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('message', 'presence', 'iq', 'r', 'features'),
        address,
        address,
        fc.option(fc.constantFrom('', 'groupchat', 'chat', 'get', 'result', 'unavailable'), { nil: undefined }),
        fc.option(fc.constantFrom('', 'abc'), { nil: undefined }),
        fc.option(fc.constantFrom('bot@example.org/hub', 'a\\20b@example.org/r'), { nil: null }),
        fc.constantFrom('element' as const, 'send' as const),
        (name, from, to, type, id, jid, direction) => {
          const stanza = xml(name, { from, to, type, id });
          const expected = observe(libraryMiddleware as unknown as typeof leanMiddleware, jid, stanza, direction);
          const actual = observe(leanMiddleware, jid, stanza, direction);
          // Where the library throws at once (an address without a domain), ours throws when it is read.
          assert.deepEqual(actual, expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('runs the handlers in order, sends what the chain resolves to, and emits what it throws', async () => {
    const entity = fakeEntity('bot@example.org/hub');
    const errors: unknown[] = [];
    entity.on('error', (error: unknown) => errors.push(error));
    const middleware = leanMiddleware({ entity });
    const order: string[] = [];
    middleware.use(async (_ctx, next) => {
      order.push('first');
      return next();
    });
    middleware.use((ctx) => {
      order.push('second');
      if ((ctx as unknown as { name: string }).name === 'iq') return xml('iq', { type: 'result' });
      if ((ctx as unknown as { name: string }).name === 'presence') throw new Error('boom');
      return undefined;
    });
    middleware.use(() => order.push('never'));
    entity.emit('element', xml('iq', { type: 'get', id: '1' }));
    entity.emit('element', xml('presence'));
    entity.emit('element', xml('message'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(order, ['first', 'second', 'first', 'second', 'first', 'second']);
    assert.equal(entity.sent.length, 1);
    assert.equal(entity.sent[0]?.attrs.type, 'result');
    assert.equal(errors.length, 1);
    assert.equal((errors[0] as Error).message, 'boom');
  });

  it('a handler added after stanzas went through runs for the next ones', async () => {
    const entity = fakeEntity('bot@example.org/hub');
    const middleware = leanMiddleware({ entity });
    const seen: string[] = [];
    middleware.filter((ctx, next) => {
      seen.push(`a:${ctx.stanza.name}`);
      return next();
    });
    entity.emit('send', xml('message'));
    middleware.filter((ctx, next) => {
      seen.push(`b:${ctx.stanza.name}`);
      return next();
    });
    entity.emit('send', xml('presence'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(seen, ['a:message', 'a:presence', 'b:presence']);
  });

  it("xmpp.js's IQ callee answers on it as on the library's", async () => {
    for (const make of [libraryMiddleware as unknown as typeof leanMiddleware, leanMiddleware]) {
      const entity = fakeEntity('bot@example.org/hub');
      const iqCallee = iqCalleeFactory({ middleware: make({ entity }), entity });
      iqCallee.get('urn:xmpp:ping', 'ping', () => ({}));
      entity.emit('element', xml('iq', { type: 'get', id: 'p1', from: 'example.org', to: 'bot@example.org/hub' }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
      entity.emit('element', xml('iq', { type: 'get', id: 'p2', from: 'example.org' }, xml('query', { xmlns: 'urn:unknown' })));
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(entity.sent.map((el) => el.toString()), [
        '<iq to="example.org" from="bot@example.org/hub" id="p1" type="result"/>',
        '<iq to="example.org" id="p2" type="error"><query xmlns="urn:unknown"/><error type="cancel"><service-unavailable xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></iq>',
      ]);
    }
  });
});
