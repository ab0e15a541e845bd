/**
 * The IRC `paste` option end to end: a real ngIRCd (started by the harness), a raw IRC client in
 * the channel, and a paste service over real HTTP.
 *
 * The paste service is a stand-in: a tiny haste-server-compatible HTTP server written for this
 * test with node:http (POST /documents → {"key"}, GET /raw/<key>), plus endpoints shaped like
 * the other services the option supports (a multipart field answered with the URL as text, like
 * 0x0.st / sprunge / ix.io; a JSON body answered with a Location header). Real third-party paste
 * services cannot be reached from the test machine, so this stands in for them; the adapter's
 * side (global fetch, timeouts, response parsing, fallback) is the real code.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { freePort, LOOPBACK, startNgircd, type IrcServer } from '../support/servers.js';
import { captureLog } from '../support/log-capture.js';
import { withTimeout } from '../support/wait.js';
import { channelRef, makeBot, rawInChannel, textOf, WAIT_MS } from './irc-test-bot.js';
import { uploadPaste } from '../../src/networks/irc/paste-client.js';
import { pasteSchema } from '../../src/networks/irc/paste-config.js';
import type { EgressClient } from '../../src/net/egress/index.js';
import { egressAllowing } from '../support/egress.js';
import { truncationNote } from '../../src/networks/irc/split.js';

const FAILURE_LOG = 'paste upload failed; long messages are truncated until an upload works again';
const TOKEN = 'Bearer t0ps3cret-token';

/** The paste service stand-in (see the module comment). */
interface PasteServer {
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  readonly pastes: Map<string, string>;
  /** The Authorization header of every upload. */
  readonly authorizations: Array<string | undefined>;
  close(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The text of a multipart upload's `sprunge` field or `file` part. */
async function formText(request: IncomingMessage, body: Buffer): Promise<string> {
  const form = await new Response(body, { headers: { 'content-type': request.headers['content-type'] ?? '' } }).formData();
  const value = form.get('sprunge') ?? form.get('file');
  if (value === null) throw new Error('no sprunge or file field');
  return typeof value === 'string' ? value : await value.text();
}

async function startPasteServer(): Promise<PasteServer> {
  const pastes = new Map<string, string>();
  const authorizations: Array<string | undefined> = [];
  const server: Server = createServer((request, response) => {
    void (async () => {
      const path = request.url ?? '/';
      if (request.method === 'GET' && path.startsWith('/raw/')) {
        const text = pastes.get(path.slice('/raw/'.length));
        response.writeHead(text === undefined ? 404 : 200, { 'content-type': 'text/plain; charset=utf-8' }).end(text ?? 'not found');
        return;
      }
      if (path === '/slow') return; // never answers
      const body = await bodyOf(request);
      authorizations.push(request.headers.authorization);
      const key = randomBytes(6).toString('hex');
      if (path === '/documents' && (request.method === 'POST' || request.method === 'PUT')) {
        pastes.set(key, body.toString('utf8'));
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ key }));
      } else if (path === '/form' && request.method === 'POST') {
        pastes.set(key, await formText(request, body));
        response.writeHead(200, { 'content-type': 'text/plain' }).end(`${base}/raw/${key}\n`);
      } else if (path === '/json' && request.method === 'POST') {
        pastes.set(key, (JSON.parse(body.toString('utf8')) as { content: string }).content);
        response.writeHead(201, { location: `/raw/${key}` }).end();
      } else if (path === '/huge') {
        response.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(100 * 1024));
      } else {
        response.writeHead(404).end();
      }
    })().catch((error: unknown) => response.writeHead(400).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const base = `http://${LOOPBACK}:${address.port}`;
  return {
    base, pastes, authorizations,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const twentyLines = Array.from({ length: 20 }, (_, i) => `line ${i + 1} of a long paste`).join('\n');

describe('IRC paste option on ngircd', { timeout: 120_000 }, () => {
  let server: IrcServer;
  let paste: PasteServer;
  before(async () => {
    paste = await startPasteServer();
    server = await startNgircd();
  });
  after(async () => {
    await server?.stop();
    await paste?.close();
  });

  it('a 20-line message with maxLines 3 arrives as its first lines plus a link to the full text', async (t) => {
    const alice = await rawInChannel(t, server, 'alice', '#paste');
    const captured = captureLog('debug');
    const bot = makeBot(t, server, '#paste', {
      maxLines: 3,
      paste: {
        url: `${paste.base}/documents`,
        headers: { Authorization: TOKEN },
        response: { json: 'key', template: `${paste.base}/raw/{value}` },
      },
    }, captured.log, egressAllowing(new URL(paste.base).host));
    await bot.network.connect();
    const channel = channelRef('#paste');
    const sent = await bot.network.send({ target: { channel }, kind: 'message', body: [{ type: 'text', text: twentyLines }] });
    await bot.network.send({ target: { channel }, kind: 'message', body: [{ type: 'text', text: 'right after' }] });
    assert.equal(sent.ids.length, 3, 'one id per IRC line');

    const received: string[] = [];
    for (let i = 0; i < 4; i++) received.push(textOf(await alice.waitForLine(/ PRIVMSG #paste :/, WAIT_MS)));
    assert.deepEqual(received.slice(0, 2), ['line 1 of a long paste', 'line 2 of a long paste']);
    const match = /^… \(full text: (http:\/\/\S+)\)$/.exec(received[2] ?? '');
    assert.ok(match, `a paste note, got ${received[2]}`);
    assert.equal(received[3], 'right after', 'a message sent after the long one arrives after it');

    const response = await fetch(match[1] as string, { signal: AbortSignal.timeout(WAIT_MS) });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), twentyLines);
    assert.deepEqual(paste.authorizations, [TOKEN], 'the header was sent');
    assert.doesNotMatch(captured.text(), /t0ps3cret/);
  });

  it('with the endpoint down the truncation note is used and the failure logged once', async (t) => {
    const alice = await rawInChannel(t, server, 'bob', '#down');
    const captured = captureLog('info');
    const deadPort = await freePort();
    const bot = makeBot(t, server, '#down', {
      maxLines: 3,
      paste: { url: `http://${LOOPBACK}:${deadPort}/documents`, headers: { Authorization: TOKEN }, response: { json: 'key' }, timeoutMs: 2_000 },
    }, captured.log, egressAllowing(`${LOOPBACK}:${deadPort}`));
    await bot.network.connect();
    const channel = channelRef('#down');
    for (const round of [1, 2]) {
      await bot.network.send({ target: { channel }, kind: 'message', body: [{ type: 'text', text: twentyLines }] });
      const received: string[] = [];
      for (let i = 0; i < 3; i++) received.push(textOf(await alice.waitForLine(/ PRIVMSG #down :/, WAIT_MS)));
      assert.deepEqual(received, ['line 1 of a long paste', 'line 2 of a long paste', truncationNote(18)], `round ${round}`);
    }
    const failures = captured.lines.filter((line) => line.msg === FAILURE_LOG);
    assert.equal(failures.length, 1, 'logged once');
    assert.equal(failures[0]?.endpoint, `http://${LOOPBACK}:${deadPort}/documents`);
    assert.match(String(failures[0]?.err), /ECONNREFUSED/);
    assert.doesNotMatch(captured.text(), /t0ps3cret/);
    assert.equal(bot.losses.length, 0, 'the connection stayed up');
  });
});

describe('paste uploads over HTTP', { timeout: 60_000 }, () => {
  let paste: PasteServer;
  before(async () => {
    paste = await startPasteServer();
  });
  after(() => paste?.close());

  const text = 'first\nsecond ünïcode ✓\nthird';
  const egress = (): EgressClient => egressAllowing(new URL(paste.base).host);
  const fetchRaw = async (url: string): Promise<string> => (await fetch(url, { signal: AbortSignal.timeout(WAIT_MS) })).text();

  it('sends a form field or a file part and reads the URL from the body (sprunge, 0x0.st style)', async () => {
    const field = await uploadPaste(text, pasteSchema.parse({ url: `${paste.base}/form`, body: { field: 'sprunge' }, response: 'text' }), egress());
    assert.equal(await fetchRaw(field), text);
    const file = await uploadPaste(text, pasteSchema.parse({ url: `${paste.base}/form`, body: { field: 'file', filename: 'paste.txt' }, response: 'text' }), egress());
    assert.equal(await fetchRaw(file), text);
  });

  it('sends a JSON body and reads a relative Location header; PUT works too', async () => {
    const url = await uploadPaste(text, pasteSchema.parse({ url: `${paste.base}/json`, body: { json: 'content' }, response: 'location' }), egress());
    assert.match(url, new RegExp(`^${paste.base}/raw/[0-9a-f]+$`));
    assert.equal(await fetchRaw(url), text);
    const put = await uploadPaste(text, pasteSchema.parse({ url: `${paste.base}/documents`, method: 'PUT', response: { json: 'key', template: `${paste.base}/raw/{value}` } }), egress());
    assert.equal(await fetchRaw(put), text);
  });

  it('fails with a clear PasteError on a timeout, an error status or an oversized answer, never quoting the headers', async () => {
    const config = (path: string, extra: Record<string, unknown> = {}) =>
      pasteSchema.parse({ url: `${paste.base}${path}`, response: 'text', headers: { Authorization: TOKEN }, ...extra });
    const noSecret = (error: unknown): boolean => error instanceof Error && error.name === 'PasteError' && !error.message.includes('t0ps3cret');
    await withTimeout(assert.rejects(uploadPaste(text, config('/slow', { timeoutMs: 300 }), egress()), (e) => noSecret(e) && /did not answer within 300 ms/.test((e as Error).message)), WAIT_MS, 'the timeout');
    await assert.rejects(uploadPaste(text, config('/nothing-here'), egress()), (e) => noSecret(e) && /HTTP 404/.test((e as Error).message));
    await assert.rejects(uploadPaste(text, config('/huge'), egress()), (e) => noSecret(e) && /larger than/.test((e as Error).message));
  });
});
