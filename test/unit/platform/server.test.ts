// The playground's static server: 127.0.0.1 only, its own Host header only, files under its
// mounts only, GET/HEAD only, COOP/COEP when asked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startServer } from '../../../web/server.js';

function get(url: string, opts: { host?: string; method?: string; path?: string } = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const u = new URL(url);
  return new Promise((ok, fail) => {
    const req = request({ host: u.hostname, port: u.port, path: opts.path ?? u.pathname, method: opts.method ?? 'GET', headers: opts.host ? { Host: opts.host } : {} }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

test('serves the playground on 127.0.0.1 with cross-origin isolation headers', async () => {
  const s = await startServer();
  try {
    assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const addr = s.server.address();
    assert.equal(typeof addr === 'object' && addr ? addr.address : '', '127.0.0.1');
    const r = await get(`${s.url}/index.html`);
    assert.equal(r.status, 200);
    assert.match(r.body, /Axon playground/);
    assert.equal(r.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(r.headers['cross-origin-embedder-policy'], 'require-corp');
    assert.match(String(r.headers['content-type']), /text\/html/);
    const wasm = await get(`${s.url}/dist/browser/axon-simd.wasm`, { method: 'HEAD' });
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers['content-type'], 'application/wasm');
  } finally {
    await s.close();
  }
});

test('refuses other Host headers, paths outside its folders, and methods other than GET/HEAD', async () => {
  const s = await startServer({ isolated: false });
  try {
    const port = new URL(s.url).port;
    assert.equal((await get(`${s.url}/index.html`, { host: `evil.example:${port}` })).status, 421);
    assert.equal((await get(`${s.url}/index.html`, { host: `localhost:${port}` })).status, 200);
    for (const p of ['/../package.json', '/%2e%2e/package.json', '/dist/browser/../../package.json', '/dist/browser/%2e%2e%2f%2e%2e%2fpackage.json', '/%00', '/nothing-here.js']) {
      assert.equal((await get(s.url, { path: p })).status, 404, p);
    }
    assert.equal((await get(`${s.url}/index.html`, { method: 'POST' })).status, 405);
    const r = await get(`${s.url}/index.html`);
    assert.equal(r.headers['cross-origin-opener-policy'], undefined, 'no isolation headers when not asked');
  } finally {
    await s.close();
  }
});
