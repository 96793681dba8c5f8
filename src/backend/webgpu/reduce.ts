// Reductions (sum, prod, max, min over any dims) and arg-reductions (argmax/argmin along one dim).
// The input's dims are merged into kept and reduced groups; each output element walks its reduced
// elements by strides — in one thread when they are few, else with a whole workgroup and a tree
// reduction in workgroup memory. max/min propagate NaN; argmax/argmin return the first index of
// the extreme, or of the first NaN, as the reference does.
import type { TensorView } from '../backend.js';
import { stridesOf } from '../../tensor/shape.js';
import type { ReduceOp } from '../prims.js';
import type { Gpu } from './gpu.js';
import { bindings, grid, grid1d, main1d, scalarOf, WG, type Scalar } from './wgsl.js';

interface Plan { kept: [number, number][]; red: [number, number][] }

/** Group the dims into kept and reduced runs of (size, stride), size-1 dims dropped. */
function plan(shape: readonly number[], reduced: (d: number) => boolean): Plan {
  const st = stridesOf(shape);
  const kept: [number, number][] = [];
  const red: [number, number][] = [];
  let last: 'k' | 'r' | null = null;
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const kind = reduced(d) ? 'r' : 'k';
    const list = kind === 'r' ? red : kept;
    if (last === kind) {
      const prev = list[list.length - 1]!;
      prev[0] *= shape[d]!;
      prev[1] = st[d]!;
    } else list.push([shape[d]!, st[d]!]);
    last = kind;
  }
  return { kept, red };
}

/** WGSL computing `name` = Σ digit·stride of `idx` over the runs whose sizes/strides start at P[at]. */
function walk(name: string, idx: string, runs: number, at: number): string {
  const lines = [`  var ${name} = 0u;`, `  { var q = ${idx};`];
  for (let d = runs - 1; d >= 0; d--) {
    lines.push(`    { let s = u32(P[${at + d}]); ${name} = ${name} + (q % s) * u32(P[${at + runs + d}]); q = q / s; }`);
  }
  lines.push('  }');
  return lines.join('\n');
}

const INIT: Record<ReduceOp, Record<Scalar, string>> = {
  sum: { f32: '0.0f', i32: '0' },
  prod: { f32: '1.0f', i32: '1' },
  max: { f32: '-ax_inf()', i32: 'i32(-2147483647 - 1)' },
  min: { f32: 'ax_inf()', i32: '2147483647' },
};
const COMBINE: Record<ReduceOp, Record<Scalar, string>> = {
  sum: { f32: 'a + b', i32: 'a + b' },
  prod: { f32: 'a * b', i32: 'a * b' },
  max: { f32: 'select(select(a, b, b > a || ax_isnan(b)), a, ax_isnan(a))', i32: 'max(a, b)' },
  min: { f32: 'select(select(a, b, b < a || ax_isnan(b)), a, ax_isnan(a))', i32: 'min(a, b)' },
};

/** Reduced elements per output below which one thread does the whole walk. */
const THREAD_MAX = 64;

export function reduce(gpu: Gpu, op: ReduceOp, x: TensorView, out: TensorView, dims: readonly number[]): void {
  const t = scalarOf(op, x.dtype);
  const { kept, red } = plan(x.shape, (d) => dims.includes(d));
  const M = out.storage.size;
  const R = kept.length === 0 && red.length === 0 ? (x.storage.size === 0 ? 0 : 1) : red.reduce((p, [s]) => p * s, 1);
  const nk = kept.length;
  const nr = red.length;
  const params = [M, R, ...kept.map(([s]) => s), ...kept.map(([, st]) => st), ...red.map(([s]) => s), ...red.map(([, st]) => st)];
  const fn = `fn comb(a: ${t}, b: ${t}) -> ${t} { return ${COMBINE[op][t]}; }`;
  const decl = bindings([['X', `array<${t}>`, false], ['O', `array<${t}>`, true]]);
  if (R <= THREAD_MAX || x.storage.size === 0) {
    const code = () => `${decl}\n${fn}\n${main1d(`${walk('base', 'i', nk, 2)}
  var acc: ${t} = ${INIT[op][t]};
  for (var r = 0u; r < u32(P[1]); r++) {
${walk('off', 'r', nr, 2 + 2 * nk)}
    acc = comb(acc, X[base + off]);
  }
  O[i] = acc;`)}`;
    gpu.dispatch(`red:${op}:${t}:t:${nk}:${nr}`, code, [x], [out], params, grid1d(M));
    return;
  }
  const code = () => `${decl}\n${fn}
var<workgroup> part: array<${t}, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = wid.x + wid.y * nwg.x;
  let live = i < u32(P[0]);
${walk('base', 'i', nk, 2)}
  var acc: ${t} = ${INIT[op][t]};
  if (live) {
    for (var r = lid.x; r < u32(P[1]); r += ${WG}u) {
${walk('off', 'r', nr, 2 + 2 * nk)}
      acc = comb(acc, X[base + off]);
    }
  }
  part[lid.x] = acc;
  workgroupBarrier();
  for (var w = ${WG / 2}u; w > 0u; w = w >> 1u) {
    if (lid.x < w) { part[lid.x] = comb(part[lid.x], part[lid.x + w]); }
    workgroupBarrier();
  }
  if (live && lid.x == 0u) { O[i] = part[0]; }
}`;
  gpu.dispatch(`red:${op}:${t}:w:${nk}:${nr}`, code, [x], [out], params, grid(M));
}

export function argReduce(gpu: Gpu, op: 'argmax' | 'argmin', x: TensorView, out: TensorView, dim: number): void {
  const t = scalarOf(op, x.dtype);
  const shape = x.shape;
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < dim; d++) outer *= shape[d]!;
  for (let d = dim + 1; d < shape.length; d++) inner *= shape[d]!;
  const n = shape[dim] ?? 1;
  const M = outer * inner;
  const cmp = op === 'argmax' ? '>' : '<';
  const nan = t === 'f32' ? 'ax_isnan' : 'ax_no_nan';
  // better(v at k, best at bi): a NaN wins (the first one), then the strict extreme, then the lower index.
  const fns = `fn ax_no_nan(v: i32) -> bool { return false; }
fn better(v: ${t}, k: u32, bv: ${t}, bk: u32) -> bool {
  if (${nan}(bv)) { return ${nan}(v) && k < bk; }
  if (${nan}(v)) { return true; }
  return v ${cmp} bv || (v == bv && k < bk);
}`;
  const decl = bindings([['X', `array<${t}>`, false], ['O', 'array<i32>', true]]);
  const params = [M, n, inner];
  if (n <= THREAD_MAX) {
    const code = () => `${decl}\n${fns}\n${main1d(`  let base = (i / u32(P[2])) * u32(P[1]) * u32(P[2]) + i % u32(P[2]);
  var bv = X[base];
  var bk = 0u;
  for (var k = 1u; k < u32(P[1]); k++) {
    let v = X[base + k * u32(P[2])];
    if (better(v, k, bv, bk)) { bv = v; bk = k; }
  }
  O[i] = i32(bk);`)}`;
    gpu.dispatch(`arg:${op}:${t}:t`, code, [x], [out], params, grid1d(M));
    return;
  }
  const code = () => `${decl}\n${fns}
var<workgroup> pv: array<${t}, ${WG}>;
var<workgroup> pk: array<u32, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = wid.x + wid.y * nwg.x;
  let live = i < u32(P[0]);
  let inner = u32(P[2]);
  let base = (i / inner) * u32(P[1]) * inner + i % inner;
  var bk = 0xffffffffu;
  var bv = X[0];
  if (live) {
    for (var k = lid.x; k < u32(P[1]); k += ${WG}u) {
      let v = X[base + k * inner];
      if (bk == 0xffffffffu || better(v, k, bv, bk)) { bv = v; bk = k; }
    }
  }
  pv[lid.x] = bv;
  pk[lid.x] = bk;
  workgroupBarrier();
  for (var w = ${WG / 2}u; w > 0u; w = w >> 1u) {
    if (lid.x < w && pk[lid.x + w] != 0xffffffffu && (pk[lid.x] == 0xffffffffu || better(pv[lid.x + w], pk[lid.x + w], pv[lid.x], pk[lid.x]))) {
      pv[lid.x] = pv[lid.x + w];
      pk[lid.x] = pk[lid.x + w];
    }
    workgroupBarrier();
  }
  if (live && lid.x == 0u) { O[i] = i32(pk[0]); }
}`;
  gpu.dispatch(`arg:${op}:${t}:w`, code, [x], [out], params, grid(M));
}
