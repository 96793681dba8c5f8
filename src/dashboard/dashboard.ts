// `fit(model, { dashboard })`: the options, starting the loopback server (127.0.0.1 unless the
// user names a host; the default port, or a free one when it is taken), the run log's file, and
// the factory the public fit attaches. The server itself is the platform's event server (its
// own thread, so a synchronous fit can stream); the page is web/dashboard.ts.
import { ValueError } from '../errors.js';
import { platform } from '../platform/current.js';
import type { EventServer } from '../platform/platform.js';
import type { Callback } from '../train/callbacks.js';
import type { FitRun } from '../train/fit.js';
import { DashboardCallback } from './dashboard-callback.js';

export interface DashboardOptions {
  /** Port to listen on. Default 6060, or any free port when 6060 is taken; a port you give must be free. */
  port?: number;
  /**
   * Address to bind. Default 127.0.0.1: only this machine can open the page. Another address
   * (e.g. '0.0.0.0') exposes the run to the network; pass it only on a network you trust.
   */
  host?: string;
  /**
   * The run log: every event as one JSON line, replayed by `npx axon dashboard runs/`. Default
   * `runs/<name>-<date>.jsonl` (like TensorBoard's runs/ folder); false writes none.
   */
  log?: string | false;
  /** The run's name on the page and in the log's file name (default 'fit'). */
  name?: string;
  /** Wait up to this many milliseconds for a page to open before training starts (default 0). */
  waitForPage?: number;
  /** Keep serving after training ends, until Ctrl-C (default true); false closes the server at the end. */
  keepServing?: boolean;
  /** Called once the server listens, with the page's URL (also printed) and a way to stop serving (e.g. after a kept-open run). */
  onReady?: (dashboard: { url: string; close(): void }) => void;
  /** Print the URL and notes on stderr (default true). */
  verbose?: boolean;
}

/** The port the dashboard asks for first (TensorBoard's 6006 is left to TensorBoard). */
export const DEFAULT_PORT = 6060;
/**
 * At least 55 ms between two stream messages, whatever the step rate: ≤ 20 a second (the issue's
 * bar) with room for the timers' jitter.
 */
export const MIN_INTERVAL_MS = 55;
/**
 * How often the training thread hands its queued events to the server's thread: 4 times a second.
 * Each hand-over wakes that thread, and on a loaded machine a wake-up can cost the training thread
 * its time slice (measured: ~7 ms a hand-over with 20 runnable threads on 2 cores), so fewer is
 * cheaper; a page redrawing 4 times a second still looks live.
 */
export const POST_INTERVAL_MS = 250;
/** The dashboard page's files, as the build lays them out (scripts/bundle.mjs). */
export const ASSETS = 'dist/browser/dashboard/';

export interface DashboardServer {
  server: EventServer;
  url: string;
  logFile: string | null;
}

function checkPort(op: string, port: number | undefined): void {
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new ValueError(op, `dashboard port must be an integer in 0..65535, got ${port}`);
  }
}

/** Where the run log goes: the given file, or runs/<name>-<date>.jsonl (folders made). */
function logFileFor(op: string, opts: DashboardOptions): string | null {
  if (opts.log === false) return null;
  const file = opts.log ?? platform.joinPath('runs', `${(opts.name ?? 'fit').replace(/[^\w.-]+/g, '_')}-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
  platform.makeDirSync(op, platform.dirname(file));
  return file;
}

/** Start the server and open the run log; prints the URL (and the log's path) unless `verbose: false`. */
export function startDashboard(op: string, opts: DashboardOptions = {}): DashboardServer {
  checkPort(op, opts.port);
  const host = opts.host ?? '127.0.0.1';
  const say = opts.verbose === false ? (): void => {} : (line: string): void => platform.notice(line);
  const logFile = logFileFor(op, opts);
  const server = platform.startEventServer(op, {
    assets: platform.assetUrl(ASSETS), host, port: opts.port ?? DEFAULT_PORT,
    fallbackPort: opts.port === undefined, logFile: logFile ?? undefined, minIntervalMs: MIN_INTERVAL_MS,
  });
  if (server.portFallback) say(`dashboard: port ${DEFAULT_PORT} is in use, so it listens on a free port instead`);
  if (!isLoopback(host)) say(`dashboard: listening on ${host}, so other machines can open it: the page shows this run's data`);
  say(`dashboard: ${server.url}${logFile ? `  (run log: ${logFile})` : ''}`);
  opts.onReady?.({ url: server.url, close: () => server.close() });
  return { server, url: server.url, logFile };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** The factory fit's `attach` takes: the dashboard's callback, or null when it is off. */
export function createDashboard(option: boolean | DashboardOptions | undefined, run: FitRun): Callback | null {
  if (!option) return null;
  const opts = option === true ? {} : option;
  const started = startDashboard('fit', opts);
  if (opts.waitForPage && opts.waitForPage > 0) {
    const say = opts.verbose === false ? (): void => {} : (line: string): void => platform.notice(line);
    say(`dashboard: waiting up to ${(opts.waitForPage / 1000).toFixed(0)} s for the page to open before training`);
    if (!started.server.waitForPage(opts.waitForPage)) say('dashboard: no page opened; training anyway');
  }
  return new DashboardCallback(started, run, opts);
}
