/** Gateway group chats (gateway-groups-cases.ts) on Prosody and ngIRCd. */
import { describeGroupChats } from './gateway-groups-cases.js';

describeGroupChats('prosody');
