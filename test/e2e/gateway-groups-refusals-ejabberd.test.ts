/** Gateway room joins refused (gateway-groups-refusals-cases.ts) on ejabberd and ngIRCd. */
import { describeJoinRefusals } from './gateway-groups-refusals-cases.js';

describeJoinRefusals('ejabberd');
