/** Gateway group chats (gateway-groups-cases.ts) on ejabberd and ngIRCd. */
import { describeGroupChats } from './gateway-groups-cases.js';

describeGroupChats('ejabberd');
