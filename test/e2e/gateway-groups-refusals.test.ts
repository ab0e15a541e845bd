/** Gateway room joins refused (gateway-groups-refusals-cases.ts) on Prosody and ngIRCd. */
import { describeJoinRefusals } from './gateway-groups-refusals-cases.js';

describeJoinRefusals('prosody');
