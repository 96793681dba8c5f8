// The dashboard's server, from outside as a browser (or an attacker) sees it: bound to 127.0.0.1
// only unless a host is given, serving only its own asset folder (path traversal is 404), refusing
// a Host header that is not this server (DNS rebinding), streaming exactly the run's events at
// most 20 messages a second, and saying clearly when a port is taken.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { startDashboard, DEFAULT_PORT, type DashboardServer } from '../../../src/dashboard/dashboard.js';

interface Reply { status: number; headers: http.IncomingHttpHeaders; body: string }

/** One raw request (the path is sent as written: no normalising of `..`). */
function request(host: string, port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((ok, fail) => {
    const req = http.request({ host, port, path, method, headers: { Host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

/** Connect and report the error code, or 'connected'. */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((ok) => {
    const s = net.connect({ host, port }, () => { s.destroy(); ok('connected'); });
    s.on('error', (e: NodeJS.ErrnoException) => ok(e.code ?? e.message));
  });
}

/** The server-sent-event messages of /events for `ms` milliseconds: arrival times and parsed arrays. */
function listen(port: number, ms: number): Promise<{ at: number; events: unknown[] }[]> {
  return new Promise((ok, fail) => {
    const out: { at: number; events: unknown[] }[] = [];
    let buf = '';
    const req = http.get({ host: '127.0.0.1', port, path: '/events', headers: { Host: `127.0.0.1:${port}` } }, (res) => {
      assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buf += c;
        let k: number;
        while ((k = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, k);
          buf = buf.slice(k + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (data) out.push({ at: performance.now(), events: JSON.parse(data) as unknown[] });
        }
      });
    });
    req.on('error', fail);
    setTimeout(() => { req.destroy(); ok(out); }, ms);
  });
}

const portOf = (d: DashboardServer): number => Number(new URL(d.url).port);
const quiet = { log: false as const, verbose: false };

test('listens on 127.0.0.1 only: another loopback address and the machine\'s other interfaces are refused', async () => {
  const d = startDashboard('test', { ...quiet, port: 0 });
  try {
    const port = portOf(d);
    assert.match(d.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(await tryConnect('127.0.0.1', port), 'connected');
    // A server bound to 0.0.0.0 would answer on 127.0.0.2 too (all of 127/8 is this machine).
    assert.equal(await tryConnect('127.0.0.2', port), 'ECONNREFUSED');
    const others = Object.values(os.networkInterfaces()).flat().filter((i) => i && i.family === 'IPv4' && !i.internal).map((i) => i!.address);
    for (const ip of others) assert.equal(await tryConnect(ip, port), 'ECONNREFUSED', ip);
  } finally {
    d.server.close();
  }
});

test('an explicit host is honoured: 0.0.0.0 answers on every address, with IP-literal Host headers only', async () => {
  const d = startDashboard('test', { ...quiet, port: 0, host: '0.0.0.0' });
  try {
    const port = portOf(d);
    assert.equal(await tryConnect('127.0.0.2', port), 'connected');
    assert.equal((await request('127.0.0.2', port, '/', { Host: `127.0.0.2:${port}` })).status, 200);
    assert.equal((await request('127.0.0.2', port, '/', { Host: `attacker.example:${port}` })).status, 421);
  } finally {
    d.server.close();
  }
});

test('serves only its asset folder: traversal in any spelling is 404, and nothing of the package or the disk', async () => {
  const d = startDashboard('test', { ...quiet, port: 0 });
  try {
    const port = portOf(d);
    const page = await request('127.0.0.1', port, '/');
    assert.equal(page.status, 200);
    assert.match(page.body, /<title>Axon dashboard<\/title>/);
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
    for (const f of ['/uPlot.iife.min.js', '/uPlot.min.css', '/dashboard.js', '/dashboard.css']) assert.equal((await request('127.0.0.1', port, f)).status, 200, f);
    for (const p of ['/../../package.json', '/../../../package.json', '/%2e%2e/%2e%2e/package.json', '/%2e%2e%2f%2e%2e%2fpackage.json', '/..%2f..%2fpackage.json',
      '/..\\..\\package.json', '/%2E%2E/%2E%2E/%2E%2E/etc/passwd', '/events/../../package.json', '/%00', '/package.json', '/dist/src/index.js', '/node_modules/uplot/package.json',
      '/runs/', '/.git/config', '/axon.js']) {
      assert.equal((await request('127.0.0.1', port, p)).status, 404, p);
    }
    assert.equal((await request('127.0.0.1', port, '/', {}, 'POST')).status, 405);
  } finally {
    d.server.close();
  }
});

test('a Host header that is not this server is refused (DNS rebinding); localhost and 127.0.0.1 are answered', async () => {
  const d = startDashboard('test', { ...quiet, port: 0 });
  try {
    const port = portOf(d);
    for (const host of ['attacker.example', `attacker.example:${port}`, `127.0.0.1.nip.io:${port}`, 'localhost', `localhost:${port + 1}`]) {
      assert.equal((await request('127.0.0.1', port, '/events', { Host: host })).status, 421, host);
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) assert.equal((await request('127.0.0.1', port, '/', { Host: host })).status, 200, host);
  } finally {
    d.server.close();
  }
});

test('the stream carries exactly the run\'s events, the run so far first, at most 20 messages a second', async () => {
  const d = startDashboard('test', { ...quiet, port: 0 });
  try {
    const port = portOf(d);
    const early = [{ event: 'start', epochs: 1, stepsPerEpoch: 400, initial: null }];
    d.server.publish(early.map((e) => JSON.stringify(e)));
    const heard = listen(port, 1700);
    await new Promise((r) => setTimeout(r, 100));
    // One event every ~2 ms for 1.2 s: ~600 events, far above 20 a second.
    const sent: unknown[] = [...early];
    const t0 = performance.now();
    for (let step = 1; performance.now() - t0 < 1200; step++) {
      const e = { event: 'step', step, epoch: 1, loss: 1 / step, lr: 0.1, samples: 8, t: step };
      sent.push(e);
      d.server.publish([JSON.stringify(e)]);
      await new Promise((r) => setTimeout(r, 2));
    }
    const messages = await heard;
    assert.deepEqual(messages.flatMap((m) => m.events), sent, 'every event once, in order, and nothing else');
    assert.deepEqual(messages[0]!.events, early, 'the run so far comes first');
    const times = messages.map((m) => m.at);
    const busiest = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
    assert.ok(busiest <= 20, `${busiest} messages within one second`);
    assert.ok(sent.length > 300 && messages.length >= 10, `${sent.length} events in ${messages.length} messages`);
  } finally {
    d.server.close();
  }
});

test('a port in use: a clear error when the user named it, another port when not', async () => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const taken = (blocker.address() as net.AddressInfo).port;
  // The default port, held here unless something else already holds it: either way it is taken.
  const holder = net.createServer();
  await new Promise<void>((r) => { holder.once('error', () => r()); holder.listen(DEFAULT_PORT, '127.0.0.1', r); });
  try {
    assert.throws(() => startDashboard('fit', { ...quiet, port: taken }), new RegExp(`fit: port ${taken} on 127\\.0\\.0\\.1 is in use by another program: pass another port, or none to pick a free one`));
    assert.throws(() => startDashboard('fit', { ...quiet, port: 70000 }), /dashboard port must be an integer in 0\.\.65535, got 70000/);
    const d = startDashboard('fit', quiet);
    try {
      assert.equal(d.server.portFallback, true);
      assert.notEqual(portOf(d), DEFAULT_PORT);
      assert.equal((await request('127.0.0.1', portOf(d), '/')).status, 200);
    } finally {
      d.server.close();
    }
  } finally {
    blocker.close();
    holder.close();
  }
});
