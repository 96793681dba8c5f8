// A static server for the playground and the browser tests: binds 127.0.0.1 only, answers only
// requests whose Host header is this server, serves only files under its mounts (no listing, no
// path escaping them), GET/HEAD only, and sends the cross-origin isolation headers (COOP/COEP)
// that let a page use SharedArrayBuffer and so wasm kernel threads — or not, to test the fallback.
//
//   npm run playground            # http://127.0.0.1:8080/ (or --port N)
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { admit, BASE_HEADERS, ISOLATION_HEADERS, resolveUnder, sendFile, urlPath } from '../src/platform/loopback-http.js';

/** The repository root (dist/web/server.js → ../..). */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

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

export function startServer(options: ServerOptions = {}): Promise<StaticServer> {
  const isolated = options.isolated ?? true;
  // Longest prefix first, so /dist/browser/ wins over /.
  const mounts = Object.entries(options.mounts ?? DEFAULT_MOUNTS)
    .map(([prefix, dir]): [string, string] => [prefix, path.resolve(REPO, dir)])
    .sort((a, b) => b[0].length - a[0].length);
  let hostPort = 0;
  const headers = { ...BASE_HEADERS, ...(isolated ? ISOLATION_HEADERS : {}) };
  const server = createServer((req, res) => {
    if (!admit(req, res, hostPort)) return;
    sendFile(req, res, resolveUnder(mounts, urlPath(req)), headers);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const addr = server.address();
      hostPort = typeof addr === 'object' && addr ? addr.port : options.port ?? 0;
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
