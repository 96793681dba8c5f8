// Movement and indexing kernels. Every dtype is 32 bits on the GPU, so the copies move raw bits:
// one strided-gather kernel serves permute, expand, slice and flip (dims merged first; a plain
// copy when the walk is contiguous), one strided scatter serves sliceUpdate/sliceAdd, and pad,
// cat, gather, indexSelect have their own small kernels. scatterAdd and indexAdd accumulate
// deterministically (each output element sums its sources in index order, as the reference does)
// when an element has few candidate sources, else with atomics (float32 adds through a
// compare-exchange loop; the order of those sums is not fixed). Out-of-range indices are reported
// through the error buffer and raised as a ValueError at the next read.
import type { TensorView } from '../backend.js';
import { broadcastStrides, stridesOf } from '../../tensor/shape.js';
import type { KernelOp, PrimAttrs } from '../prims.js';
import { collapse } from './elementwise.js';
import type { Gpu } from './gpu.js';
import { bindings, f32bits, grid1d, main1d, scalarOf } from './wgsl.js';

/** Op names by error code (the code is the index + 1). */
export const INDEX_OPS = ['gather', 'scatterAdd', 'indexSelect', 'indexAdd'] as const;

const REPORT = `fn report(code: u32, v: i32, size: i32, dim: i32) {
  let r = atomicCompareExchangeWeak(&E[0], 0u, code);
  if (r.exchanged) { atomicStore(&E[1], u32(v)); atomicStore(&E[2], u32(size)); atomicStore(&E[3], u32(dim)); }
}`;
const E_DECL: [string, string, boolean] = ['E', 'array<atomic<u32>>', true];

/** out[i] = x[off + Σ coord·stride] over out's shape (strides may be negative or zero). */
function stridedCopy(gpu: Gpu, x: TensorView, out: TensorView, st: readonly number[], off: number): void {
  const n = out.storage.size;
  const { shape, strides } = collapse(out.shape, [st]);
  const s = strides[0]!;
  const contiguous = stridesOf(shape).every((c, d) => c === s[d]);
  if (contiguous) { gpu.copy(x, out, n, off, 0); return; }
  const R = shape.length;
  const code = () => {
    const lines = ['  var r = i;', '  var o = P[1];'];
    for (let d = R - 1; d >= 0; d--) lines.push(`  { let s = u32(P[${2 + d}]); o = o + i32(r % s) * P[${2 + R + d}]; r = r / s; }`);
    lines.push('  O[i] = X[u32(o)];');
    return `${bindings([['X', 'array<u32>', false], ['O', 'array<u32>', true]])}\n${main1d(lines.join('\n'))}`;
  };
  gpu.dispatch(`copy:${R}`, code, [x], [out], [n, off, ...shape, ...s], grid1d(n));
}

/** out[off + Σ coord·stride] = value[i] (or += for add), over value's shape. */
function stridedScatter(gpu: Gpu, value: TensorView, out: TensorView, st: readonly number[], off: number, add: boolean): void {
  const n = value.storage.size;
  if (n === 0) return;
  const { shape, strides } = collapse(value.shape, [st]);
  const s = strides[0]!;
  const R = shape.length;
  const t = add ? scalarOf('sliceAdd', out.dtype) : 'u32';
  const code = () => {
    const lines = ['  var r = i;', '  var o = P[1];'];
    for (let d = R - 1; d >= 0; d--) lines.push(`  { let s = u32(P[${2 + d}]); o = o + i32(r % s) * P[${2 + R + d}]; r = r / s; }`);
    lines.push(add ? '  O[u32(o)] = O[u32(o)] + V[i];' : '  O[u32(o)] = V[i];');
    return `${bindings([['V', `array<${t}>`, false], ['O', `array<${t}>`, true]])}\n${main1d(lines.join('\n'))}`;
  };
  gpu.dispatch(`scatter:${t}:${add ? 'add' : 'set'}:${R}`, code, [value], [out], [n, off, ...shape, ...s], grid1d(n));
}

function pad(gpu: Gpu, x: TensorView, out: TensorView, { pads, value }: PrimAttrs['pad']): void {
  const n = out.storage.size;
  const R = out.shape.length;
  const bits = out.dtype === 'float32' ? f32bits(value) : out.dtype === 'bool' ? (value !== 0 ? 1 : 0) : value | 0;
  const code = () => {
    const lines = ['  var r = i;', '  var o = 0u;', '  var inside = true;', '  var scale = 1u;'];
    for (let d = R - 1; d >= 0; d--) {
      lines.push(`  { let s = u32(P[${2 + d}]); let c = i32(r % s) - P[${2 + R + d}]; r = r / s; let xs = P[${2 + 2 * R + d}];
    if (c < 0 || c >= xs) { inside = false; } else { o = o + u32(c) * scale; } scale = scale * u32(xs); }`);
    }
    lines.push('  O[i] = select(u32(P[1]), X[o], inside);');
    return `${bindings([['X', 'array<u32>', false], ['O', 'array<u32>', true]])}\n${main1d(lines.join('\n'))}`;
  };
  gpu.dispatch(`pad:${R}`, code, [x], [out], [n, bits, ...out.shape, ...pads.map(([b]) => b), ...x.shape], grid1d(n));
}

function cat(gpu: Gpu, ins: readonly TensorView[], out: TensorView, dim: number): void {
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < dim; d++) outer *= out.shape[d]!;
  for (let d = dim + 1; d < out.shape.length; d++) inner *= out.shape[d]!;
  const rowOut = out.shape[dim]! * inner;
  let at = 0;
  for (const t of ins) {
    const w = t.shape[dim]! * inner;
    const n = outer * w;
    if (n > 0) {
      if (outer === 1) gpu.copy(t, out, w, 0, at);
      else {
        const code = () => `${bindings([['X', 'array<u32>', false], ['O', 'array<u32>', true]])}
${main1d('  let w = u32(P[1]);\n  O[(i / w) * u32(P[2]) + u32(P[3]) + i % w] = X[i];')}`;
        gpu.dispatch('cat', code, [t], [out], [n, w, rowOut, at], grid1d(n));
      }
    }
    at += w;
  }
}

/** WGSL normalising index `v` (negative counts from the end) or reporting it. */
function norm(code: number, v: string, size: string, dim: string): string {
  return `var k = ${v}; if (k < 0) { k = k + ${size}; } if (k < 0 || k >= ${size}) { report(${code}u, ${v}, ${size}, ${dim}); k = 0; }`;
}

function gather(gpu: Gpu, x: TensorView, index: TensorView, out: TensorView, dim: number): void {
  const n = out.storage.size;
  const R = index.shape.length;
  const xst = stridesOf(x.shape);
  const code = () => {
    const lines = ['  var r = i;', '  var o = 0u;'];
    for (let d = R - 1; d >= 0; d--) {
      if (d === dim) lines.push(`  { r = r / u32(P[${2 + d}]); ${norm(1, 'I[i]', 'P[1]', String(dim))} o = o + u32(k) * u32(P[${2 + R + d}]); }`);
      else lines.push(`  { let s = u32(P[${2 + d}]); o = o + (r % s) * u32(P[${2 + R + d}]); r = r / s; }`);
    }
    lines.push('  O[i] = X[o];');
    return `${bindings([['X', 'array<u32>', false], ['I', 'array<i32>', false], ['O', 'array<u32>', true], E_DECL])}\n${REPORT}\n${main1d(lines.join('\n'))}`;
  };
  gpu.dispatch(`gather:${R}:${dim}`, code, [x, index], [out, gpu.errors], [n, x.shape[dim]!, ...index.shape, ...xst], grid1d(n));
}

/** Candidate sources per output element up to which the deterministic (gather-style) sum runs. */
const GATHER_SUM_MAX = 256;

function atomicAdd(t: string): string {
  return t === 'f32'
    ? `fn add_at(t: u32, v: f32) {
  var old = atomicLoad(&OA[t]);
  loop {
    let r = atomicCompareExchangeWeak(&OA[t], old, bitcast<u32>(bitcast<f32>(old) + v));
    if (r.exchanged) { break; }
    old = r.old_value;
  }
}`
    : 'fn add_at(t: u32, v: i32) { atomicAdd(&OA[t], v); }';
}

function scatterAdd(gpu: Gpu, x: TensorView, index: TensorView, src: TensorView, out: TensorView, dim: number): void {
  const t = scalarOf('scatterAdd', out.dtype);
  gpu.copy(x, out, out.storage.size);
  const R = out.shape.length;
  const ish = index.shape;
  const ist = stridesOf(ish);
  const sst = stridesOf(src.shape);
  const ost = stridesOf(out.shape);
  const ni = index.storage.size;
  if (ni === 0) return;
  const size = out.shape[dim]!;
  // P: [n, size, oshape(R), ost(R), ishape(R), ist(R), sst(R)]
  const at = (k: number, d: number): number => 2 + k * R + d;
  if ((ish[dim] ?? 1) <= GATHER_SUM_MAX) {
    const n = out.storage.size;
    const code = () => {
      const lines = ['  var r = i;', '  var ib = 0u;', '  var sb = 0u;', '  var cd = 0;', '  var inside = true;'];
      for (let d = R - 1; d >= 0; d--) {
        lines.push(`  { let s = u32(P[${at(0, d)}]); let c = r % s; r = r / s;`);
        if (d === dim) lines.push('    cd = i32(c); }');
        else lines.push(`    if (c >= u32(P[${at(2, d)}])) { inside = false; } ib = ib + c * u32(P[${at(3, d)}]); sb = sb + c * u32(P[${at(4, d)}]); }`);
      }
      lines.push(`  if (!inside) { return; }
  var acc = O[i];
  for (var j = 0u; j < u32(P[${at(2, dim)}]); j++) {
    ${norm(2, `I[ib + j * u32(P[${at(3, dim)}])]`, 'P[1]', String(dim))}
    if (k == cd) { acc = acc + S[sb + j * u32(P[${at(4, dim)}])]; }
  }
  O[i] = acc;`);
      return `${bindings([['I', 'array<i32>', false], ['S', `array<${t}>`, false], ['O', `array<${t}>`, true], E_DECL])}\n${REPORT}\n${main1d(lines.join('\n'))}`;
    };
    gpu.dispatch(`scatterAdd:g:${t}:${R}:${dim}`, code, [index, src], [out, gpu.errors], [n, size, ...out.shape, ...ost, ...ish, ...ist, ...sst], grid1d(n));
    return;
  }
  const code = () => {
    const lines = ['  var r = i;', '  var so = 0u;', '  var oo = 0u;'];
    for (let d = R - 1; d >= 0; d--) {
      lines.push(`  { let s = u32(P[${at(2, d)}]); let c = r % s; r = r / s; so = so + c * u32(P[${at(4, d)}]);`);
      if (d === dim) lines.push(`    ${norm(2, 'I[i]', 'P[1]', String(dim))} oo = oo + u32(k) * u32(P[${at(1, d)}]); }`);
      else lines.push(`    oo = oo + c * u32(P[${at(1, d)}]); }`);
    }
    lines.push('  add_at(oo, S[so]);');
    return `${bindings([['I', 'array<i32>', false], ['S', `array<${t}>`, false], ['OA', `array<atomic<${t === 'f32' ? 'u32' : 'i32'}>>`, true], E_DECL])}\n${REPORT}\n${atomicAdd(t)}\n${main1d(lines.join('\n'))}`;
  };
  gpu.dispatch(`scatterAdd:a:${t}:${R}:${dim}`, code, [index, src], [out, gpu.errors], [ni, size, ...out.shape, ...ost, ...ish, ...ist, ...sst], grid1d(ni));
}

function around(shape: readonly number[], dim: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < dim; d++) outer *= shape[d]!;
  for (let d = dim + 1; d < shape.length; d++) inner *= shape[d]!;
  return [outer, shape[dim]!, inner];
}

function indexSelect(gpu: Gpu, x: TensorView, index: TensorView, out: TensorView, dim: number): void {
  const [, size, inner] = around(x.shape, dim);
  const m = index.storage.size;
  const n = out.storage.size;
  const code = () => `${bindings([['X', 'array<u32>', false], ['I', 'array<i32>', false], ['O', 'array<u32>', true], E_DECL])}\n${REPORT}
${main1d(`  let m = u32(P[1]);
  let inner = u32(P[3]);
  let a = i / (m * inner);
  let j = (i / inner) % m;
  ${norm(3, 'I[j]', 'P[2]', 'P[4]')}
  O[i] = X[(a * u32(P[2]) + u32(k)) * inner + i % inner];`)}`;
  gpu.dispatch('indexSelect', code, [x, index], [out, gpu.errors], [n, m, size, inner, dim], grid1d(n));
}

function indexAdd(gpu: Gpu, x: TensorView, index: TensorView, src: TensorView, out: TensorView, dim: number): void {
  const t = scalarOf('indexAdd', out.dtype);
  gpu.copy(x, out, out.storage.size);
  const [, size, inner] = around(out.shape, dim);
  const m = index.storage.size;
  if (m === 0) return;
  if (m <= GATHER_SUM_MAX) {
    const n = out.storage.size;
    const code = () => `${bindings([['I', 'array<i32>', false], ['S', `array<${t}>`, false], ['O', `array<${t}>`, true], E_DECL])}\n${REPORT}
${main1d(`  let m = u32(P[1]);
  let size = u32(P[2]);
  let inner = u32(P[3]);
  let a = i / (size * inner);
  let kk = i32((i / inner) % size);
  let c = i % inner;
  var acc = O[i];
  for (var j = 0u; j < m; j++) {
    ${norm(4, 'I[j]', 'P[2]', 'P[4]')}
    if (k == kk) { acc = acc + S[(a * m + j) * inner + c]; }
  }
  O[i] = acc;`)}`;
    gpu.dispatch(`indexAdd:g:${t}`, code, [index, src], [out, gpu.errors], [n, m, size, inner, dim], grid1d(n));
    return;
  }
  const n = src.storage.size;
  const code = () => `${bindings([['I', 'array<i32>', false], ['S', `array<${t}>`, false], ['OA', `array<atomic<${t === 'f32' ? 'u32' : 'i32'}>>`, true], E_DECL])}\n${REPORT}\n${atomicAdd(t)}
${main1d(`  let m = u32(P[1]);
  let inner = u32(P[3]);
  let a = i / (m * inner);
  let j = (i / inner) % m;
  ${norm(4, 'I[j]', 'P[2]', 'P[4]')}
  add_at((a * u32(P[2]) + u32(k)) * inner + i % inner, S[i]);`)}`;
  gpu.dispatch(`indexAdd:a:${t}`, code, [index, src], [out, gpu.errors], [n, m, size, inner, dim], grid1d(n));
}

/** The movement and indexing primitives. */
export function movement(gpu: Gpu, op: KernelOp, ins: readonly TensorView[], out: TensorView, attrs: unknown): void {
  const [x, y, z] = ins as [TensorView, TensorView, TensorView];
  for (const v of [...ins, out]) scalarOf(op, v.dtype);
  switch (op) {
    case 'permute': {
      const st = stridesOf(x.shape);
      stridedCopy(gpu, x, out, (attrs as PrimAttrs['permute']).dims.map((d) => st[d]!), 0);
      return;
    }
    case 'expand': stridedCopy(gpu, x, out, broadcastStrides(x.shape, out.shape), 0); return;
    case 'slice': {
      const { starts, steps } = attrs as PrimAttrs['slice'];
      const st = stridesOf(x.shape);
      stridedCopy(gpu, x, out, st.map((s, d) => s * steps[d]!), starts.reduce((acc, s, d) => acc + s * st[d]!, 0));
      return;
    }
    case 'flip': {
      const { dims } = attrs as PrimAttrs['flip'];
      const st = stridesOf(x.shape);
      let off = 0;
      const fst = st.map((s, d) => {
        if (!dims.includes(d) || x.shape[d] === 1) return s;
        off += (x.shape[d]! - 1) * s;
        return -s;
      });
      stridedCopy(gpu, x, out, fst, off);
      return;
    }
    case 'sliceUpdate': case 'sliceAdd': {
      const { starts, steps } = attrs as PrimAttrs['slice'];
      if (x.storage !== out.storage) gpu.copy(x, out, out.storage.size);
      const st = stridesOf(out.shape);
      stridedScatter(gpu, y, out, st.map((s, d) => s * steps[d]!), starts.reduce((acc, s, d) => acc + s * st[d]!, 0), op === 'sliceAdd');
      return;
    }
    case 'pad': pad(gpu, x, out, attrs as PrimAttrs['pad']); return;
    case 'cat': cat(gpu, ins, out, (attrs as PrimAttrs['cat']).dim); return;
    case 'gather': gather(gpu, x, y, out, (attrs as PrimAttrs['gather']).dim); return;
    case 'scatterAdd': scatterAdd(gpu, x, y, z, out, (attrs as PrimAttrs['scatterAdd']).dim); return;
    case 'indexSelect': indexSelect(gpu, x, y, out, (attrs as PrimAttrs['indexSelect']).dim); return;
    case 'indexAdd': indexAdd(gpu, x, y, z, out, (attrs as PrimAttrs['indexAdd']).dim); return;
    default: throw new Error(`webgpu: no kernel for ${op}`);
  }
}
