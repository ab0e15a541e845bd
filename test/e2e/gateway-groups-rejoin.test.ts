/** Gateway rooms kept across restarts (gateway-groups-rejoin-cases.ts) on Prosody and ngIRCd. */
import { describeRoomRejoin } from './gateway-groups-rejoin-cases.js';

describeRoomRejoin('prosody');
