/**
 * Typing notifications (XEP-0085 chat states) from puppets: what a remote person's typing
 * becomes in a room where their puppet is an occupant. A state is sent only when it changes;
 * `composing` that is not refreshed within {@link COMPOSING_EXPIRES_MS} turns into `paused`
 * (an IRC client repeats its typing tag every few seconds while typing, and may never say it
 * stopped). A message from the puppet ends its typing: it carries `<active/>` (XEP-0085 §5.1)
 * when a state had been shown, without a notification of its own.
 */
import type { Element } from '@xmpp/xml';
import type { TypingState } from '../../core/network.js';
import { buildChatState, type ChatState } from '../xmpp/stanza-build.js';

/** How long `composing` lasts without a refresh before it becomes `paused`. */
export const COMPOSING_EXPIRES_MS = 30_000;

/** The chat state of one puppet in one room, as the room last heard it. */
export interface ChatStateHolder {
  /** Its full JID (the sender of its notifications). */
  readonly jid: string;
  readonly room: string;
  state: 'joining' | 'joined' | 'leaving';
  /** The last chat state sent; undefined: none (or its last message ended it). */
  chatState?: ChatState;
  /** Turns an unrefreshed `composing` into `paused`. */
  chatTimer?: NodeJS.Timeout;
}

/**
 * The chat state a room is told for `state`, or undefined for one never sent to a room:
 * `gone` (XEP-0085 §5.4: not in groupchat).
 */
export function roomChatState(state: TypingState): ChatState | undefined {
  return state === 'gone' ? undefined : state;
}

/**
 * Shows `state` for `puppet` (joined) and returns the notification to send, or undefined when
 * there is nothing to send (not joined, the same state again, a state rooms do not take). Arms
 * or clears the timer that turns `composing` into `paused` (`send` writes that one out).
 */
export function chatStateChange(puppet: ChatStateHolder, state: TypingState, send: (el: Element) => void, expiresMs = COMPOSING_EXPIRES_MS): Element | undefined {
  const wanted = roomChatState(state);
  if (puppet.state !== 'joined' || wanted === undefined) return undefined;
  clearTimeout(puppet.chatTimer);
  puppet.chatTimer = undefined;
  if (wanted === 'composing') {
    puppet.chatTimer = setTimeout(() => {
      puppet.chatTimer = undefined;
      const paused = chatStateChange(puppet, 'paused', send, expiresMs);
      if (paused !== undefined) send(paused);
    }, expiresMs);
    puppet.chatTimer.unref();
  }
  if (puppet.chatState === wanted || (puppet.chatState === undefined && wanted === 'active')) return undefined;
  puppet.chatState = wanted;
  const el = buildChatState({ to: puppet.room, type: 'groupchat', state: wanted });
  el.attrs.from = puppet.jid;
  return el;
}

/**
 * The puppet spoke, or left: its typing is over and its timer stops. True when the room was
 * shown a state other than `active` (its message should then say `active`).
 */
export function chatStateEnded(puppet: ChatStateHolder): boolean {
  clearTimeout(puppet.chatTimer);
  puppet.chatTimer = undefined;
  const shown = puppet.chatState !== undefined && puppet.chatState !== 'active';
  puppet.chatState = undefined;
  return shown;
}
