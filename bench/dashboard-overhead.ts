// The dashboard's cost to training, as a user feels it: the mnist-mlp example in a fresh process
// with `dashboard` on and off, alternating, and its training throughput (training rows × epochs
// ÷ the seconds fit spent in its epochs) compared pair by pair. With the dashboard on, a reader
// in this process holds the event stream open the whole run, as a page would (the browser's own
// drawing is not counted: it runs in the browser's processes), and the run log is written.
// Also printed: the dashboard's own time on the training thread (the run log's end event,
// dashboardMs) as a share of the rest of the fit — steadier than the difference of two noisy runs.
// The bar (issue "live training dashboard"): throughput with the dashboard within 3% of without.
// Run: npm run build && node dist/bench/dashboard-overhead.js [--pairs=N] [--epochs=N] [--json]
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine } from './machine.js';
import { median } from './timing.js';

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

/** mnist-mlp's training rows: 95% of 8,000 (5% held out for validation). */
const TRAIN_ROWS = 7600;

interface Run { trainSeconds: number; epochs: number; messages: number; dashboardMs: number }

/** In a child process: one mnist-mlp run, its figures as the last stdout line. */
async function child(): Promise<void> {
  const on = arg('dashboard') === 'on';
  const mod = (await import('../examples/mnist-mlp.js')) as typeof import('../examples/mnist-mlp.js');
  const log = path.join(mkdtempSync(path.join(tmpdir(), 'axon-bench-dash-')), 'run.jsonl');
  const r = await mod.run({
    epochs: Number(arg('epochs')), verbose: false,
    ...(on ? { dashboard: { port: 0, log, keepServing: false, waitForPage: 30_000, onReady: ({ url }: { url: string }) => process.stderr.write(`URL ${url}\n`) } } : {}),
  });
  let dashboardMs = 0;
  // The end event reaches the log from the server's thread: wait for it (a few ms).
  for (let i = 0; on && i < 200 && dashboardMs === 0; i++) {
    await new Promise((res) => setTimeout(res, 25));
    const last = JSON.parse(readFileSync(log, 'utf8').trim().split('\n').at(-1)!) as { event: string; dashboardMs?: number };
    if (last.event === 'end') dashboardMs = last.dashboardMs!;
  }
  console.log(JSON.stringify({ trainSeconds: r.trainSeconds, epochs: r.epochs, dashboardMs }));
}

/** One run; with the dashboard on, a reader holds /events open (the run waits for it, as for a page). */
function once(on: boolean, epochs: number): Promise<Run> {
  const self = fileURLToPath(import.meta.url);
  const p = spawn(process.execPath, [self, '--child', `--dashboard=${on ? 'on' : 'off'}`, `--epochs=${epochs}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '', messages = 0;
  p.stdout.on('data', (c: Buffer) => { out += String(c); });
  p.stderr.on('data', (c: Buffer) => {
    err += String(c);
    const m = /URL (http:\/\/[^\s]+)/.exec(err);
    if (m && messages === 0) {
      messages = -1; // connecting
      const u = new URL(m[1]!);
      http.get({ host: u.hostname, port: u.port, path: '/events', headers: { Host: u.host } }, (res) => {
        res.on('data', (d: Buffer) => { messages += (String(d).match(/\ndata: |^data: /g) ?? []).length; });
      }).on('error', () => {});
    }
  });
  return new Promise((ok, fail) => p.on('exit', (code) => {
    if (code !== 0) { fail(new Error(`child failed (${code}):\n${err}`)); return; }
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as { trainSeconds: number; epochs: number; dashboardMs: number };
    ok({ ...r, messages: Math.max(0, messages + 1) });
  }));
}

async function main(): Promise<void> {
  const pairs = Number(arg('pairs') ?? 3);
  const epochs = Number(arg('epochs') ?? 5);
  const rows: [Run, Run][] = [];
  const own = (r: Run): number => r.dashboardMs / (1000 * r.trainSeconds - r.dashboardMs);
  for (let i = 0; i < pairs; i++) {
    // Alternate which arm runs first, so a drift of the machine's load falls on both alike.
    if (i % 2 === 0) { const off = await once(false, epochs); rows.push([off, await once(true, epochs)]); } else { const on = await once(true, epochs); rows.push([await once(false, epochs), on]); }
    const [off, on] = rows.at(-1)!;
    console.log(`pair ${i + 1}: off ${(TRAIN_ROWS * off.epochs / off.trainSeconds).toFixed(0)} samples/s, on ${(TRAIN_ROWS * on.epochs / on.trainSeconds).toFixed(0)} samples/s (${on.messages} stream messages; the dashboard's own time ${on.dashboardMs.toFixed(0)} ms = ${(100 * own(on)).toFixed(2)}% of the rest of the fit)`);
  }
  const tput = (r: Run): number => TRAIN_ROWS * r.epochs / r.trainSeconds;
  const off = median(rows.map(([o]) => tput(o)));
  const on = median(rows.map(([, d]) => tput(d)));
  const pcts = rows.map(([o, d]) => 100 * (tput(d) / tput(o) - 1));
  const paired = median(pcts);
  // Pairs that disagree by more than the bar itself can not tell a 3% effect from the machine's load.
  const spread = Math.max(...pcts) - Math.min(...pcts);
  const signed = (v: number): string => `${v >= 0 ? '+' : ''}${v.toFixed(1)}%`;
  const verdict = spread > 6 ? `pairs range from ${signed(Math.min(...pcts))} to ${signed(Math.max(...pcts))}: the machine is too noisy to judge a 3% bar`
    : paired >= -3 ? 'within 3%: holds' : 'more than 3% slower: over the bar';
  const ownPct = 100 * median(rows.map(([, d]) => own(d)));
  console.log(`mnist-mlp, ${epochs} epochs, ${pairs} pairs: dashboard off ${off.toFixed(0)} samples/s, on ${on.toFixed(0)} samples/s → ${signed(paired)} paired median (${verdict}); the dashboard's own time: ${ownPct.toFixed(2)}% of the rest of the fit (median)`);
  if (process.argv.includes('--json')) console.log(JSON.stringify({ bench: 'dashboard-overhead', machine: machine(), epochs, pairs, offSamplesPerSec: off, onSamplesPerSec: on, pairedPct: paired, pairPcts: pcts, ownPct }));
}

await (process.argv.includes('--child') ? child() : main());
