/** The gateway's main suite (gateway-irc-cases.ts) on Prosody and ngIRCd, every case. */
import { describeGatewaySuite } from './gateway-irc-cases.js';

describeGatewaySuite('prosody', true);
