/**
 * Credentials an XMPP network may send in clear: SASL PLAIN with `requireTls: false` logs in
 * without encryption whenever the server does not offer STARTTLS (or an attacker strips it).
 */
import type { ConfigWarning } from '../../core/network.js';
import type { XmppConfig } from './config.js';

/** A warning when `config` allows the password to be sent without TLS. */
export function xmppConfigWarnings(config: XmppConfig): ConfigWarning[] {
  const directTls = config.service?.startsWith('xmpps://') === true;
  if (directTls || config.requireTls || config.saslMechanism !== 'PLAIN') return [];
  return [{
    path: ['requireTls'],
    reason: 'with saslMechanism PLAIN and requireTls false, the password is sent in clear when the server offers no STARTTLS (or someone on the path removes it); set requireTls: true, or use SCRAM-SHA-1',
  }];
}
