/**
 * `/VERSION <our server>` from a user on each ircd is answered for the link (numeric 351 with
 * Switchboard's version): ngIRCd and ircd-hybrid forward the request (a VERSION event), InspIRCd
 * answers from the SINFO the link sent in its burst.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectRawIrc } from '../support/clients.js';
import { startHybrid } from '../support/hybrid-server.js';
import { makeLink } from '../support/link-network.js';
import { startInspircd, startNgircd, type IrcServer } from '../support/servers.js';
import { waitFor } from '../support/wait.js';

const WAIT_MS = 15_000;

for (const ircd of ['ngircd', 'inspircd', 'hybrid'] as const) {
  describe(`VERSION of the link's server on ${ircd}`, { timeout: 60_000 }, () => {
    it('is answered with Switchboard\'s version', async (t) => {
      const server: IrcServer = ircd === 'inspircd' ? await startInspircd() : ircd === 'hybrid' ? await startHybrid() : await startNgircd();
      t.after(() => server.stop());
      const { network, events } = makeLink(t, ircd, server, []);
      await network.connect();
      const alice = await connectRawIrc({ host: server.host, port: server.port, nick: 'alice' });
      t.after(() => alice.close());
      alice.send(`VERSION ${server.link.peerName}`);
      assert.match(await alice.waitForLine(/ 351 alice /, WAIT_MS), /^:\S+ 351 alice switchboard-0\.1\. /);
      if (ircd === 'inspircd') return;
      const version = await waitFor(() => events.find((e) => e.command === 'VERSION'), { timeoutMs: WAIT_MS, what: 'VERSION event' });
      assert.deepEqual([version.sender, version.args], ['alice', { target: server.link.peerName }]);
    });
  });
}
