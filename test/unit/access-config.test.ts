/**
 * The access module's config (errors name the field) and the HTTP endpoint's token check.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAccessConfig } from '../../src/features/access/config.js';
import { ModuleConfigError } from '../../src/modules/define.js';
import { authorized } from '../../src/features/access/http-endpoint.js';
import { parseAccessCommand } from '../../src/features/access/command.js';
import type { WebRequest } from '../../src/modules/web-resources.js';

function refused(raw: unknown, field: string, reason: RegExp): void {
  assert.throws(() => parseAccessConfig(raw), (error: unknown) =>
    error instanceof ModuleConfigError && error.field === field && reason.test(error.reason), `${field} ${JSON.stringify(raw)}`);
}

describe('access config', () => {
  it('fills the defaults and names predicates', () => {
    const config = parseAccessConfig({ channels: ['irc:#staff'], predicates: [{ deny: ['irc:mallory'] }, { module: 'ldap' }, { name: 'x', allow: ['irc:account:*'] }] });
    assert.deepEqual(config.channels, [{ network: 'irc', id: '#staff' }]);
    assert.deepEqual(config.predicates.map((p) => p.name), ['deny[0]', 'ldap', 'x']);
    assert.deepEqual([config.passive, config.ban, config.joins, config.startup, config.defaultAllow, config.token], [false, false, true, true, true, undefined]);
  });

  it('refuses bad input, naming the field and the fix', () => {
    refused(undefined, 'channels', /expected array/i);
    refused({ channels: [] }, 'channels', /at least one channel/);
    refused({ channels: ['staff'] }, 'channels[0]', /network:channel/);
    refused({ channels: ['irc:#a'], predicates: [{ deny: ['mallory'] }] }, 'predicates[0].deny[0]', /<network>:<who>/);
    refused({ channels: ['irc:#a'], predicates: [{ deny: ['irc:x'], allow: ['irc:y'] }] }, 'predicates[0]', /exactly one of/);
    refused({ channels: ['irc:#a'], predicates: [{ deny: ['irc:x'], people: [] }] }, 'predicates[0].people', /only goes with memberOf/);
    refused({ channels: ['irc:#a'], http: { token: 'short' } }, 'http.token', /at least 16/);
    refused({ channels: ['irc:#a'], passive: 'yes' }, 'passive', /boolean/);
    refused({ channels: ['irc:#a'], typo: 1 }, '(config)', /typo/);
  });
});

describe('POST /access/verify token check', () => {
  const request = (authorization?: string): WebRequest => ({
    method: 'POST', url: '/access/verify', headers: authorization === undefined ? {} : { authorization }, body: undefined, params: {}, query: {},
  });
  const token = 'a-long-enough-token-123';

  it('accepts only Bearer with the exact token', () => {
    assert.equal(authorized(request(`Bearer ${token}`), token), true);
    assert.equal(authorized(request(`bearer ${token}`), token), true);
    for (const bad of [undefined, token, `Bearer ${token}x`, `Bearer ${token.slice(1)}`, `Basic ${token}`, 'Bearer ', `Bearer ${token} extra`]) {
      assert.equal(authorized(request(bad), token), false, String(bad));
    }
  });
});

describe('!access commands', () => {
  it('reads verify, verify all, and anything else as a usage request', () => {
    assert.deepEqual(parseAccessCommand('!access verify'), { kind: 'verify', scope: 'here' });
    assert.deepEqual(parseAccessCommand('  !ACCESS  verify  ALL '), { kind: 'verify', scope: 'all' });
    assert.deepEqual(parseAccessCommand('!access verify everyone now'), { kind: 'usage' });
    assert.deepEqual(parseAccessCommand('!access'), { kind: 'usage' });
    assert.equal(parseAccessCommand('hello !access verify'), undefined);
    assert.equal(parseAccessCommand('!accessible'), undefined);
  });
});
