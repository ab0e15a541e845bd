import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { healthHttpStatus, overallStatus, type HubPhase } from '../../src/http/health.js';
import type { NetworkState } from '../../src/core/network.js';

const states: NetworkState[] = ['idle', 'connecting', 'connected', 'reconnecting', 'failed', 'stopped'];

void describe('overallStatus', () => {
  void it('is ok when running with every network connected, or with none', () => {
    assert.equal(overallStatus('running', {}), 'ok');
    assert.equal(overallStatus('running', { a: { state: 'connected' }, b: { state: 'connected' } }), 'ok');
  });

  void it('is degraded when running with any network not connected', () => {
    for (const state of states.filter((s) => s !== 'connected')) {
      assert.equal(overallStatus('running', { a: { state: 'connected' }, b: { state } }), 'degraded', state);
    }
  });

  void it('reports the phase while starting or stopping, whatever the networks', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<HubPhase>('starting', 'stopping'),
        fc.dictionary(fc.string(), fc.constantFrom(...states).map((state) => ({ state }))),
        (phase, networks) => overallStatus(phase, networks) === phase,
      ),
    );
  });
});

void describe('healthHttpStatus', () => {
  void it('is 200 only for ok', () => {
    assert.equal(healthHttpStatus({ status: 'ok' }), 200);
    for (const status of ['degraded', 'starting', 'stopping'] as const) assert.equal(healthHttpStatus({ status }), 503);
  });
});
