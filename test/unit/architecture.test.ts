// The direction of imports in src/ (CONTRIBUTING.md, "Layers"): a new cycle between top-level
// folders, or an import in a forbidden direction, fails here with the files that make it.
// Cycles are found between modules (files), type-only imports included: the one cycle allowed
// is tensor ↔ ops ↔ autograd (a Tensor's methods call ops, ops record tape nodes, the tape's
// rules call ops). backend/ may use tensor/dtype.ts and tensor/shape.ts, which import nothing
// but errors.ts, so a backend never closes a cycle through them. (The wasm backend also reads
// assembly/codes.ts, its kernels' op codes: outside src/, so not in this graph.) platform/ is the
// host (Node or a browser): the only folder that may import `node:*`, it sits at the bottom (its
// worker scripts start the wasm kernel loop and the training worker), and everything may use it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/test/unit/architecture.test.js → the repository's src/
const SRC = join(dirname(fileURLToPath(import.meta.url)), '../../../src');

/** Every .ts file under src/, as a path relative to src/ ('backend/backend.ts'). */
function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [relative(SRC, p)] : [];
  });
}

/** The src/ files each file imports or re-exports (static or dynamic, type-only included). */
function importGraph(): Map<string, string[]> {
  const files = sources();
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const text = readFileSync(join(SRC, f), 'utf8');
    const targets: string[] = [];
    for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)) {
      const t = normalize(join(dirname(f), m[1]!)).replace(/\.js$/, '.ts');
      if (known.has(t)) targets.push(t);
    }
    graph.set(f, targets);
  }
  return graph;
}

/** The top-level folder of a file ('ops'), or the file itself for src/index.ts and src/errors.ts. */
const folder = (f: string): string => f.split('/')[0]!;

/** Strongly connected components of the graph (Tarjan), each with more than one file. */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>(), low = new Map<string, number>();
  const stack: string[] = [], onStack = new Set<string>(), out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next); low.set(v, next); next++;
    stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); scc.push(w); } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

const ALLOWED_CYCLE = new Set(['tensor', 'ops', 'autograd']);

/** Folders each folder must not import from (the layers above it, and the features beside it). */
const FORBIDDEN: Record<string, readonly string[]> = {
  tensor: ['nn', 'optim', 'data', 'train', 'doctor', 'explain', 'io', 'cli', 'index.ts'],
  ops: ['nn', 'optim', 'data', 'train', 'doctor', 'explain', 'io', 'cli', 'index.ts'],
  autograd: ['nn', 'optim', 'data', 'train', 'doctor', 'explain', 'io', 'cli', 'index.ts'],
  nn: ['optim', 'data', 'train', 'doctor', 'explain', 'io', 'cli', 'index.ts'],
  optim: ['nn', 'data', 'train', 'doctor', 'io', 'cli', 'index.ts'],
  data: ['nn', 'optim', 'train', 'doctor', 'io', 'cli', 'index.ts'],
  io: ['train', 'doctor', 'cli', 'index.ts'],
  train: ['doctor', 'explain', 'dashboard', 'cli', 'index.ts'],
  doctor: ['cli', 'index.ts'],
  explain: ['train', 'doctor', 'dashboard', 'cli', 'index.ts'],
  dashboard: ['doctor', 'cli', 'index.ts'],
  worker: ['cli'],
};

/** What platform/ may import outside itself: errors.ts, and what its worker scripts run. */
const PLATFORM_MAY_IMPORT = new Set(['errors.ts', 'backend/wasm/worker-loop.ts', 'backend/wasm/protocol.ts']);

/** What backend/ may import outside itself. */
const BACKEND_MAY_IMPORT = new Set(['errors.ts', 'tensor/dtype.ts', 'tensor/shape.ts', 'platform/current.ts', 'platform/platform.ts']);

test('no import cycle between top-level folders of src/ other than tensor ↔ ops ↔ autograd', () => {
  const bad = cycles(importGraph()).filter((scc) => {
    const folders = new Set(scc.map(folder));
    return folders.size > 1 && ![...folders].every((d) => ALLOWED_CYCLE.has(d));
  });
  assert.deepEqual(bad.map((scc) => `cycle through ${[...new Set(scc.map(folder))].join(', ')}: ${scc.join(' → ')}`), []);
});

test('imports point down the layers: no folder imports a layer above it or a feature beside it', () => {
  const wrong: string[] = [];
  for (const [from, targets] of importGraph()) {
    for (const to of targets) if (FORBIDDEN[folder(from)]?.includes(folder(to))) wrong.push(`${from} imports ${to}`);
  }
  assert.deepEqual(wrong, []);
});

/** Imports from files of `dir` to files outside it that `allowed` does not list. */
function outsideImports(dir: string, allowed: ReadonlySet<string>): string[] {
  const wrong: string[] = [];
  for (const [from, targets] of importGraph()) {
    if (folder(from) !== dir) continue;
    for (const to of targets) if (folder(to) !== dir && !allowed.has(to)) wrong.push(`${from} imports ${to}`);
  }
  return wrong;
}

test('backend/ imports nothing outside itself but errors.ts, tensor/dtype.ts, tensor/shape.ts and the platform', () => {
  assert.deepEqual(outsideImports('backend', BACKEND_MAY_IMPORT), []);
});

test('platform/ imports nothing outside itself but errors.ts and the kernel worker loop', () => {
  assert.deepEqual(outsideImports('platform', PLATFORM_MAY_IMPORT), []);
});

test('nothing in src/ outside platform/ imports node:* (the core runs in a browser)', () => {
  const wrong: string[] = [];
  for (const f of sources()) {
    if (folder(f) === 'platform') continue;
    const text = readFileSync(join(SRC, f), 'utf8');
    for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+|\brequire\s*\(\s*)['"]((?:node:)?(?:fs|path|os|url|util|zlib|crypto|module|v8|worker_threads|child_process|fs\/promises|stream|buffer)(?:\/[^'"]*)?)['"]/gm)) {
      wrong.push(`${f} imports ${m[1]}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('the import scan sees the imports it checks (a scan that finds nothing would pass everything)', () => {
  const g = importGraph();
  assert.ok(g.size > 100, `only ${g.size} source files found under ${SRC}`);
  assert.ok(g.get('backend/registry.ts')!.includes('backend/wasm/wasm-backend.ts'), 'registry.ts → wasm-backend.ts not seen');
  assert.ok(g.get('tensor/tensor.ts')!.includes('backend/backend.ts'), 'a type-only import was not seen');
  // The checks themselves catch what they are for: a made-up edge train → doctor, and a cycle.
  const withEdge = new Map(g);
  withEdge.set('train/fit.ts', [...g.get('train/fit.ts')!, 'doctor/fit-doctor.ts']);
  const found = cycles(withEdge).some((scc) => scc.includes('train/fit.ts') && scc.includes('doctor/fit-doctor.ts'));
  assert.ok(found, 'a cycle train ↔ doctor made up for the test was not found');
});
