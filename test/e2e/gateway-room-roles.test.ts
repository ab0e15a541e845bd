/** Voice, half-op and op from XMPP (gateway-room-roles-cases.ts) on Prosody and ngIRCd. */
import { describeRoomRoles } from './gateway-room-roles-cases.js';

describeRoomRoles('prosody');
