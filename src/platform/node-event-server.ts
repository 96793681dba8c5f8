// The event server's thread (a worker_threads worker, started by node.ts startEventServer): a
// loopback HTTP server that serves one folder of static files and streams JSON events to pages
// as server-sent events (GET /events). It runs on its own thread because fit() is synchronous:
// the training thread only posts events here, and this thread answers browsers meanwhile.
// The run so far is kept (steps thinned past a cap: event-history.ts), so a page opened late (or
// reloaded) gets the whole run first; messages go
// out at most once per `minIntervalMs` (events queued in between travel together); each event is
// also appended to the run log as one JSON line. Nothing but the folder and the stream is served.
import { createServer, type ServerResponse } from 'node:http';
import { closeSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { admit, BASE_HEADERS, resolveUnder, sendFile, urlPath } from './loopback-http.js';
import { EventHistory } from './event-history.js';

/** What startEventServer sends the thread (workerData). */
export interface EventServerInit {
  /** [state (0 starting, 1 listening, 2 failed), port, pages that opened the stream]. */
  flags: SharedArrayBuffer;
  /** Where the thread answers the start: { error } when it failed. */
  reply: MessagePort;
  assets: string;
  host: string;
  port: number;
  fallbackPort: boolean;
  logFile?: string;
  minIntervalMs: number;
}

/** Messages from the training thread. */
export type EventServerMessage = { type: 'events'; events: string[] } | { type: 'close' };

const init = workerData as EventServerInit;
const flags = new Int32Array(init.flags);
const assets = path.resolve(init.assets);
const mounts = [['/', assets]] as const;
const history = new EventHistory(); // the events streamed so far, JSON (steps thinned past a cap)
let pending: string[] = []; // not yet streamed
const clients = new Set<ServerResponse>();
let timer: ReturnType<typeof setTimeout> | null = null;
let lastSent = -Infinity; // Date.now() of the last message
let closing = false;
let log: number | null = null;
let port = 0;

function stream(res: ServerResponse, events: readonly string[]): void {
  res.write(`data: [${events.join(',')}]\n\n`);
}

function flush(): void {
  timer = null;
  if (pending.length === 0) return;
  lastSent = Date.now();
  for (const c of clients) stream(c, pending);
  for (const e of pending) history.add(e);
  pending = [];
}

function schedule(): void {
  if (timer !== null) return;
  timer = setTimeout(flush, Math.max(0, lastSent + init.minIntervalMs - Date.now()));
}

function signal(state: number): void {
  Atomics.store(flags, 0, state);
  Atomics.notify(flags, 0);
}

const headers = { ...BASE_HEADERS, 'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'" };
const server = createServer((req, res) => {
  if (!admit(req, res, port, init.host)) return;
  if (urlPath(req) === '/events') {
    res.writeHead(200, { ...headers, 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
    if (req.method === 'HEAD') { res.end(); return; }
    res.write('retry: 2000\n\n');
    // The run so far in one message. Sent now, it counts against the rate like any other: what is
    // pending waits for the next slot (the new page gets it there too).
    if (history.size > 0) {
      stream(res, history.snapshot());
      lastSent = Date.now();
      if (timer !== null) { clearTimeout(timer); timer = null; schedule(); }
    }
    clients.add(res);
    Atomics.add(flags, 2, 1);
    Atomics.notify(flags, 2);
    req.on('close', () => clients.delete(res));
    return;
  }
  sendFile(req, res, resolveUnder(mounts, urlPath(req)), headers);
});

function listen(p: number, fallback: boolean): void {
  server.once('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EADDRINUSE' && fallback) { listen(0, false); return; }
    const why = e.code === 'EADDRINUSE'
      ? `port ${p} on ${init.host} is in use by another program: pass another port, or none to pick a free one`
      : e.code === 'EADDRNOTAVAIL' ? `${init.host} is not an address of this machine` : e.message;
    init.reply.postMessage({ error: why, code: e.code });
    signal(2);
    process.exit(0);
  });
  server.listen(p, init.host, () => {
    const addr = server.address();
    port = typeof addr === 'object' && addr ? addr.port : p;
    if (init.logFile) log = openSync(init.logFile, 'a');
    Atomics.store(flags, 1, port);
    signal(1);
  });
}

function close(): void {
  if (closing) return;
  closing = true;
  if (timer !== null) clearTimeout(timer);
  flush();
  for (const c of clients) c.end();
  if (log !== null) closeSync(log);
  log = null;
  server.closeAllConnections();
  server.close(() => process.exit(0));
}

parentPort!.on('message', (m: EventServerMessage) => {
  if (m.type === 'close') { close(); return; }
  if (closing) return;
  pending.push(...m.events);
  if (log !== null) writeSync(log, m.events.map((e) => e + '\n').join(''));
  schedule();
});
// The training thread may end without closing (Ctrl-C kills both): the log was written as it went.
parentPort!.on('close', close);

listen(init.port, init.fallbackPort);
