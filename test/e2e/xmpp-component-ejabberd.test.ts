/** The XMPP component suite (xmpp-component-cases.ts) on a real ejabberd. */
import { describeComponentSuite } from './xmpp-component-cases.js';

describeComponentSuite('ejabberd');
