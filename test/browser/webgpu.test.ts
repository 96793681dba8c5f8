// Axon's webgpu backend in real Chromium (`--enable-unsafe-webgpu`; with no GPU, Chromium's own
// SwiftShader gives the adapter): the shipped bundle starts it with `await setBackend('webgpu')`,
// and a third of the op fixture cases (every op's forward and backward, float32) run there, read
// back with dataAsync, agree with the same cases run in Node on the ts reference. Without Chromium:
// one line and a skip (a failure with AXON_REQUIRE_BROWSER=1); without an adapter in Chromium: a
// skip saying why (a failure with AXON_REQUIRE_WEBGPU=1).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { REPO, startServer, type StaticServer } from '../../web/server.js';
import { closeEnough, TOL, type Tol } from '../tolerances.js';
import { bundleTestPages } from './bundle-test-pages.js';
import { findChromium, launchWebGPU, MISSING, REQUIRED } from './chromium.js';
import type { OpCase, OpResult, Values } from './page/ops-runner.js';
import { runOpCasesAsync } from './page/webgpu-runner.js';

const exe = findChromium();
if (!exe && REQUIRED) test('Chromium is installed (AXON_REQUIRE_BROWSER=1)', () => assert.fail(MISSING));

const MOUNTS = { '/': 'test/browser/page', '/dist/browser/': 'dist/browser', '/dist/browser-test/': 'dist/browser-test' };
const fx = JSON.parse(readFileSync(path.join(REPO, 'test/fixtures/ops.json'), 'utf8')) as { cases: OpCase[] };
/** Every third case: all ops, forward and backward (≥ 100 cases). */
const CASES = fx.cases.filter((_, i) => i % 3 === 0);

function mismatch(got: Values, want: Values, tol: Tol): string | null {
  if (JSON.stringify(got.shape) !== JSON.stringify(want.shape)) return `shape ${JSON.stringify(got.shape)} ≠ ${JSON.stringify(want.shape)}`;
  if (got.dtype !== want.dtype) return `dtype ${got.dtype} ≠ ${want.dtype}`;
  for (let i = 0; i < got.data.length; i++) {
    const a = got.data[i]!, b = want.data[i]!;
    if (!(Number.isNaN(a) && Number.isNaN(b)) && !closeEnough(a, b, tol)) return `element ${i}: ${a} vs ${b}`;
  }
  return null;
}

function compare(page: OpResult[], node: OpResult[]): string[] {
  const bad: string[] = [];
  node.forEach((n, i) => {
    const p = page[i]!;
    const tol = /^(sin|cos)\//.test(n.name) ? TOL.webgpuSinCosF32 : TOL.fixtureAsF32; // WGSL's sin/cos accuracy (tolerances.ts)
    if ((p.error ?? null) !== (n.error ?? null)) { bad.push(`${n.name}: webgpu ${p.error ?? 'ok'}, Node ts ${n.error ?? 'ok'}`); return; }
    n.outputs.forEach((o, k) => { const m = mismatch(p.outputs[k]!, o, tol); if (m) bad.push(`${n.name} output ${k}: ${m}`); });
    n.grads.forEach((g, k) => {
      const pg = p.grads[k] ?? null;
      if ((g === null) !== (pg === null)) bad.push(`${n.name} grad ${k}: present in one run only`);
      else if (g && pg) { const m = mismatch(pg, g, tol); if (m) bad.push(`${n.name} grad ${k}: ${m}`); }
    });
  });
  return bad;
}

describe('Axon on WebGPU in Chromium', { skip: exe ? false : `${MISSING}; skipping the WebGPU browser tests` }, () => {
  let browser: Browser;
  let server: StaticServer;

  before(async () => {
    await bundleTestPages(['webgpu-runner']);
    server = await startServer({ mounts: MOUNTS, isolated: true });
    browser = await launchWebGPU(exe!);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test(`${CASES.length} op cases (forward and backward, float32) on webgpu in the page equal Node's ts backend`, async (t) => {
    assert.ok(CASES.length >= 100, `${CASES.length} cases`);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/blank.html`);
    const started = await page.evaluate(async () => {
      const r = await import(String('/dist/browser-test/webgpu-runner.js'));
      (globalThis as any).runner = r; // eslint-disable-line @typescript-eslint/no-explicit-any
      return r.startWebGPU();
    }) as { ok: boolean; adapter: string };
    if (!started.ok) {
      if (process.env.AXON_REQUIRE_WEBGPU === '1') assert.fail(`no WebGPU adapter in Chromium: ${started.adapter}`);
      t.skip(`no WebGPU adapter in Chromium (${started.adapter})`);
      await page.close();
      return;
    }
    t.diagnostic(`adapter: ${started.adapter}`);
    const onPage = await page.evaluate((cases) => (globalThis as any).runner.runOpCasesAsync(cases), CASES) as OpResult[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    const inNode = await runOpCasesAsync(CASES); // the active backend here: ts
    assert.deepEqual(compare(onPage, inNode), []);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
