// The pieces of a loopback HTTP server that the playground (web/server.ts) and the training
// dashboard (node-event-server.ts) share: which Host headers to answer (DNS-rebinding defence),
// which file a URL path names under a few mounted folders (no escaping them), the content types,
// the headers every answer carries, and sending one file. Node only.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';

export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json', '.map': 'application/json', '.csv': 'text/csv; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.png': 'image/png', '.jpg': 'image/jpeg', '.safetensors': 'application/octet-stream', '.gz': 'application/gzip',
};

/** Headers on every answer: no caching, no content sniffing. */
export const BASE_HEADERS: Readonly<Record<string, string>> = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };

/** The cross-origin isolation headers (COOP/COEP/CORP) that let a page use SharedArrayBuffer. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin',
};

const IP_LITERAL = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])(:\d+)?$/i;

/**
 * Whether a request's Host header names this server: `127.0.0.1:port`, `localhost:port` or
 * `[::1]:port`, the explicit `host` it was bound to, or (bound to every interface) any IP literal
 * with this port. A page on an attacker's domain that re-points its DNS name to 127.0.0.1 still
 * sends its own name as Host, so it is refused (DNS rebinding); an IP literal can not be re-pointed.
 */
export function hostAllowed(header: string | undefined, port: number, boundHost = '127.0.0.1'): boolean {
  if (!header) return false;
  const h = header.toLowerCase();
  const names = ['127.0.0.1', 'localhost', '[::1]', boundHost.includes(':') ? `[${boundHost}]` : boundHost];
  if (names.some((n) => h === `${n}:${port}`)) return true;
  const anyInterface = boundHost === '0.0.0.0' || boundHost === '::';
  return anyInterface && IP_LITERAL.test(h) && h.endsWith(`:${port}`);
}

/**
 * The file a URL path names under the mounts (URL prefix → absolute folder, longest prefix
 * first), or null: outside every mount, escaping one (`..`, `%2e%2e/`), or holding a NUL byte.
 */
export function resolveUnder(mounts: readonly (readonly [string, string])[], urlPath: string): string | null {
  let p: string;
  try {
    p = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (p.includes('\0')) return null;
  for (const [prefix, dir] of mounts) {
    if (!p.startsWith(prefix)) continue;
    const rel = p.slice(prefix.length) || 'index.html';
    const file = path.resolve(dir, rel);
    if (file !== dir && !file.startsWith(dir + path.sep)) return null;
    return file;
  }
  return null;
}

/** The URL path of a request (`/a/b.js`), without its query. */
export function urlPath(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://x').pathname;
}

/** Answer a GET/HEAD with `file` (or 404 when it is null, missing or not a plain file). */
export function sendFile(req: IncomingMessage, res: ServerResponse, file: string | null, headers: Record<string, string>): void {
  let size = -1;
  try {
    if (file) {
      const st = statSync(file);
      if (st.isFile()) size = st.size;
    }
  } catch { /* not there */ }
  if (!file || size < 0) { res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found'); return; }
  res.writeHead(200, { ...headers, 'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': String(size) });
  if (req.method === 'HEAD') { res.end(); return; }
  createReadStream(file).pipe(res);
}

/**
 * The checks every request passes first: a Host header naming this server (421 otherwise) and
 * GET/HEAD only (405). Returns whether the request may go on.
 */
export function admit(req: IncomingMessage, res: ServerResponse, port: number, boundHost?: string): boolean {
  if (!hostAllowed(req.headers.host, port, boundHost)) { res.writeHead(421, { 'Content-Type': 'text/plain' }).end('wrong Host header'); return false; }
  if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405, { Allow: 'GET, HEAD' }).end(); return false; }
  return true;
}
