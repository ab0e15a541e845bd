/**
 * A legacy network that exists only in the test suite, added by a test module through the public
 * module API (`api.registerLegacyNetwork('test-steps', …)`): its registration needs a second step,
 * a two-factor code (`legacy.mode: code`, the right code is `legacy.code`) or a QR code
 * (`mode: qr`) the test "scans" with {@link StepsNetwork.scan}, or none (`mode: single`). Its sessions log in at once and
 * echo what they are sent (prefixed with the preference `prefix`, "echo" by default; the contact
 * then shows as away, "testing"), so registrations, contacts and preferences are observable end to end.
 * Bad input on purpose: a message to `boom` throws a bug, to `nope` a refusal; the nick `slow` never
 * finishes logging in (until aborted). With `legacy.rooms: true` it has rooms (any `#name`, with
 * carol in it and a subject) whose own archive (backfill) holds two messages of an hour ago plus
 * one out of bounds (a day in the future: dropped). What its sessions go through is in {@link StepsNetwork.log}
 * (`backfill <room> after=<id> before=<id>`, `-` for an absent bound).
 */
import { randomUUID } from 'node:crypto';
import { defineModule, LegacyRefusal, type LegacyNetwork, type ModuleDefinition, type Registration } from '../../src/modules/public.js';

/** The test's handle on the network: what was cancelled, and the QR codes it may scan. */
export interface StepsNetwork {
  readonly module: ModuleDefinition<unknown>;
  /** The nicks whose second step the gateway abandoned. */
  readonly cancelled: string[];
  /** What the sessions went through, in order: `create <nick>`, `login <nick>`, `aborted <nick>`, `logout <nick>`. */
  readonly log: string[];
  /** The legacy app scanned `payload`: the waiting registration is confirmed. False when no QR code waits with it. */
  scan(payload: string): boolean;
}

export function stepsNetwork(): StepsNetwork {
  const cancelled: string[] = [];
  const log: string[] = [];
  const waiting = new Map<string, (secret: string) => void>();
  const create = (options: Readonly<Record<string, unknown>>, context: { readonly gatewayName: string }): LegacyNetwork => {
    const mode = options.mode;
    const code = options.code;
    if ((mode !== 'code' && mode !== 'qr' && mode !== 'single') || (mode === 'code' && typeof code !== 'string')) throw new Error('test-steps: legacy.mode must be code (with legacy.code), qr or single');
    return {
      settings: {
        name: context.gatewayName, identityType: 'test', usernameField: 'nick',
        registrationType: mode === 'code' ? 'two-factor-code' : mode === 'qr' ? 'qr-code' : 'single-step-form',
        registrationFields: [{ var: 'nick', label: 'Nick', type: 'text-single', required: true }],
        registrationInstructions: 'Your nick on the test network.',
        welcomeMessage: `Welcome to ${context.gatewayName}.`,
        preferences: [{ var: 'prefix', label: 'Echo prefix', type: 'text-single', value: 'echo' }],
        searchFields: [], searchColumns: [], groups: options.rooms === true,
      },
      async validate(_jid, form) {
        const nick = form.nick ?? '';
        if (mode === 'single') return { data: { nick } };
        if (mode === 'code') {
          return {
            step: 'code', instructions: 'Type the code the test network sent you.',
            confirm: async (typed) => {
              if (typed !== code) throw new LegacyRefusal('that code is not right', 'not-authorized');
              return { data: { nick }, secret: `token-${nick}` };
            },
            cancel: () => void cancelled.push(nick),
          };
        }
        const payload = `test-qr:${randomUUID()}`;
        return {
          step: 'qr', instructions: 'Scan this with the test app.', payload,
          confirmed: (signal) => new Promise<Registration>((resolve, reject) => {
            waiting.set(payload, (secret) => resolve({ data: { nick }, secret }));
            signal.addEventListener('abort', () => {
              waiting.delete(payload);
              reject(new LegacyRefusal('no longer waiting', 'item-not-found'));
            }, { once: true });
          }),
          cancel: () => void cancelled.push(nick),
        };
      },
      createSession(user, events) {
        const nick = String(user.data.nick);
        log.push(`create ${nick}`);
        let prefix = typeof user.preferences.prefix === 'string' ? user.preferences.prefix : 'echo';
        return {
          onPreferences: (preferences) => {
            prefix = preferences.prefix ?? 'echo';
          },
          contactKey: (id) => (id === '' ? undefined : id.toLowerCase()),
          login: async (signal) => {
            log.push(`login ${nick}`);
            if (nick === 'slow') {
              await new Promise((_resolve, reject) => signal.addEventListener('abort', () => {
                log.push(`aborted ${nick}`);
                reject(new LegacyRefusal('aborted', 'service-unavailable'));
              }, { once: true }));
            }
            return `Connected as ${nick}`;
          },
          logout: async () => void log.push(`logout ${nick}`),
          roomKey: (id) => (options.rooms === true && /^#[a-z0-9-]{1,40}$/i.test(id) ? id.toLowerCase() : undefined),
          joinRoom: async (room) => ({
            name: room, self: { nick, role: 'participant', affiliation: 'none' },
            participants: [{ nick: 'carol', role: 'moderator', affiliation: 'owner' }], subject: { text: `welcome to ${room}`, by: 'carol' },
          }),
          leaveRoom: async () => undefined,
          onRoomText: async () => randomUUID(),
          backfillRoom: async (room, bounds) => {
            log.push(`backfill ${room} after=${bounds.after?.id ?? '-'} before=${bounds.before?.id ?? '-'}`);
            const now = Date.now();
            return [
              { id: `${room}-archived-2`, nick: 'carol', text: 'archived two', action: false, at: now - 3_600_000 + 1000 },
              { id: `${room}-archived-1`, nick: 'carol', text: 'archived one', action: true, at: now - 3_600_000 },
              { id: `${room}-future`, nick: 'carol', text: 'from the future', action: false, at: now + 86_400_000 },
            ];
          },
          onText: async (contact, text) => {
            if (contact === 'boom') throw new Error('test-steps: a bug in a handler');
            if (contact === 'nope') throw new LegacyRefusal('nope does not take messages from you', 'not-acceptable');
            events.presence(contact, 'away', { status: 'testing', name: contact.toUpperCase() });
            events.text(contact, `${prefix}: ${text}`);
            return undefined;
          },
        };
      },
    };
  };
  const module = defineModule({
    name: 'test-steps-network',
    setup(api) {
      api.registerLegacyNetwork('test-steps', create);
    },
  });
  return {
    module,
    cancelled,
    log,
    scan(payload) {
      const confirm = waiting.get(payload);
      waiting.delete(payload);
      confirm?.('qr-session-token');
      return confirm !== undefined;
    },
  };
}
