/** The room module callbacks (gateway-room-callbacks-cases.ts) on Prosody and ngIRCd. */
import { describeRoomCallbacks } from './gateway-room-callbacks-cases.js';

describeRoomCallbacks('prosody');
