// `npm run bench -- --browser [--threads N] [--min-time S] [--json]`: W0 and W1 in Debian's
// Chromium (playwright-core), Axon's browser bundle against TensorFlow.js wasm in the same
// cross-origin isolated page served from 127.0.0.1; prints the table and the ratios, then the
// page's long tasks while a worker trains for --train-seconds (default 10).
import { bundlePages } from '../test/browser/bundle-test-pages.js';
import path from 'node:path';
import { REPO, startServer } from '../web/server.js';
import { findChromium, launch, MISSING } from '../test/browser/chromium.js';
import { machine } from './machine.js';
import type { BrowserBenchRow, responsiveness, runBrowserBench } from './browser-page.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export async function browserBench(): Promise<void> {
  const exe = findChromium();
  if (!exe) throw new Error(MISSING);
  const threads = Number(arg('--threads') ?? 2);
  const minTime = Number(arg('--min-time') ?? 1);
  await bundlePages({ 'bench-page': path.join(REPO, 'dist/bench/browser-page.js') });
  const server = await startServer({
    isolated: true,
    mounts: { '/': 'test/browser/page', '/dist/browser/': 'dist/browser', '/dist/browser-test/': 'dist/browser-test', '/tfjs-wasm/': 'bench/node_modules/@tensorflow/tfjs-backend-wasm/dist' },
  });
  const browser = await launch(exe);
  try {
    const page = await browser.newPage();
    page.on('console', (m) => { if (m.type() === 'error') process.stderr.write(`page: ${m.text()}\n`); });
    page.on('response', (res) => { if (res.status() >= 400) process.stderr.write(`page: HTTP ${res.status()} for ${res.url()}\n`); });
    await page.goto(`${server.url}/blank.html`);
    const version = browser.version();
    const r = await page.evaluate(async ([t, s]) => {
      await import(String('/dist/browser-test/bench-page.js'));
      return (globalThis as unknown as { runBrowserBench: typeof runBrowserBench }).runBrowserBench(t, s);
    }, [threads, minTime] as const);
    const resp = await page.evaluate(async (sec) => (globalThis as unknown as { responsiveness: typeof responsiveness }).responsiveness(sec), Number(arg('--train-seconds') ?? 10));
    const m = machine();
    const ratio = (row: BrowserBenchRow): number => (row.unit === 'us' ? row['tfjs-wasm'] / row.axon : row.axon / row['tfjs-wasm']);
    const fmt = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
    process.stderr.write(`Chromium ${version}, isolated ${r.isolated}; Axon ${r.variant} ${r.axonThreads} thread(s), tfjs-wasm ${r.tfjsThreads} thread(s) ${JSON.stringify(r.tfjsFlags)}; ${m.cpu}, ${m.cores} cores, ${m.date}\n`);
    console.log('| workload | unit | axon | tfjs-wasm | axon vs tfjs-wasm |');
    console.log('|---|---|---|---|---|');
    for (const row of r.rows) console.log(`| ${row.id} | ${row.unit} | ${fmt(row.axon)} | ${fmt(row['tfjs-wasm'])} | ${fmt(ratio(row))}× |`);
    console.log(`\nTraining in a worker for ${resp.seconds.toFixed(1)} s (MLP 784-256-128-10 on 8,192 × 784, ${resp.epochs} epochs, ${resp.batchMessages} progress messages; trainInWorker's start took ${resp.startMs.toFixed(0)} ms of the page): ` +
      `${resp.longTasks} main-thread long task(s) (longest ${resp.longestTaskMs.toFixed(0)} ms), a 10 ms timer ticked ${resp.timerTicks} times, largest gap ${resp.maxTimerGapMs.toFixed(0)} ms`);
    if (process.argv.includes('--json')) console.log(JSON.stringify({ browser: `Chromium ${version}`, machine: m, threads, ...r, responsiveness: resp }));
  } finally {
    await browser.close();
    await server.close();
  }
}
