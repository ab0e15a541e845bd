/**
 * Flood control against InspIRCd with the connect class Debian ships (threshold 10, 1 command/s,
 * fakelag, 8 KiB recvq); see irc-flood-cases.ts.
 */
import { startInspircd } from '../support/servers.js';
import { DEBIAN_CONNECT_CLASS } from '../support/configs/inspircd.js';
import { floodTests } from './irc-flood-cases.js';

floodTests('inspircd', () => startInspircd({ connectClass: DEBIAN_CONNECT_CLASS }), true);
