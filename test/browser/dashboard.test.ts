// The training dashboard in real Chromium: `axon train iris-mlp --dashboard` (waiting for the
// page, so the page sees the run from its start) streams to the page, whose loss chart gains
// points while training runs and ends with one point per step logged; the confusion matrix sums
// to the validation rows; the stream stays under 20 messages a second; `--lr 10` shows the
// doctor's lr-too-high finding on the page; `axon dashboard runs/` overlays both runs.
// Screenshots go to dist/test-output/ (look at them). Without Chromium: one line and a skip (a
// failure with AXON_REQUIRE_BROWSER=1).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { REPO } from '../../web/server.js';
import { findChromium, launch, MISSING, REQUIRED } from './chromium.js';

const exe = findChromium();
if (!exe) {
  if (REQUIRED) test('Chromium is installed (AXON_REQUIRE_BROWSER=1)', () => assert.fail(MISSING));
  else console.log(`# ${MISSING}; skipping the dashboard browser test`);
}

/** Where the screenshots go. */
export const OUTPUT = path.join(REPO, 'dist/test-output');

interface Dash {
  messageTimes: number[];
  runs(): string[];
  lossPoints(): Record<string, number>;
  ended(): boolean;
}

/** Start `axon <args>` in `cwd`; resolves with the child and the dashboard URL it prints. */
function startAxon(args: string[], cwd: string, urlFrom: 'stderr' | 'stdout' = 'stderr'): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [path.join(REPO, 'bin/axon.js'), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`no dashboard URL after 60 s:\n${out}`)), 60_000);
    const look = (chunk: Buffer, from: 'stderr' | 'stdout'): void => {
      out += String(chunk);
      const m = from === urlFrom ? /(?:dashboard: |"url":")(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out) : null;
      if (m) { clearTimeout(timer); ok({ child, url: m[1]!, output: () => out }); }
    };
    child.stderr!.on('data', (c: Buffer) => look(c, 'stderr'));
    child.stdout!.on('data', (c: Buffer) => look(c, 'stdout'));
    child.on('exit', (code) => { clearTimeout(timer); fail(new Error(`axon ${args.join(' ')} exited with ${code} before printing a URL:\n${out}`)); });
  });
}

/** What the page has drawn (window.axonDashboard, read in the page). */
const drawn = (page: Page): Promise<{ runs: string[]; lossPoints: Record<string, number>; messageTimes: number[]; ended: boolean }> => page.evaluate(() => {
  const d = (globalThis as unknown as { axonDashboard: Dash }).axonDashboard;
  return { runs: d.runs(), lossPoints: d.lossPoints(), messageTimes: d.messageTimes, ended: d.ended() };
});

/** The run log's events (the first .jsonl of `runs` whose name starts with `prefix`). */
function runLog(runs: string, prefix: string): { event: string; [k: string]: unknown }[] {
  const f = readdirSync(runs).filter((n) => n.startsWith(prefix) && n.endsWith('.jsonl')).sort()[0]!;
  return readFileSync(path.join(runs, f), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string });
}

describe('the training dashboard in Chromium', { skip: exe ? false : MISSING }, () => {
  let browser: Browser;
  const cwd = mkdtempSync(path.join(tmpdir(), 'axon-dashboard-'));
  const children: ChildProcess[] = [];

  before(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    browser = await launch(exe!);
  });
  after(async () => {
    for (const c of children) c.kill();
    await browser?.close();
  });

  test('iris-mlp live: the loss chart fills while training runs, one point per step; the confusion matrix sums to the validation rows', async () => {
    // 600 epochs (~2,400 steps): the recipe's default trains in well under 0.1 s on a fast machine,
    // less than two of the page's throttled updates, so the chart could not be seen growing.
    const { child, url } = await startAxon(['train', 'iris-mlp', '--epochs', '600', '--dashboard', '--dashboard-port', '0', '--dashboard-wait', '60'], cwd);
    children.push(child);
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url); // opening the page starts the training (--dashboard-wait)
    const during: number[] = [];
    const t0 = Date.now();
    for (;;) {
      const s = await page.evaluate(() => {
        const d = (globalThis as unknown as { axonDashboard: Dash }).axonDashboard;
        return { points: d.lossPoints()['train loss (step)'] ?? 0, ended: d.ended() };
      });
      if (s.ended) break;
      during.push(s.points);
      assert.ok(Date.now() - t0 < 90_000, 'training did not end within 90 s');
      await new Promise((r) => setTimeout(r, 40));
    }
    await page.waitForTimeout(300); // the last frame
    const events = runLog(path.join(cwd, 'runs'), 'iris-mlp');
    const start = events[0] as { event: string; epochs: number; stepsPerEpoch: number; validationSize: number };
    assert.equal(start.event, 'start');
    const steps = events.filter((e) => e.event === 'step').length;
    assert.equal(steps, start.epochs * start.stepsPerEpoch);
    const partial = during.filter((n) => n > 0 && n < steps);
    assert.ok(new Set(partial).size >= 2, `the chart should grow while training runs; points seen during training: ${[...new Set(during)].join(', ')}`);
    const d = await drawn(page);
    assert.equal(d.lossPoints['train loss (step)'], steps, 'one point per step logged');
    assert.equal(d.lossPoints['validation loss'], start.epochs + 1, 'a validation point before training and after each epoch');
    const cells = await page.$$eval('#confusion td.cm', (tds) => tds.map((td) => Number((td as HTMLElement).dataset.count)));
    assert.equal(cells.length, 9);
    assert.equal(cells.reduce((a, b) => a + b, 0), start.validationSize);
    assert.equal(start.validationSize, 18); // 15% of iris-mlp's 120 training flowers
    assert.equal(await page.$$eval('#per-class tr', (rows) => rows.length), 4);
    const times = d.messageTimes;
    const busiest = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
    assert.ok(busiest <= 20, `${busiest} stream messages within one second`);
    assert.match(await page.textContent('#model') ?? '', /Total params: 131/);
    assert.match(await page.textContent('#status') ?? '', /training ended/);
    assert.deepEqual(errors, []);
    await page.screenshot({ path: path.join(OUTPUT, 'dashboard-iris.png'), fullPage: true });
    await page.close();
  });

  test('--lr 10: the doctor\'s lr-too-high finding reaches the page with its evidence and fix', async () => {
    const { child, url } = await startAxon(['train', 'iris-mlp', '--lr', '10', '--epochs', '4', '--dashboard', '--dashboard-port', '0', '--dashboard-wait', '60'], cwd);
    children.push(child);
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as unknown as { axonDashboard: Dash }).axonDashboard.ended(), undefined, { timeout: 60_000 });
    const li = page.locator('#findings li[data-id="lr-too-high"]');
    await li.waitFor({ timeout: 5000 });
    assert.match(await li.textContent() ?? '', /error.*lr-too-high.*step \d+.*the loss is rising fast.*lr = 10.*fix: .*learning rate/s);
    await page.screenshot({ path: path.join(OUTPUT, 'dashboard-lr10.png'), fullPage: true });
    await page.close();
  });

  test('axon dashboard runs/ replays both runs overlaid', async () => {
    const { child, url } = await startAxon(['dashboard', path.join(cwd, 'runs'), '--port', '0', '--json'], cwd, 'stdout');
    children.push(child);
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as unknown as { axonDashboard: Dash }).axonDashboard.ended(), undefined, { timeout: 20_000 });
    await page.waitForTimeout(300);
    const d = await drawn(page);
    const runs = d.runs;
    assert.equal(runs.length, 2);
    const points = d.lossPoints;
    for (const r of runs) assert.ok((points[`${r}: train loss (step)`] ?? 0) > 0, `${r} is drawn: ${JSON.stringify(points)}`);
    assert.match(await page.textContent('#status') ?? '', /2 runs/);
    await page.screenshot({ path: path.join(OUTPUT, 'dashboard-replay.png'), fullPage: true });
    await page.close();
  });
});
