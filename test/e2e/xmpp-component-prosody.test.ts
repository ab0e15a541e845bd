/** The XMPP component suite (xmpp-component-cases.ts) on a real Prosody. */
import { describeComponentSuite } from './xmpp-component-cases.js';

describeComponentSuite('prosody');
