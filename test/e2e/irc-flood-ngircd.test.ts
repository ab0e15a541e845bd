/**
 * Flood control against ngIRCd with its default command penalty (MaxPenaltyTime left at its
 * default, -1). ngIRCd throttles a flooding client (it stops reading from it) rather than
 * disconnecting it, so only the burst is checked here; see irc-flood-cases.ts.
 */
import { startNgircd } from '../support/servers.js';
import { floodTests } from './irc-flood-cases.js';

// The second [Limits] section overrides the harness's `MaxPenaltyTime = 0`.
floodTests('ngircd', () => startNgircd({ extraConfig: '[Limits]\n\tMaxPenaltyTime = -1\n' }), false);
