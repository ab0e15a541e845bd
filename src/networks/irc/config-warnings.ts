/**
 * Credentials an IRC network would send in clear: with `tls: false`, the server password,
 * SASL PLAIN and the NickServ IDENTIFY line cross the network unencrypted.
 */
import type { ConfigWarning } from '../../core/network.js';
import type { IrcConfig } from './config.js';

const FIX = 'set tls: true (the port then defaults to 6697)';

/** One warning per credential that `config` would send without TLS. */
export function ircConfigWarnings(config: IrcConfig): ConfigWarning[] {
  if (config.tls) return [];
  const warnings: ConfigWarning[] = [];
  if (config.serverPassword !== undefined) {
    warnings.push({ path: ['serverPassword'], reason: `the server password is sent in clear because tls is off; ${FIX}` });
  }
  if (config.sasl?.mechanism === 'PLAIN') {
    warnings.push({ path: ['sasl'], reason: `SASL PLAIN sends the account password in clear because tls is off; ${FIX}` });
  }
  if (config.nickservPassword !== undefined) {
    warnings.push({ path: ['nickservPassword'], reason: `the NickServ password is sent in clear because tls is off; ${FIX}` });
  }
  return warnings;
}
