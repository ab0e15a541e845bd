/**
 * Moderation (gateway-moderation-cases.ts), the room module callbacks
 * (gateway-room-callbacks-cases.ts) and roles and configuration from XMPP
 * (gateway-room-roles-cases.ts) on ejabberd and ngIRCd: one file, so CI starts ejabberd for
 * these cases only.
 */
import { describeModeration } from './gateway-moderation-cases.js';
import { describeRoomCallbacks } from './gateway-room-callbacks-cases.js';
import { describeRoomRoles } from './gateway-room-roles-cases.js';

describeModeration('ejabberd');
describeRoomCallbacks('ejabberd');
describeRoomRoles('ejabberd');
