// A static server for the playground and the browser tests: binds 127.0.0.1 only, answers only
// requests whose Host header is this server, serves only files under its mounts (no listing, no
// path escaping them), GET/HEAD only, and sends the cross-origin isolation headers (COOP/COEP)
// that let a page use SharedArrayBuffer and so wasm kernel threads — or not, to test the fallback.
//
//   npm run playground            # http://127.0.0.1:8080/ (or --port N)
import { createServer, type Server } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (dist/web/server.js → ../..). */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json', '.map': 'application/json', '.csv': 'text/csv; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.png': 'image/png', '.jpg': 'image/jpeg', '.safetensors': 'application/octet-stream', '.gz': 'application/gzip',
};

export interface ServerOptions {
  /** URL prefix → folder (absolute, or relative to the repository). '/' serves web/ by default. */
  mounts?: Record<string, string>;
  /** Send COOP/COEP so pages are cross-origin isolated (default true). */
  isolated?: boolean;
  /** Port (default 0: any free one). */
  port?: number;
}

export interface StaticServer { url: string; server: Server; close(): Promise<void> }

export const DEFAULT_MOUNTS: Record<string, string> = { '/': 'web', '/dist/browser/': 'dist/browser', '/dist/web/': 'dist/web' };

/** The file a URL path names under the mounts, or null (outside every mount, or escaping one). */
function resolve(mounts: [string, string][], urlPath: string): string | null {
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

export function startServer(options: ServerOptions = {}): Promise<StaticServer> {
  const isolated = options.isolated ?? true;
  // Longest prefix first, so /dist/browser/ wins over /.
  const mounts = Object.entries(options.mounts ?? DEFAULT_MOUNTS)
    .map(([prefix, dir]): [string, string] => [prefix, path.resolve(REPO, dir)])
    .sort((a, b) => b[0].length - a[0].length);
  let hostPort = '';
  const server = createServer((req, res) => {
    const allowedHosts = [`127.0.0.1:${hostPort}`, `localhost:${hostPort}`];
    if (!allowedHosts.includes(req.headers.host ?? '')) { res.writeHead(421).end('wrong Host header'); return; }
    if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405, { Allow: 'GET, HEAD' }).end(); return; }
    const file = resolve(mounts, new URL(req.url ?? '/', 'http://x').pathname);
    let size = -1;
    try {
      if (file) {
        const st = statSync(file);
        if (st.isFile()) size = st.size;
      }
    } catch { /* not there */ }
    const headers: Record<string, string> = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
    if (isolated) Object.assign(headers, { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin' });
    if (!file || size < 0) { res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found'); return; }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': String(size) });
    if (req.method === 'HEAD') { res.end(); return; }
    createReadStream(file).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const addr = server.address();
      hostPort = String(typeof addr === 'object' && addr ? addr.port : options.port);
      ok({ url: `http://127.0.0.1:${hostPort}`, server, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) });
    });
  });
}

// `node dist/web/server.js [--port N] [--no-isolation]`: serve the playground.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--port');
  const port = at > 0 ? Number(process.argv[at + 1]) : 8080;
  const s = await startServer({ port, isolated: !process.argv.includes('--no-isolation') });
  console.log(`Axon playground: ${s.url}/  (serving web/ and dist/browser/ on 127.0.0.1 only; Ctrl-C stops)`);
}
