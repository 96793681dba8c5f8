// Running the README's ```js blocks as written: against the built library, in a temporary folder
// (they write files), with console.log captured.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './helpers.js';

/** The ```js blocks of the README section titled `title`. */
export function readmeBlocks(title: string): string[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `README has a section "${title}"`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** Run the section's js blocks as one module; returns what they console.log-ged (JSON per line) and the folder they ran in. */
export async function runReadmeSection(title: string): Promise<{ logs: string[]; dir: string }> {
  const lib = pathToFileURL(path.join(ROOT, 'dist/src/index.js')).href;
  const code = readmeBlocks(title).join('\n').replace(/^import \* as ax from 'axon';\n/gm, '');
  const dir = mkdtempSync(path.join(tmpdir(), 'axon-readme-'));
  const file = path.join(dir, 'example.mjs');
  writeFileSync(file, `import * as ax from '${lib}';\n${code}`);
  const logs: string[] = [];
  const orig = console.log;
  const cwd = process.cwd();
  console.log = (...a: unknown[]): void => { logs.push(a.map((v) => JSON.stringify(v)).join(' ')); };
  process.chdir(dir);
  try {
    await import(pathToFileURL(file).href);
  } finally {
    process.chdir(cwd);
    console.log = orig;
  }
  return { logs, dir };
}
