/** The gateway's main suite (gateway-irc-cases.ts) on ejabberd and ngIRCd: the core cases. */
import { describeGatewaySuite } from './gateway-irc-cases.js';

describeGatewaySuite('ejabberd', false);
