/**
 * The gateway's IRC clients share irc-framework's command table (src/gateway/irc/shared-handlers.ts):
 * a second client gets the first one's table, which still handles a line; a table with other
 * commands (another library version) is left alone.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'irc-framework';
import { shareCommandTable } from '../../src/gateway/irc/shared-handlers.js';

type WithTable = { command_handler: { handlers: Record<string, unknown>; executeCommand(c: unknown): void; on(e: string, f: (...a: unknown[]) => void): void } };
const table = (client: Client): Record<string, unknown> => (client as unknown as WithTable).command_handler.handlers;

describe('shared irc-framework command table', () => {
  it('gives later clients the first client\'s table, which still handles their lines', () => {
    const first = new Client();
    shareCommandTable(first);
    const second = new Client();
    const own = table(second);
    assert.notEqual(own, table(first));
    shareCommandTable(second);
    assert.equal(table(second), table(first));
    assert.ok(Object.keys(table(second)).length > 100);
    // The shared handlers act on the handler object they are given, not on the first client.
    const seen: unknown[] = [];
    (second as unknown as WithTable).command_handler.on('privmsg', (event) => seen.push(event));
    second.on('privmsg', (event: unknown) => seen.push(event));
    (second as unknown as WithTable).command_handler.executeCommand({ command: 'PRIVMSG', params: ['#lobby', 'hello'], nick: 'alice', ident: 'a', hostname: 'h', tags: {}, getTag: () => undefined, getServerTime: () => undefined });
    assert.ok(seen.length > 0);
  });

  it('leaves a table with other commands alone', () => {
    const other = new Client();
    const handler = (other as unknown as WithTable).command_handler;
    handler.handlers = { ONLY: () => undefined };
    const mine = handler.handlers;
    shareCommandTable(other);
    assert.equal(handler.handlers, mine);
  });
});
