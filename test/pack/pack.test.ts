// The package as a newcomer gets it: `npm pack` (of the built dist/), installed into an empty
// folder with --prefer-offline (tarballs come from the npm cache that installing this repository
// filled; --offline is not enough because an install from a lockfile caches tarballs but not the
// registry's package documents, which resolving the tarball's dependencies needs), then `npx axon train xor-mlp --json`, `npx axon --version`,
// a dashboard run (`--dashboard --dashboard-exit`: its run log),
// and the README's first code example (one epoch instead of five) importing from 'axon'.
// Part of `npm test` (about 25-60 s); `npm run test:pack` runs it alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

test('npm pack → install into an empty folder → npx axon and the README example work', { timeout: 240_000 }, (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'axon-pack-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // --ignore-scripts: pack the dist/ already built (prepare would rebuild it).
  const packed = JSON.parse(execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' })) as { filename: string; files: { path: string }[]; size: number }[];
  const files = packed[0]!.files.map((f) => f.path);
  assert.ok(files.includes('bin/axon.js') && files.includes('dist/src/index.js'), 'the bin and the library are packed');
  assert.deepEqual(files.filter((f) => f.endsWith('.map') || f.startsWith('dist/browser/data/mnist/')), [], 'no source maps, no MNIST copy');
  assert.ok(!files.some((f) => f.startsWith('dist/test/') || f.startsWith('dist/bench/')), 'no tests or benchmarks');
  for (const f of ['index.html', 'dashboard.js', 'dashboard.css', 'uPlot.iife.min.js', 'uPlot.min.css']) assert.ok(files.includes(`dist/browser/dashboard/${f}`), `the dashboard's ${f} is packed`);
  for (const f of ['mnist-cnn-0to4', 'sotu-gpt-small']) assert.ok(files.includes(`pretrained/${f}.safetensors`) && files.includes(`dist/browser/pretrained/${f}.safetensors`), `the pretrained ${f} is packed`);
  const tarball = path.join(dir, packed[0]!.filename);
  const app = path.join(dir, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'newcomer', private: true, type: 'module' }));
  execFileSync(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.deepEqual(readdirSync(path.join(app, 'node_modules')).filter((d) => d === '@tensorflow'), [], 'TensorFlow.js is not installed');
  const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  assert.equal(execFileSync(npx, ['--no-install', 'axon', '--version'], { cwd: app, encoding: 'utf8' }).trim(), version);
  const out = execFileSync(npx, ['--no-install', 'axon', 'train', 'xor-mlp', '--json'], { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const r = JSON.parse(out.trim().split('\n').at(-1)!) as { example: string; metrics: { testAccuracy: number } };
  assert.equal(r.example, 'xor-mlp');
  assert.equal(r.metrics.testAccuracy, 1);
  // The dashboard starts from the installed package and writes its run log under runs/.
  execFileSync(npx, ['--no-install', 'axon', 'train', 'xor-mlp', '--epochs', '3', '--dashboard', '--dashboard-port', '0', '--dashboard-exit'], { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const log = readdirSync(path.join(app, 'runs')).find((f) => f.startsWith('xor-mlp-'))!;
  assert.match(readFileSync(path.join(app, 'runs', log), 'utf8'), /\{"event":"end","epochs":3,"stoppedEarly":false,"dashboardMs":[\d.e-]+\}\n$/);
  // The pretrained models load from the installed package's pretrained/ folder.
  const loaded = execFileSync(process.execPath, ['--input-type=module', '-e', "import { loadPretrained } from 'axon'; const { model, tokenizer } = loadPretrained('sotu-gpt-small'); console.log(model.constructor.name, tokenizer.vocabSize, loadPretrained('mnist-cnn-0to4').model.constructor.name);"], { cwd: app, encoding: 'utf8' });
  assert.equal(loaded.trim(), 'GPT 96 Sequential');
  // The README's first ```ts block, as a newcomer would paste it (one epoch to stay short).
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme)![1]!;
  assert.match(code, /from 'axon'/);
  writeFileSync(path.join(app, 'first.mjs'), code.replace(/epochs: 5/, 'epochs: 1'));
  const first = execFileSync(process.execPath, ['first.mjs'], { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const acc = Number(/accuracy: ([0-9.]+)/.exec(first)?.[1]);
  assert.ok(acc > 0.8, first);
});
