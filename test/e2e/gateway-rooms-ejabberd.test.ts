/**
 * Moderation (gateway-moderation-cases.ts) and the room module callbacks
 * (gateway-room-callbacks-cases.ts) on ejabberd and ngIRCd: one file, so CI starts ejabberd for
 * these two cases only.
 */
import { describeModeration } from './gateway-moderation-cases.js';
import { describeRoomCallbacks } from './gateway-room-callbacks-cases.js';

describeModeration('ejabberd');
describeRoomCallbacks('ejabberd');
