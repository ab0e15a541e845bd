/** Moderating a gateway room (gateway-moderation-cases.ts) on Prosody and ngIRCd. */
import { describeModeration } from './gateway-moderation-cases.js';

describeModeration('prosody');
