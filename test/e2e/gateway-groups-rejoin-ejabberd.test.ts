/** Gateway rooms kept across restarts (gateway-groups-rejoin-cases.ts) on ejabberd and ngIRCd. */
import { describeRoomRejoin } from './gateway-groups-rejoin-cases.js';

describeRoomRejoin('ejabberd');
