// Reading run logs back (`axon dashboard runs/`): each file one run, one JSON event per line (the
// dashboard's run log, or JsonLinesLogger's epoch records). A line that is not a JSON object with
// an `event` is skipped with a warning naming the file and the line; a log with no usable line is
// skipped as a whole. Every event gets its run's name (`run`), so several runs overlay on the page.
import { ValueError } from '../errors.js';
import { platform } from '../platform/current.js';
import type { DashboardEvent } from './events.js';

export type RunEvent = DashboardEvent & { run: string };

export interface RunLog {
  /** The run's name: the file's name without `.jsonl` (with its folder when two files share one). */
  name: string;
  file: string;
  events: RunEvent[];
}

/** The .jsonl files a path names: the file itself, or those in the folder (sorted; not its subfolders). */
function logFiles(op: string, p: string): string[] {
  if (!platform.isDirectory(p)) return [p];
  const files = platform.listDir(op, p).filter((f) => f.endsWith('.jsonl')).sort().map((f) => platform.joinPath(p, f));
  if (files.length === 0) throw new ValueError(op, `${p} holds no run logs (*.jsonl); train with --dashboard (or fit({ dashboard: true })) to write one`);
  return files;
}

const baseName = (file: string): string => file.split(/[\\/]/).pop()!.replace(/\.jsonl$/, '');

/** Parse one log's text; `warn` hears each skipped line. */
export function parseRunLog(file: string, text: string, name: string, warn: (line: string) => void): RunLog {
  const events: RunEvent[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let e: unknown;
    try {
      e = JSON.parse(line);
    } catch (err) {
      warn(`${file} line ${i + 1} is not valid JSON (${(err as Error).message}): skipped`);
      return;
    }
    if (typeof e !== 'object' || e === null || Array.isArray(e) || typeof (e as { event?: unknown }).event !== 'string') {
      warn(`${file} line ${i + 1} is not a run-log event (a JSON object with an "event" field): skipped`);
      return;
    }
    events.push({ ...(e as DashboardEvent), run: name });
  });
  return { name, file, events };
}

/**
 * The runs in `paths` (files or folders of `.jsonl` logs), in order. `warn` hears each skipped
 * line or file (default: the platform's notice).
 *
 * @example
 * const runs = await readRunLogs(['runs/']); // one RunLog per file
 */
export async function readRunLogs(paths: readonly string[], { warn = (l: string) => platform.notice(l) }: { warn?: (line: string) => void } = {}): Promise<RunLog[]> {
  const op = 'readRunLogs';
  if (paths.length === 0) throw new ValueError(op, 'name a run log (.jsonl) or a folder of them, e.g. runs/');
  const files = paths.flatMap((p) => logFiles(op, p));
  const names = files.map(baseName);
  const out: RunLog[] = [];
  for (const [k, file] of files.entries()) {
    const name = names.filter((n) => n === names[k]).length > 1 ? file.replace(/\.jsonl$/, '') : names[k]!;
    const text = new TextDecoder().decode(await platform.readBytes(op, file));
    const log = parseRunLog(file, text, name, warn);
    if (log.events.length === 0) { warn(`${file} holds no run-log events: skipped`); continue; }
    out.push(log);
  }
  if (out.length === 0) throw new ValueError(op, `no usable run log in ${paths.join(', ')}`);
  return out;
}
