/**
 * irc-framework gives every client its own command table: an Array used as a dictionary of
 * ~200 handlers (~6 KiB in dictionary mode) plus a fresh closure per generic numeric, the same
 * for every client (the handlers take the client's handler object as an argument; the generic
 * closures only read module constants). The gateway opens one client per person, so all of its
 * clients share the first table (ADR 0010 "Burst and memory"): ~8 KiB less per logged-in person.
 * A table that differs from the first (another library version in the process) is left alone.
 */
import type { Client } from 'irc-framework';

type Table = Record<string, unknown>;

let shared: { readonly table: Table; readonly keys: string } | undefined;

/** Makes `client` use the command table of the first client seen (call it right after `new Client()`). */
export function shareCommandTable(client: Client): void {
  const handler = client.command_handler as unknown as { handlers?: Table };
  const table = handler.handlers;
  if (table === undefined || table === null || typeof table !== 'object') return;
  const keys = Object.keys(table).join(' ');
  if (shared === undefined) {
    shared = { table, keys };
    return;
  }
  if (keys === shared.keys) handler.handlers = shared.table;
}
