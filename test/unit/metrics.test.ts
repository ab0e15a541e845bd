import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createMetrics } from '../../src/core/metrics.js';
import { createLogger } from '../../src/core/log.js';

/**
 * The value of the sample `name{labels}` in a Prometheus text exposition, or undefined.
 * Labels must match exactly (all of them, any order).
 */
function sample(exposition: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).sort().join(',');
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? '').split(/,(?=\w+=")/).filter(Boolean).sort().join(',');
    if (have === wanted) return Number(match[3]);
  }
  return undefined;
}

/** A logger writing JSON lines into an array. */
function capturingLogger(): { log: ReturnType<typeof createLogger>; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger({ destination, level: 'debug' }), lines };
}

void describe('createMetrics', () => {
  void it('counts events in, out, rejected, reconnects and listener errors with their labels', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.eventIn('libera', 'MESSAGE');
    metrics.eventIn('libera', 'MESSAGE');
    metrics.eventIn('jabber', 'JOIN');
    metrics.eventOut('jabber', 'MESSAGE');
    metrics.eventRejected('libera', 'MESSAGE', 'spam');
    metrics.reconnect('libera');
    metrics.reconnect('libera');
    metrics.reconnect('libera');
    metrics.listenerError('relay', 'MESSAGE');

    const text = await metrics.render();
    assert.equal(sample(text, 'switchboard_events_in_total', { network: 'libera', command: 'MESSAGE' }), 2);
    assert.equal(sample(text, 'switchboard_events_in_total', { network: 'jabber', command: 'JOIN' }), 1);
    assert.equal(sample(text, 'switchboard_events_out_total', { network: 'jabber', command: 'MESSAGE' }), 1);
    assert.equal(sample(text, 'switchboard_events_rejected_total', { network: 'libera', command: 'MESSAGE', reason: 'spam' }), 1);
    assert.equal(sample(text, 'switchboard_reconnects_total', { network: 'libera' }), 3);
    assert.equal(sample(text, 'switchboard_listener_errors_total', { module: 'relay', command: 'MESSAGE' }), 1);
    assert.match(text, /# TYPE switchboard_events_in_total counter/);
  });

  void it('records dispatch times into histogram buckets', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.observeDispatch('MESSAGE', 0.003);
    metrics.observeDispatch('MESSAGE', 0.2);
    const text = await metrics.render();
    assert.match(text, /# TYPE switchboard_dispatch_seconds histogram/);
    assert.equal(sample(text, 'switchboard_dispatch_seconds_count', { command: 'MESSAGE' }), 2);
    assert.equal(sample(text, 'switchboard_dispatch_seconds_sum', { command: 'MESSAGE' }), 0.203);
    assert.equal(sample(text, 'switchboard_dispatch_seconds_bucket', { command: 'MESSAGE', le: '0.0025' }), 0);
    assert.equal(sample(text, 'switchboard_dispatch_seconds_bucket', { command: 'MESSAGE', le: '0.005' }), 1);
    assert.equal(sample(text, 'switchboard_dispatch_seconds_bucket', { command: 'MESSAGE', le: '0.25' }), 2);
    assert.equal(sample(text, 'switchboard_dispatch_seconds_bucket', { command: 'MESSAGE', le: '+Inf' }), 2);
  });

  void it('a dispatch timer records one observation', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const done = metrics.startDispatchTimer('JOIN');
    done();
    const text = await metrics.render();
    assert.equal(sample(text, 'switchboard_dispatch_seconds_count', { command: 'JOIN' }), 1);
  });

  void it('sets network_up to 1 and back to 0', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.networkUp('libera', true);
    assert.equal(sample(await metrics.render(), 'switchboard_network_up', { network: 'libera' }), 1);
    metrics.networkUp('libera', false);
    assert.equal(sample(await metrics.render(), 'switchboard_network_up', { network: 'libera' }), 0);
  });

  void it('reads queue depth from the callbacks at each scrape and stops after untracking', async () => {
    const metrics = createMetrics({ processMetrics: false });
    let depth = 4;
    const untrack = metrics.trackQueue('libera', () => depth);
    metrics.trackQueue('jabber', () => 0);
    let text = await metrics.render();
    assert.equal(sample(text, 'switchboard_queue_depth', { network: 'libera' }), 4);
    assert.equal(sample(text, 'switchboard_queue_depth', { network: 'jabber' }), 0);
    depth = 17;
    assert.equal(sample(await metrics.render(), 'switchboard_queue_depth', { network: 'libera' }), 17);
    untrack();
    text = await metrics.render();
    assert.equal(sample(text, 'switchboard_queue_depth', { network: 'libera' }), undefined);
    assert.equal(sample(text, 'switchboard_queue_depth', { network: 'jabber' }), 0);
  });

  void it('an old untrack does not remove a newer callback for the same network', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const untrackOld = metrics.trackQueue('libera', () => 1);
    metrics.trackQueue('libera', () => 2);
    untrackOld();
    assert.equal(sample(await metrics.render(), 'switchboard_queue_depth', { network: 'libera' }), 2);
  });

  void it('skips a failing queue callback, logs it once per failure streak and keeps the others', async () => {
    const { log, lines } = capturingLogger();
    const metrics = createMetrics({ processMetrics: false, log });
    let mode: 'throw' | 'nan' | 'ok' = 'throw';
    metrics.trackQueue('broken', () => {
      if (mode === 'throw') throw new Error('adapter gone');
      return mode === 'nan' ? Number.NaN : 3;
    });
    metrics.trackQueue('fine', () => 5);

    let text = await metrics.render();
    assert.equal(sample(text, 'switchboard_queue_depth', { network: 'broken' }), undefined);
    assert.equal(sample(text, 'switchboard_queue_depth', { network: 'fine' }), 5);
    await metrics.render();
    const warnings = () => lines.filter((l) => l.network === 'broken' && typeof l.msg === 'string' && l.msg.includes('queue depth'));
    assert.equal(warnings().length, 1);
    assert.match(String((warnings()[0]?.err as { message?: string } | undefined)?.message), /adapter gone/);

    mode = 'ok';
    text = await metrics.render();
    assert.equal(sample(text, 'switchboard_queue_depth', { network: 'broken' }), 3);
    mode = 'nan';
    await metrics.render();
    assert.equal(warnings().length, 2);
    assert.equal(warnings()[1]?.returned, 'NaN');
  });

  void it('includes the default process metrics, and two instances do not share values', async () => {
    const first = createMetrics();
    const second = createMetrics();
    first.eventIn('libera', 'MESSAGE');
    const [a, b] = await Promise.all([first.render(), second.render()]);
    assert.match(a, /^process_cpu_user_seconds_total /m);
    assert.match(b, /^nodejs_heap_size_used_bytes /m);
    assert.equal(sample(a, 'switchboard_events_in_total', { network: 'libera', command: 'MESSAGE' }), 1);
    assert.equal(sample(b, 'switchboard_events_in_total', { network: 'libera', command: 'MESSAGE' }), undefined);
    assert.match(first.contentType, /^text\/plain; version=0\.0\.4/);
  });
});
