/**
 * Ad-hoc commands (XEP-0050), pure: the command list (disco#items of the commands node), reading
 * an `execute`/`complete`/`cancel` request, and the replies (a form to fill, a completed note,
 * a cancellation). The command sessions themselves live in command-sessions.ts.
 */
import xml, { type Element } from '@xmpp/xml';
import { NS } from './namespaces.js';

/** A command offered to a person (who sees only those they may run). */
export interface CommandInfo {
  /** Its node, e.g. `register`. */
  readonly node: string;
  readonly name: string;
}

/** The disco#items answer of the commands node. */
export function commandList(domain: string, commands: readonly CommandInfo[]): Element {
  return xml('query', { xmlns: NS.discoItems, node: NS.commands }, commands.map((c) => xml('item', { jid: domain, node: c.node, name: c.name })));
}

/** What a `<command>` request asks. */
export interface CommandRequest {
  readonly node: string;
  readonly action: 'execute' | 'complete' | 'next' | 'cancel' | 'prev';
  readonly sessionId: string | undefined;
  /** The submitted (or cancelled) form, if any. */
  readonly form: Element | undefined;
}

const ACTIONS = new Set(['execute', 'complete', 'next', 'cancel', 'prev']);

/** Reads a `<command xmlns='http://jabber.org/protocol/commands'>`; undefined when malformed. */
export function readCommand(command: Element): CommandRequest | undefined {
  const node = command.attrs.node;
  if (typeof node !== 'string' || node === '' || node.length > 256) return undefined;
  const action = typeof command.attrs.action === 'string' ? command.attrs.action : 'execute';
  if (!ACTIONS.has(action)) return undefined;
  const sessionId = typeof command.attrs.sessionid === 'string' && command.attrs.sessionid.length <= 128 ? command.attrs.sessionid : undefined;
  return { node, action: action as CommandRequest['action'], sessionId, form: command.getChild('x', 'jabber:x:data') };
}

/**
 * The reply that shows `form` to fill (`status='executing'`): `complete` ends the command, `next`
 * leads to another stage (a registration's code); `note` says why the form comes again.
 */
export function commandForm(node: string, sessionId: string, form: Element, options: { readonly action?: 'complete' | 'next'; readonly note?: string } = {}): Element {
  const action = options.action ?? 'complete';
  return xml('command', { xmlns: NS.commands, node, sessionid: sessionId, status: 'executing' },
    xml('actions', { execute: action }, xml(action)),
    options.note === undefined ? null : xml('note', { type: 'warn' }, options.note),
    form);
}

/** The reply that ends a command with a note (`info`, or `error` when it failed). */
export function commandDone(node: string, sessionId: string, note: string, type: 'info' | 'error' = 'info'): Element {
  return xml('command', { xmlns: NS.commands, node, sessionid: sessionId, status: 'completed' }, xml('note', { type }, note));
}

/** The reply that ends a command with a result form (`status='completed'`). */
export function commandResult(node: string, sessionId: string, form: Element): Element {
  return xml('command', { xmlns: NS.commands, node, sessionid: sessionId, status: 'completed' }, form);
}

/** The reply to a cancel. */
export function commandCancelled(node: string, sessionId: string): Element {
  return xml('command', { xmlns: NS.commands, node, sessionid: sessionId, status: 'canceled' });
}
