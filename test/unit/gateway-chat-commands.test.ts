/**
 * The gateway's chat commands (chat-commands.ts) over a recording host: the access levels
 * (anyone, registered, logged-in, admin), the admin commands (users, disable, enable), the
 * preferences (prefs, set: checked like the form, booleans in words), and a refusal propagating.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LegacyRefusal } from '../../src/gateway/api.js';
import { ChatCommands } from '../../src/gateway/chat-commands.js';
import type { CommandHost } from '../../src/gateway/commands.js';

const ADMIN = 'root@example.org';
const USER = 'alice@example.org';

function host() {
  const calls: string[] = [];
  const prefs = new Map<string, Record<string, string>>([[USER, { notices: 'true' }], [ADMIN, {}]]);
  const fake: CommandHost = {
    settings: {
      name: 'Test gateway', identityType: 'test', registrationType: 'single-step-form', registrationFields: [], registrationInstructions: '', welcomeMessage: 'welcome',
      preferences: [
        { var: 'notices', label: 'Show NOTICEs', type: 'boolean', value: 'true' },
        { var: 'mode', label: 'Mode', type: 'list-single', value: 'a', options: [{ label: 'A', value: 'a' }, { label: 'B', value: 'b' }] },
      ],
      searchFields: [], searchColumns: [], groups: false,
    },
    isUser: async (jid) => prefs.has(jid),
    isAdmin: (jid) => jid === ADMIN,
    isLoggedIn: (jid) => jid === USER,
    register: async () => ({ kind: 'done' }),
    submitCode: async () => ({ kind: 'done' }),
    cancelRegistration: async () => false,
    waitingStep: () => undefined,
    unregister: async () => undefined,
    relogin: async () => undefined,
    preferences: async (jid) => prefs.get(jid) ?? {},
    setPreferences: async (jid, values) => {
      calls.push(`set ${jid} ${JSON.stringify(values)}`);
      prefs.set(jid, { ...values });
    },
    listUsers: async () => Array.from({ length: 205 }, (_, i) => ({ jid: `u${i}@example.org`, login: `u${i}`, state: 'Connected as u' })),
    disableUser: async (jid, by) => {
      if (jid === 'ghost@example.org') throw new LegacyRefusal(`${jid} is not registered`, 'item-not-found');
      calls.push(`disable ${jid} by ${by}`);
    },
    enableUser: async (jid, by) => void calls.push(`enable ${jid} by ${by}`),
    contacts: () => [],
    rooms: async (jid) => (jid === USER ? [{ name: '#lobby', jid: '#lobby@gw.example.org' }, { name: '#a b', jid: '#a\\20b@gw.example.org' }] : []),
    leaveRoom: async (_jid, name) => `You left ${name}.`,
    syncContacts: async () => 0,
    setName: async (jid, name) => void calls.push(`name ${jid} ${name}`),
    search: async () => [],
  };
  return { chat: new ChatCommands(fake), calls };
}

describe('gateway chat commands', () => {
  it('admin commands are for admins only; disable and enable take a bare JID', async () => {
    const { chat, calls } = host();
    for (const text of ['users', 'disable bob@example.org', 'enable bob@example.org']) assert.equal(await chat.run(USER, text, ''), 'Only the gateway\'s administrators may do this.');
    assert.deepEqual(calls, []);
    assert.equal(await chat.run(ADMIN, 'disable', ''), 'Usage: disable <bare JID> (user@domain)');
    assert.equal(await chat.run(ADMIN, 'disable bob@example.org/phone', ''), 'Usage: disable <bare JID> (user@domain)');
    assert.equal(await chat.run(ADMIN, 'disable Bob@Example.org', ''), 'bob@example.org is disabled.');
    assert.equal(await chat.run(ADMIN, 'ENABLE bob@example.org', ''), 'bob@example.org is enabled.');
    assert.deepEqual(calls, [`disable bob@example.org by ${ADMIN}`, `enable bob@example.org by ${ADMIN}`]);
    await assert.rejects(chat.run(ADMIN, 'disable ghost@example.org', ''), (e: LegacyRefusal) => e.condition === 'item-not-found');
  });

  it('users lists at most 200 lines and says how many more', async () => {
    const { chat } = host();
    const text = await chat.run(ADMIN, 'users', '');
    const lines = text.split('\n');
    assert.equal(lines[0], '205 registered:');
    assert.equal(lines[1], 'u0@example.org — u0: Connected as u');
    assert.equal(lines.length, 1 + 200 + 1);
    assert.match(lines.at(-1) ?? '', /… and 5 more/);
  });

  it('prefs shows the values; set checks a value like the form and keeps the others', async () => {
    const { chat, calls } = host();
    assert.equal(await chat.run(USER, 'prefs', ''), 'notices = true — Show NOTICEs (true or false)\nmode = a — Mode (a, b)\nChange one with: set <preference> <value>');
    assert.equal(await chat.run(USER, 'set notices off', ''), 'notices = false. Saved; it applies at once.');
    assert.equal(await chat.run(USER, 'set notices maybe', ''), 'notices must be true or false.');
    assert.equal(await chat.run(USER, 'set mode c', ''), 'Not changed: Mode: "c" is not one of the choices.');
    assert.equal(await chat.run(USER, 'set mode b', ''), 'mode = b. Saved; it applies at once.');
    assert.match(await chat.run(USER, 'set colour red', ''), /^Usage: set <preference> <value>; the preferences are notices, mode/);
    assert.deepEqual(calls, [`set ${USER} {"notices":"false","mode":"a"}`, `set ${USER} {"notices":"false","mode":"b"}`]);
    assert.equal(await chat.run('eve@example.org', 'set notices on', ''), 'You are not registered.');
    assert.equal(await chat.run('eve@example.org', 'prefs', ''), 'You are not registered.');
  });

  it('help names the commands each person may run', async () => {
    const { chat } = host();
    assert.match(await chat.run('eve@example.org', 'help', 'You are not registered.'), /Commands \(also as ad-hoc commands\): register, code <code>, cancel, status, help\.$/);
    const user = await chat.run(USER, 'help', 'Connected as alice');
    assert.match(user, /prefs, set <preference> <value>/);
    assert.doesNotMatch(user, /Admin:/);
    assert.match(await chat.run(ADMIN, 'anything', ''), /Admin: users, disable <jid>, enable <jid>\.$/);
  });

  it('contacts need a logged-in session', async () => {
    const { chat } = host();
    assert.equal(await chat.run(ADMIN, 'contacts', 'Logging in…'), 'You are not logged in right now (Logging in…).');
    assert.equal(await chat.run(USER, 'contacts', ''), 'You have no contacts yet: write to someone, or search.');
    assert.equal(await chat.run(USER, 'contacts sync', ''), 'You have no contacts yet.');
  });

  it('rooms lists each kept room with its JID and a joinable XMPP URI (the bookmarks fallback)', async () => {
    const { chat } = host();
    assert.equal(await chat.run('eve@example.org', 'rooms', ''), 'You are not registered.');
    assert.match(await chat.run(ADMIN, 'rooms', ''), /^You are in no rooms/);
    assert.equal(await chat.run(USER, 'rooms', ''), [
      'Your rooms (joined again after a restart):',
      '#lobby — #lobby@gw.example.org — xmpp:%23lobby@gw.example.org?join',
      '#a b — #a\\20b@gw.example.org — xmpp:%23a%5C20b@gw.example.org?join',
    ].join('\n'));
  });
});
