/**
 * Presences the gateway sends, pure: the gateway JID's own (showing the session's state) and a
 * contact's.
 */
import xml, { type Element } from '@xmpp/xml';
import type { ContactShow } from '../api.js';

/** A session's state as the person sees it on the gateway contact. */
export type SessionStatus =
  | { readonly state: 'logging-in' }
  | { readonly state: 'connected'; readonly text: string }
  | { readonly state: 'error'; readonly text: string }
  | { readonly state: 'logged-out' };

/** The gateway's presence to `to` for `status`. */
export function gatewayPresence(from: string, to: string, status: SessionStatus): Element {
  switch (status.state) {
    case 'logging-in':
      return xml('presence', { from, to }, xml('show', {}, 'dnd'), xml('status', {}, 'Logging in…'));
    case 'connected':
      return xml('presence', { from, to }, xml('status', {}, status.text));
    case 'error':
      return xml('presence', { from, to }, xml('show', {}, 'xa'), xml('status', {}, status.text));
    case 'logged-out':
      return xml('presence', { from, to, type: 'unavailable' });
  }
}

/** A contact's presence to `to`. */
export function contactPresence(from: string, to: string, show: ContactShow, status?: string): Element {
  if (show === 'offline') return xml('presence', { from, to, type: 'unavailable' }, status === undefined ? null : xml('status', {}, status));
  return xml('presence', { from, to },
    show === 'away' ? xml('show', {}, 'away') : show === 'busy' ? xml('show', {}, 'dnd') : null,
    status === undefined ? null : xml('status', {}, status));
}
