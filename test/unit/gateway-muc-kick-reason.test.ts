/** A kick's reason in the occupant presence (src/gateway/xmpp/muc.ts, XEP-0045 §8.2). */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { occupantPresence, STATUS } from '../../src/gateway/xmpp/muc.js';

const ROOM = '#lobby@irc.example.org';
const TO = 'alice@example.org/laptop';
const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
const dave = { nick: 'dave', role: 'participant', affiliation: 'member' } as const;

it("a kick's reason is in the item (where clients read it) as well as the status; other removals keep it in the status only", () => {
  const kicked = occupantPresence(ROOM, TO, dave, { unavailable: true, status: 'kicked by alice: enough', codes: [STATUS.kicked] });
  const item = kicked.getChild('x', NS_MUC_USER)?.getChild('item');
  assert.equal(item?.getChildText('reason'), 'kicked by alice: enough');
  assert.equal(item?.attrs.role, 'none');
  assert.equal(kicked.getChildText('status'), 'kicked by alice: enough');
  const quit = occupantPresence(ROOM, TO, dave, { unavailable: true, status: 'gone fishing' });
  assert.equal(quit.getChild('x', NS_MUC_USER)?.getChild('item')?.getChild('reason'), undefined);
  assert.equal(occupantPresence(ROOM, TO, dave, { unavailable: true, codes: [STATUS.kicked] }).getChild('x', NS_MUC_USER)?.getChild('item')?.getChild('reason'), undefined);
});
