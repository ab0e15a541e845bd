/**
 * The egress client against HTTP servers started by the test on loopback: refused addresses
 * are never contacted, redirects are checked hop by hop, bodies are cut at the cap whether or
 * not Content-Length is given, names are connected to at the address we checked, and a
 * message's budget caps its links and stops its fetches when its time is up.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EgressBudget, EgressClient, EgressError, type EgressConfig } from '../../src/net/egress/index.js';
import type { Resolver } from '../../src/net/egress/resolve.js';
import { egressConfig } from '../support/egress.js';
import { ENDLESS_LIMIT, startHttpFixture, type HttpFixture } from '../support/http-fixture.js';

const codeOf = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof EgressError) return error.code;
    throw error;
  }
};

describe('egress client against local HTTP servers', { timeout: 60_000 }, () => {
  let files: HttpFixture;
  let other: HttpFixture;
  let secret: HttpFixture;
  let client: EgressClient;
  const clientWith = (overrides: Partial<EgressConfig> = {}, resolve?: Resolver): EgressClient =>
    new EgressClient(egressConfig([files.hostPort, other.hostPort], overrides), resolve);

  before(async () => {
    secret = await startHttpFixture((_req, res) => res.end('the secret'));
    other = await startHttpFixture((_req, res) => res.end('other'));
    files = await startHttpFixture((req, res, base) => {
      const url = new URL(req.url ?? '/', base);
      const redirect = (location: string, status = 302): void => void res.writeHead(status, { location }).end();
      switch (url.pathname) {
        case '/hello': return void res.end('hello');
        case '/to-secret': return redirect(`${secret.base}/data`);
        case '/to-secret-decimal': return redirect(`http://2130706433:${secret.port}/data`);
        case '/to-file': return redirect('file:///etc/passwd');
        case '/to-relative': return redirect('/hello', 301);
        case '/to-other': return redirect(`${other.base}/landing`, 307);
        case '/loop': return redirect(`/loop?n=${Number(url.searchParams.get('n') ?? 0) + 1}`);
        case '/post-303': return redirect('/hello', 303);
        case '/declared-large': return void res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) }).end(Buffer.alloc(10 * 1024 * 1024));
        case '/never': return; // never answers
        default: return void res.writeHead(404).end();
      }
    });
    client = clientWith({ maxBodyBytes: 256 * 1024 });
  });
  after(async () => {
    await Promise.all([files, other, secret].map((s) => s?.close()));
  });

  it('fetches from an allowed address and port', async () => {
    const response = await client.request(`${files.base}/hello`);
    assert.equal(response.status, 200);
    assert.equal(response.ok, true);
    assert.equal(response.body.toString(), 'hello');
  });

  it('refuses a loopback address that is not allowed, and never contacts it', async () => {
    for (const url of [`${secret.base}/data`, `http://2130706433:${secret.port}/`, `http://0x7f.1:${secret.port}/`, `http://[::ffff:127.0.0.1]:${secret.port}/`]) {
      assert.equal(await codeOf(client.request(url)), 'refused-address', url);
    }
    assert.equal(secret.requests.length, 0);
  });

  it('checks every redirect hop: a hop to a refused address or scheme is not followed', async () => {
    assert.equal(await codeOf(client.request(`${files.base}/to-secret`)), 'refused-address');
    assert.equal(await codeOf(client.request(`${files.base}/to-secret-decimal`)), 'refused-address');
    assert.equal(await codeOf(client.request(`${files.base}/to-file`)), 'refused-scheme');
    assert.equal(secret.requests.length, 0);
  });

  it('follows allowed redirects; credentials are not sent to another origin; 303 turns into GET', async () => {
    const relative = await client.request(`${files.base}/to-relative`);
    assert.equal(relative.body.toString(), 'hello');
    assert.equal(relative.url, `${files.base}/hello`);
    const moved = await client.request(`${files.base}/to-other`, { method: 'PUT', body: 'data', headers: { authorization: 'Bearer t0ken', 'x-keep': '1' } });
    assert.equal(moved.body.toString(), 'other');
    const landed = other.requests.at(-1)!;
    assert.equal(landed.method, 'PUT', '307 keeps the method');
    assert.equal(landed.headers.authorization, undefined);
    assert.equal(landed.headers['x-keep'], '1');
    await client.request(`${files.base}/post-303`, { method: 'POST', body: 'form' });
    assert.equal(files.requests.at(-1)!.method, 'GET');
  });

  it('stops after maxRedirects hops; `manual` returns the redirect itself', async () => {
    const before = files.requests.length;
    assert.equal(await codeOf(clientWith({ maxRedirects: 2 }).request(`${files.base}/loop`)), 'too-many-redirects');
    assert.equal(files.requests.length - before, 3, 'the first request and two redirects');
    const manual = await client.request(`${files.base}/to-secret`, { redirect: 'manual' });
    assert.equal(manual.status, 302);
    assert.equal(manual.header('location'), `${secret.base}/data`);
  });

  it('cuts a body without Content-Length at the cap, while it streams', async () => {
    assert.equal(await codeOf(client.request(`${files.base}/endless`)), 'too-large');
    await files.endless.closed;
    assert.equal(files.endless.cutByClient, true, 'the client closed the connection before the body ended');
    assert.ok(files.endless.written < ENDLESS_LIMIT / 4, `the server wrote ${files.endless.written} bytes`);
  });

  it('refuses a declared Content-Length over the cap, and a per-request cap below the policy\'s', async () => {
    assert.equal(await codeOf(client.request(`${files.base}/declared-large`)), 'too-large');
    assert.equal(await codeOf(client.request(`${files.base}/hello`, { maxBytes: 3 })), 'too-large');
    assert.equal(await codeOf(client.request(`${files.base}/hello`, { maxBytes: 10 * 1024 * 1024 * 1024 })), 'ok', 'the policy cap still applies, and 5 bytes are within it');
  });

  it('connects a name to the address it resolved to once, and refuses one resolving to a private address', async () => {
    const lookups: string[] = [];
    const resolve: Resolver = (host) => {
      lookups.push(host);
      return Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
    };
    const named = new EgressClient(egressConfig([`files.invalid:${files.port}`]), resolve);
    // files.invalid has no DNS entry: only a connection to the checked address can succeed.
    const response = await named.request(`http://files.invalid:${files.port}/hello`);
    assert.equal(response.body.toString(), 'hello');
    assert.deepEqual(lookups, ['files.invalid']);
    assert.equal(files.requests.at(-1)!.headers.host, `files.invalid:${files.port}`);
    const before = secret.requests.length;
    assert.equal(await codeOf(named.request(`http://rebind.invalid:${secret.port}/`)), 'refused-address');
    assert.equal(secret.requests.length, before);
  });

  it('a message budget fetches at most maxLinks distinct links; the others are never requested', async () => {
    const budget = new EgressBudget(30_000, 2);
    const before = files.requests.length;
    const codes = [];
    for (const n of [1, 2, 3, 1, 4]) codes.push(await codeOf(client.request(`${files.base}/hello?link=${n}`, { budget, link: true })));
    assert.deepEqual(codes, ['ok', 'ok', 'link-cap', 'ok', 'link-cap']);
    assert.deepEqual(files.requests.slice(before).map((r) => r.path), ['/hello?link=1', '/hello?link=2', '/hello?link=1']);
  });

  it('a message budget that runs out stops its fetch, and every later fetch for the message', async () => {
    const budget = new EgressBudget(200, 10);
    assert.equal(await codeOf(client.request(`${files.base}/never`, { budget })), 'budget');
    const before = files.requests.length;
    assert.equal(await codeOf(client.request(`${files.base}/hello`, { budget })), 'budget');
    assert.equal(files.requests.length, before, 'nothing requested once the budget is spent');
    assert.equal(await codeOf(client.request(`${files.base}/never`, { timeoutMs: 200 })), 'budget', 'a request\'s own timeout too');
  });
});
