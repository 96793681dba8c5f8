// Bundles the browser suite's page scripts (page/*-runner.js, compiled by tsc) for the browser:
// their imports of src/index.js become imports of the shipped bundle /dist/browser/axon.js, so
// the tests exercise exactly what users load.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url)); // dist/test/browser

/** Writes dist/browser-test/<name>.js for each page script; returns that folder. */
export function bundleTestPages(names: readonly string[]): Promise<string> {
  return bundlePages(Object.fromEntries(names.map((n) => [n, path.join(HERE, 'page', `${n}.js`)])));
}

/** Bundles compiled scripts (name → file) into dist/browser-test/<name>.js against the shipped axon.js; returns that folder. */
export async function bundlePages(entries: Record<string, string>): Promise<string> {
  const out = path.resolve(HERE, '../../browser-test');
  await build({
    entryPoints: entries,
    outdir: out,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'warning',
    plugins: [{
      name: 'axon-bundle',
      setup(b) {
        b.onResolve({ filter: /\/src\/index\.js$/ }, () => ({ path: '/dist/browser/axon.js', external: true }));
      },
    }],
  });
  return out;
}
