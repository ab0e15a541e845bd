import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { Writable } from 'node:stream';
import { once } from 'node:events';
import { startHttpServer, type RunningHttpServer } from '../../src/http/server.js';
import { HttpListenError, formatHostPort } from '../../src/http/errors.js';
import { WebResourceError } from '../../src/modules/web-resources.js';
import type { HealthReport } from '../../src/http/health.js';
import type { WebResource, WebResponse } from '../../src/modules/web-resources.js';
import { createMetrics, type HubMetrics } from '../../src/core/metrics.js';
import { createLogger } from '../../src/core/log.js';

type LogLine = Record<string, unknown>;

/** A debug-level logger whose JSON lines land in `lines` (and raw text in `text()`). */
function capturingLogger(): { log: ReturnType<typeof createLogger>; lines: LogLine[]; text: () => string } {
  const lines: LogLine[] = [];
  let raw = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw += chunk.toString('utf8');
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { log: createLogger({ destination, level: 'debug' }), lines, text: () => raw };
}

const healthy: HealthReport = {
  status: 'ok',
  uptimeSeconds: 12,
  networks: {
    libera: { protocol: 'irc', state: 'connected', since: '2024-05-01T10:00:00.000Z', reconnects: 0, queueDepth: 2 },
  },
};

interface Harness {
  server: RunningHttpServer;
  metrics: HubMetrics;
  lines: LogLine[];
  text: () => string;
  setHealth: (health: () => HealthReport) => void;
}

/** Starts a server on a free loopback port, closed when the test ends (also on failure). */
async function start(t: TestContext, resources: WebResource[] = []): Promise<Harness> {
  const { log, lines, text } = capturingLogger();
  const metrics = createMetrics({ processMetrics: false });
  let health = (): HealthReport => healthy;
  const server = await startHttpServer({ host: '127.0.0.1', port: 0, log, metrics, health: () => health(), resources });
  t.after(() => server.close());
  return { server, metrics, lines, text, setHealth: (h) => (health = h) };
}

/** fetch with a timeout, so no test waits forever. */
function get(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
}

/** Resolves with the first log line matching `predicate`, polling; fails after `timeoutMs`. */
async function waitForLine(lines: LogLine[], predicate: (line: LogLine) => boolean, timeoutMs = 5000): Promise<LogLine> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = lines.find(predicate);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching log line within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Listens on a free loopback port with a plain TCP server, closed when the test ends. */
async function occupyPort(t: TestContext): Promise<number> {
  const blocker: Server = createServer();
  blocker.listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  t.after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const address = blocker.address();
  assert.ok(address && typeof address === 'object');
  return address.port;
}

void describe('startHttpServer', () => {
  void it('listens on the asked host and a picked port', async (t) => {
    const { server } = await start(t);
    assert.ok(server.port > 0);
    assert.equal(server.host, '127.0.0.1');
    assert.equal(server.address, `http://127.0.0.1:${server.port}`);
  });

  void it('GET /health answers the report with 200 when ok and 503 otherwise', async (t) => {
    const { server, setHealth } = await start(t);
    let response = await get(`${server.address}/health`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(await response.json(), healthy);

    for (const status of ['degraded', 'starting', 'stopping'] as const) {
      const report: HealthReport = {
        ...healthy,
        status,
        networks: { libera: { ...healthy.networks.libera!, state: 'reconnecting', lastError: 'connection refused' } },
      };
      setHealth(() => report);
      response = await get(`${server.address}/health`);
      assert.equal(response.status, 503, status);
      assert.deepEqual(await response.json(), report);
    }
  });

  void it('GET /health answers a generic 500 and logs when building the report fails', async (t) => {
    const { server, setHealth, lines } = await start(t);
    setHealth(() => {
      throw new Error('supervisor map corrupted');
    });
    const response = await get(`${server.address}/health`);
    assert.equal(response.status, 500);
    const body = await response.text();
    assert.doesNotMatch(body, /supervisor map corrupted|at .*\.js/);
    const logged = lines.find((l) => l.level === 50 && (l.err as { message?: string } | undefined)?.message === 'supervisor map corrupted');
    assert.ok(logged, 'the failure is logged with its error');
  });

  void it('GET /metrics serves the Prometheus exposition with recorded values', async (t) => {
    const { server, metrics } = await start(t);
    metrics.eventIn('libera', 'MESSAGE');
    metrics.eventOut('jabber', 'MESSAGE');
    metrics.networkUp('libera', true);
    metrics.trackQueue('libera', () => 7);
    metrics.observeDispatch('MESSAGE', 0.01);
    const response = await get(`${server.address}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    assert.match(text, /^# TYPE switchboard_events_in_total counter$/m);
    assert.match(text, /^switchboard_events_in_total\{network="libera",command="MESSAGE"\} 1$/m);
    assert.match(text, /^switchboard_events_out_total\{network="jabber",command="MESSAGE"\} 1$/m);
    assert.match(text, /^switchboard_network_up\{network="libera"\} 1$/m);
    assert.match(text, /^switchboard_queue_depth\{network="libera"\} 7$/m);
    assert.match(text, /^switchboard_dispatch_seconds_count\{command="MESSAGE"\} 1$/m);
  });

  void it('serves a module web resource with params, query, headers and bodies', async (t) => {
    const seen: Array<{ method: string; url: string; body: unknown; params: unknown; query: unknown; header?: string }> = [];
    const echo: WebResource = {
      path: '/relay/items/:id',
      module: 'relay',
      handler: async (request): Promise<WebResponse> => {
        seen.push({
          method: request.method,
          url: request.url,
          body: request.body,
          params: request.params,
          query: request.query,
          header: request.headers['x-test'] as string | undefined,
        });
        if (request.method === 'GET') return { status: 200, headers: { 'x-module': 'relay' }, body: 'plain text' };
        if (Buffer.isBuffer(request.body)) return { status: 202, headers: { 'content-type': 'application/octet-stream' }, body: request.body };
        return { status: 201, body: { received: request.body } };
      },
    };
    const { server } = await start(t, [echo]);

    let response = await get(`${server.address}/relay/items/42?verbose=1`, { headers: { 'x-test': 'yes' } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-module'), 'relay');
    assert.equal(await response.text(), 'plain text');
    assert.deepEqual(seen[0], { method: 'GET', url: '/relay/items/42?verbose=1', body: undefined, params: { id: '42' }, query: { verbose: '1' }, header: 'yes' });

    response = await get(`${server.address}/relay/items/7`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hello' }),
    });
    assert.equal(response.status, 201);
    assert.deepEqual(await response.json(), { received: { text: 'hello' } });

    const bytes = Buffer.from([0, 1, 2, 254, 255]);
    response = await get(`${server.address}/relay/items/8`, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: bytes });
    assert.equal(response.status, 202);
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), bytes);
  });

  void it('answers a generic 500 when a web resource throws, and logs it with the module name', async (t) => {
    const failing: WebResource = {
      path: '/broken',
      module: 'flaky-module',
      handler: async () => {
        throw new Error('database password is hunter2');
      },
    };
    const { server, lines } = await start(t, [failing]);
    const response = await get(`${server.address}/broken`);
    assert.equal(response.status, 500);
    const body = await response.text();
    assert.deepEqual(JSON.parse(body), { error: 'internal error' });
    assert.doesNotMatch(body, /hunter2|\.js:\d+/);
    const logged = lines.filter((l) => l.module === 'flaky-module' && l.level === 50);
    assert.equal(logged.length, 1);
    assert.equal(logged[0]?.path, '/broken');
    assert.match(String((logged[0]?.err as { stack?: string } | undefined)?.stack), /hunter2/);
  });

  void it('answers a generic 500 when a web resource returns something unsendable', async (t) => {
    const answers: unknown[] = [
      { status: 99, body: 'x' },
      { status: 200, headers: { 'x-evil': 'a\r\nSet-Cookie: pwned=1' }, body: 'x' },
      { status: 200, body: null },
      undefined,
    ];
    const odd: WebResource = { path: '/odd', module: 'odd-module', handler: async () => answers.shift() as never };
    const { server, lines } = await start(t, [odd]);
    for (let i = 0; i < 4; i++) {
      const response = await get(`${server.address}/odd`);
      assert.equal(response.status, 500);
      assert.equal(response.headers.get('set-cookie'), null);
      assert.deepEqual(await response.json(), { error: 'internal error' });
    }
    assert.equal(lines.filter((l) => l.module === 'odd-module' && l.level === 50).length, 4);
  });

  void it('refuses web resources with bad, reserved or duplicate paths', async () => {
    const resource = (path: string, module = 'm'): WebResource => ({ path, module, handler: async () => ({ status: 204, body: '' }) });
    const attempt = (resources: WebResource[]) =>
      startHttpServer({ host: '127.0.0.1', port: 0, log: createLogger({ level: 'silent' }), metrics: createMetrics({ processMetrics: false }), health: () => healthy, resources });
    await assert.rejects(attempt([resource('/metrics')]), (error: unknown) => error instanceof WebResourceError && /module m: web resource "\/metrics": the path is reserved/.test(error.message));
    await assert.rejects(attempt([resource('relay')]), /must start with "\/"/);
    await assert.rejects(attempt([resource('/a b')]), /must not contain spaces/);
    await assert.rejects(attempt([resource('/a\r\nb')]), /control characters/);
    await assert.rejects(attempt([resource('/a?b=1')]), /"\?"/);
    await assert.rejects(attempt([resource('/x', 'one'), resource('/x', 'two')]), /module two: web resource "\/x": another web resource already uses this path/);
  });

  void it('throws HttpListenError naming the address and http.listen when the port is taken', async (t) => {
    const port = await occupyPort(t);
    const { log } = capturingLogger();
    const metrics = createMetrics({ processMetrics: false });
    await assert.rejects(startHttpServer({ host: '127.0.0.1', port, log, metrics, health: () => healthy }), (error: unknown) => {
      assert.ok(error instanceof HttpListenError);
      assert.equal(error.code, 'EADDRINUSE');
      assert.equal(error.address, `127.0.0.1:${port}`);
      assert.equal(error.message, `another process uses 127.0.0.1:${port}: choose another port in http.listen or stop that process`);
      return true;
    });
  });

  void it('writes IPv6 hosts in brackets in addresses and messages', () => {
    assert.equal(formatHostPort('::1', 8480), '[::1]:8480');
    assert.equal(formatHostPort('127.0.0.1', 8480), '127.0.0.1:8480');
    const error = new HttpListenError(formatHostPort('::1', 8480), Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' }));
    assert.equal(error.message, 'another process uses [::1]:8480: choose another port in http.listen or stop that process');
  });

  void it('throws HttpListenError when the host is not an address of this machine', async () => {
    const metrics = createMetrics({ processMetrics: false });
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to a local interface.
    await assert.rejects(
      startHttpServer({ host: '192.0.2.1', port: 0, log: createLogger({ level: 'silent' }), metrics, health: () => healthy }),
      (error: unknown) => error instanceof HttpListenError && error.code === 'EADDRNOTAVAIL' && /fix the host in http\.listen/.test(error.message),
    );
  });

  void it('logs requests at debug without query strings or authorization headers', async (t) => {
    const { server, lines, text } = await start(t);
    const response = await get(`${server.address}/health?token=s3cr3t-query`, { headers: { authorization: 'Bearer s3cr3t-header' } });
    assert.equal(response.status, 200);
    await response.arrayBuffer();
    // onResponse runs once the response is written, possibly after the client has it.
    const requestLine = await waitForLine(lines, (l) => l.msg === 'http request');
    assert.equal(requestLine.level, 20);
    assert.deepEqual(requestLine.req, { method: 'GET', path: '/health' });
    assert.equal(requestLine.statusCode, 200);
    assert.doesNotMatch(text(), /s3cr3t/);
  });

  void it('close() stops listening', async (t) => {
    const { server } = await start(t);
    await server.close();
    await assert.rejects(get(`${server.address}/health`));
  });
});
