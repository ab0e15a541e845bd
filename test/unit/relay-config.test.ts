/**
 * The relay's configuration: module config, bridge options, per-network overrides, and the
 * errors that name the bridge and the field.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_DEFAULTS, parseRelayConfig, resolveBridges } from '../../src/features/relay/config.js';
import { ModuleConfigError } from '../../src/modules/define.js';
import type { BridgeConfig } from '../../src/config/types.js';

const channels = [{ network: 'irc', id: '#lobby' }, { network: 'jabber', id: 'lobby@conference.example.org' }];
const bridge = (options: Record<string, unknown>, name = 'lobby'): BridgeConfig => ({ name, channels, options });

function refusal(fn: () => unknown): ModuleConfigError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ModuleConfigError, `expected a ModuleConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a refusal');
}

describe('relay config', () => {
  it('carries ops as +o and voice as +v by default; prefixModes maps or turns them off, per target network', () => {
    const config = parseRelayConfig(undefined);
    const [resolved] = resolveBridges([bridge({ prefixModes: { op: 'q' }, networks: { jabber: { prefixModes: false } } })], config);
    assert.deepEqual(BUILTIN_DEFAULTS.prefixModes, { op: 'o', voice: 'v' });
    assert.deepEqual(resolved!.optionsFor('irc').prefixModes, { op: 'q', voice: 'v' });
    assert.deepEqual(resolved!.optionsFor('jabber').prefixModes, { op: '', voice: '' });
    assert.deepEqual(resolveBridges([bridge({ prefixModes: { voice: '' } })], config)[0]!.optionsFor('irc').prefixModes, { op: 'o', voice: '' });
    assert.match(refusal(() => resolveBridges([bridge({ prefixModes: { op: 'ov' } })], config)).message, /prefixModes\.op/);
    assert.match(refusal(() => resolveBridges([bridge({ prefixModes: { halfop: 'h' } })], config)).message, /prefixModes/);
  });

  it('has defaults when the module has no config block', () => {
    const config = parseRelayConfig(undefined);
    assert.equal(config.maxQueuePerTarget, 10_000);
    assert.equal(config.statusCommand, '!bridge status');
    const [resolved] = resolveBridges([bridge({})], config);
    assert.deepEqual(resolved!.optionsFor('irc'), BUILTIN_DEFAULTS);
  });

  it('layers module defaults, bridge options and per-network overrides (events merge field by field)', () => {
    const config = parseRelayConfig({ defaults: { identity: '[{nick}] ', events: { joins: true } } });
    const [resolved] = resolveBridges([bridge({
      events: { topics: false },
      edits: 'off',
      networks: { irc: { identity: '<{nick}> ', nickColours: true, events: { parts: true } } },
    })], config);
    const irc = resolved!.optionsFor('irc');
    const jabber = resolved!.optionsFor('jabber');
    assert.equal(irc.identity, '<{nick}> ');
    assert.equal(jabber.identity, '[{nick}] ');
    assert.equal(irc.nickColours, true);
    assert.equal(jabber.nickColours, false);
    assert.deepEqual(irc.events, { ...BUILTIN_DEFAULTS.events, joins: true, topics: false, parts: true });
    assert.deepEqual(jabber.events, { ...BUILTIN_DEFAULTS.events, joins: true, topics: false });
    assert.equal(irc.edits, 'off');
  });

  it('compiles rewrite rules as global, Unicode regular expressions', () => {
    const [resolved] = resolveBridges([bridge({ rewrite: [{ match: 'a(b)', replace: '$1', ignoreCase: true }], ignoreText: ['^!'] })], parseRelayConfig({}));
    const options = resolved!.optionsFor('irc');
    assert.equal('xAbyab'.replace(options.rewrite[0]!.pattern, options.rewrite[0]!.replace), 'xbyb');
    assert.equal(options.ignoreText[0]!.test('!cmd'), true);
  });

  it('refuses bad bridge options naming the bridge and the field', () => {
    assert.equal(refusal(() => resolveBridges([bridge({ edits: 'sometimes' })], parseRelayConfig({}))).field, 'bridges.lobby.edits');
    assert.equal(refusal(() => resolveBridges([bridge({ rewrite: [{ match: '(', replace: '' }] })], parseRelayConfig({}))).field, 'bridges.lobby.rewrite.0.match');
    const unknown = refusal(() => resolveBridges([bridge({ identiy: 'x' })], parseRelayConfig({})));
    assert.equal(unknown.field, 'bridges.lobby');
    assert.match(unknown.reason, /unknown option "identiy"/);
    assert.equal(refusal(() => resolveBridges([bridge({ events: { joins: 'yes' } })], parseRelayConfig({}))).field, 'bridges.lobby.events.joins');
    assert.equal(refusal(() => resolveBridges([bridge({ delayedTimeZone: 'Mars/Olympus' })], parseRelayConfig({}))).field, 'bridges.lobby.delayedTimeZone');
  });

  it('applies `from` overrides to what comes from that network, before the target network\'s', () => {
    const [resolved] = resolveBridges([bridge({
      ignoreUsers: ['spambot'],
      from: { irc: { ignoreUsers: ['*bot'], identity: '<{nick}/irc> ', events: { joins: true } } },
      networks: { jabber: { identity: '[{nick}] ' }, irc: { nickColours: true } },
    })], parseRelayConfig({}));
    const ircToJabber = resolved!.optionsFor('jabber', 'irc');
    assert.deepEqual(ircToJabber.ignoreUsers, ['*bot']);
    assert.equal(ircToJabber.identity, '[{nick}] ', 'the target network\'s override wins');
    assert.equal(ircToJabber.events.joins, true);
    const jabberToIrc = resolved!.optionsFor('irc', 'jabber');
    assert.deepEqual(jabberToIrc.ignoreUsers, ['spambot']);
    assert.equal(jabberToIrc.events.joins, false);
    assert.equal(jabberToIrc.nickColours, true);
    assert.deepEqual(resolved!.optionsFor('jabber').ignoreUsers, ['spambot'], 'without a source, no `from` override');
  });

  it('refuses overrides for a network that is not in the bridge', () => {
    const error = refusal(() => resolveBridges([bridge({ networks: { libera: { identity: 'x' } } })], parseRelayConfig({})));
    assert.equal(error.field, 'bridges.lobby.networks.libera');
    assert.match(error.reason, /irc, jabber/);
    assert.equal(refusal(() => resolveBridges([bridge({ from: { libera: { identity: 'x' } } })], parseRelayConfig({}))).field, 'bridges.lobby.from.libera');
  });

  it('refuses a bad module config naming the field', () => {
    assert.equal(refusal(() => parseRelayConfig({ maxQueuePerTarget: 0 })).field, 'maxQueuePerTarget');
    assert.equal(refusal(() => parseRelayConfig({ defaults: { deletes: 'yes' } })).field, 'defaults.deletes');
  });
});
