// `npm run bench` step: after `npm --prefix bench install` and `tsc -p bench/tsconfig.json`, link
// dist/bench/node_modules to bench/node_modules so the compiled benchmarks find TensorFlow.js.
import { existsSync, lstatSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, 'bench/node_modules');
const link = path.join(root, 'dist/bench/node_modules');
if (!existsSync(target)) throw new Error(`${target} is missing; run npm --prefix bench install`);
if (existsSync(link) || (() => { try { return lstatSync(link).isSymbolicLink(); } catch { return false; } })()) rmSync(link, { recursive: true, force: true });
symlinkSync(target, link, process.platform === 'win32' ? 'junction' : 'dir');
