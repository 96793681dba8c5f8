// `axon dashboard <runs/ | run.jsonl>... [--port N] [--host H] [--json]`: replay finished runs
// from their run logs in the browser, several runs overlaid, until Ctrl-C.
import { startDashboard } from '../dashboard/dashboard.js';
import { readRunLogs } from '../dashboard/run-logs.js';
import { EXIT, UsageError, intOption, parseCommand, warn } from './args.js';

export const DASHBOARD_USAGE = `usage: axon dashboard <folder | run.jsonl>... [options]

Replay finished runs in the browser: their loss curves, metrics, learning rates, the doctor's
findings and validation passes, several runs overlaid to compare. The run logs are the files
that \`axon train <example> --dashboard\` (or fit({ dashboard: true })) writes under runs/.
A line that is not valid JSON is skipped with a warning naming it. Serves until Ctrl-C.

options:
  --port N     port to listen on (default 6060, or a free one when it is taken)
  --host H     address to bind (default 127.0.0.1: this machine only)
  --json       print one JSON line: { url, runs: [{ name, file, events }] }
  -h, --help   show this help

example:
  axon dashboard runs/`;

/** `axon dashboard`; returns the exit code (the server keeps the process alive until Ctrl-C). */
export async function runDashboard(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, { port: { type: 'string' }, host: { type: 'string' } }, DASHBOARD_USAGE, { positionals: true });
  if (values.help) { console.log(DASHBOARD_USAGE); return EXIT.ok; }
  if (positionals.length === 0) throw new UsageError('name a folder of run logs (e.g. runs/) or a .jsonl file', DASHBOARD_USAGE);
  const port = intOption(values.port, 'port', DASHBOARD_USAGE);
  const logs = await readRunLogs(positionals, { warn });
  const { server, url } = startDashboard('dashboard', { port, host: values.host, log: false, verbose: !values.json });
  server.publish(logs.flatMap((l) => l.events.map((e) => JSON.stringify(e))));
  if (values.json) console.log(JSON.stringify({ url, runs: logs.map((l) => ({ name: l.name, file: l.file, events: l.events.length })) }));
  else warn(`replaying ${logs.length} run${logs.length === 1 ? '' : 's'} (${logs.map((l) => l.name).join(', ')}); press Ctrl-C to stop`);
  return EXIT.ok;
}
