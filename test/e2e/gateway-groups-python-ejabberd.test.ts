/** Gateway group chats with slixmpp and python3-irc (gateway-groups-python-cases.ts) on ejabberd and ngIRCd. */
import { describePythonGroupChats } from './gateway-groups-python-cases.js';

describePythonGroupChats('ejabberd');
