/** Gateway group chats with slixmpp and python3-irc (gateway-groups-python-cases.ts) on Prosody and ngIRCd. */
import { describePythonGroupChats } from './gateway-groups-python-cases.js';

describePythonGroupChats('prosody');
