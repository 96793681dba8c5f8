// Reference kernels: plain loops over typed arrays, computed in float64 and stored in the output's
// dtype. This is the living definition every fast backend is tested against.
import { ValueError } from '../../errors.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { broadcastStrides, numelOf, stridesOf, type Shape } from '../../tensor/shape.js';
import type { BinaryOp, KernelOp, PrimAttrs, ReduceOp, UnaryOp } from '../prims.js';
import { erf, roundHalfEven } from './scalar-math.js';
import { map2, map3, stridedCopy, walk1 } from './strided.js';
import { foldKernel, unfoldKernel } from './im2col.js';
import { maxPoolIndexKernel } from './max-pool.js';
import { lstmCellGradKernel, lstmCellKernel } from './lstm-cell.js';
import { geluKernel } from './gelu.js';
import { matmulKernel } from './matmul.js';
import { lstmSequenceGradKernel, lstmSequenceKernel } from './lstm-sequence.js';
import { gruSequenceGradKernel, gruSequenceKernel } from './gru-sequence.js';
import { rnnSequenceGradKernel, rnnSequenceKernel } from './rnn-sequence.js';
import { layerNormGradKernel, layerNormKernel } from './layer-norm.js';
import { softmaxGradKernel, softmaxKernel } from './softmax.js';

export interface KView {
  readonly data: TypedArray;
  readonly shape: Shape;
  readonly dtype: DType;
}

export type Kernel<K extends KernelOp> = (ins: readonly KView[], out: KView, attrs: PrimAttrs[K]) => void;

const UNARY: { [K in UnaryOp]: (x: number) => number } = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN),
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  // Two branches so neither exp overflows.
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  relu: (x) => (x > 0 ? x : Number.isNaN(x) ? NaN : 0),
  erf,
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  isNaN: (x) => (Number.isNaN(x) ? 1 : 0),
  isFinite: (x) => (Number.isFinite(x) ? 1 : 0),
  logicalNot: (x) => (x === 0 ? 1 : 0),
};

const b01 = (c: boolean): number => (c ? 1 : 0);
const BINARY: { [K in BinaryOp]: (x: number, y: number) => number } = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  // C's pow (as PyTorch): 1^y = 1 and (−1)^±∞ = 1, where JavaScript's Math.pow gives NaN.
  pow: (x, y) => (x === 1 || (x === -1 && (y === Infinity || y === -Infinity)) ? 1 : Math.pow(x, y)),
  maximum: (x, y) => (x !== x || y !== y ? NaN : x > y ? x : y),
  minimum: (x, y) => (x !== x || y !== y ? NaN : x < y ? x : y),
  eq: (x, y) => b01(x === y),
  ne: (x, y) => b01(x !== y),
  lt: (x, y) => b01(x < y),
  le: (x, y) => b01(x <= y),
  gt: (x, y) => b01(x > y),
  ge: (x, y) => b01(x >= y),
  logicalAnd: (x, y) => b01(x !== 0 && y !== 0),
  logicalOr: (x, y) => b01(x !== 0 || y !== 0),
  logicalXor: (x, y) => b01((x !== 0) !== (y !== 0)),
};

function unaryKernel(f: (x: number) => number): Kernel<UnaryOp> {
  return ([x], out) => {
    const a = x!.data;
    const o = out.data;
    for (let i = 0; i < o.length; i++) o[i] = f(a[i]!);
  };
}

function binaryKernel(op: BinaryOp): Kernel<BinaryOp> {
  const f = BINARY[op];
  // Integer division/power results must be truncated the way int32 storage does; float ops just store.
  return ([a, b], out) => {
    map2(out.shape, a!.data, broadcastStrides(a!.shape, out.shape), b!.data, broadcastStrides(b!.shape, out.shape), out.data, f);
  };
}

/** View `shape` as [outer, n, inner] around `dim`. */
function around(shape: Shape, dim: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < dim; i++) outer *= shape[i]!;
  for (let i = dim + 1; i < shape.length; i++) inner *= shape[i]!;
  return [outer, shape[dim]!, inner];
}

function reduceKernel<K extends ReduceOp>(init: number, step: (acc: number, x: number) => number): Kernel<K> {
  return ([x], out, { dims }) => {
    const xs = x!.shape;
    const acc = new Float64Array(out.data.length).fill(init);
    // Output offsets as strides over the input's index space (0 on reduced dims).
    const ost = stridesOf(out.shape).map((s, d) => (dims.includes(d) ? 0 : s));
    const src = x!.data;
    walk1(xs, ost, 0, (i, o) => { acc[o] = step(acc[o]!, src[i]!); });
    out.data.set(acc);
  };
}

function argKernel<K extends 'argmax' | 'argmin'>(better: (x: number, best: number) => boolean): Kernel<K> {
  return ([x], out, { dim }) => {
    const [outer, n, inner] = around(x!.shape, dim);
    if (n === 0) throw new ValueError('argmax', `can not take the arg-extreme of an empty dim (size 0 at dim ${dim})`);
    const src = x!.data;
    const o = out.data;
    for (let a = 0; a < outer; a++) {
      for (let c = 0; c < inner; c++) {
        let bi = 0;
        let bv = src[a * n * inner + c]!;
        for (let k = 1; k < n && bv === bv; k++) {
          const v = src[(a * n + k) * inner + c]!;
          if (better(v, bv)) { bv = v; bi = k; }
        }
        o[a * inner + c] = bi;
      }
    }
  };
}

function checkIndex(op: string, v: number, size: number, dim: number): number {
  if (v < -size || v >= size) {
    throw new ValueError(op, `index ${v} is out of range for dim ${dim} of size ${size}; valid indices are ${-size}..${size - 1}`);
  }
  return v < 0 ? v + size : v;
}

/** For every position of `shape` (the index tensor's), call f(indexPos, srcOffsetWithoutDim, coordOnDim). */
function walkIndexed(
  idxShape: Shape, dim: number, tStrides: readonly number[],
  f: (pos: number, baseOff: number) => void,
): void {
  const st = tStrides.map((s, d) => (d === dim ? 0 : s));
  walk1(idxShape, st, 0, f);
}

// A NaN must win a max/min the way it does in PyTorch.
const maxStep = (a: number, x: number): number => (x > a || x !== x ? x : a);
const minStep = (a: number, x: number): number => (x < a || x !== x ? x : a);

type KernelTable = { [K in KernelOp]: Kernel<K> };

const unaryKernels = Object.fromEntries(
  (Object.keys(UNARY) as UnaryOp[]).map((k) => [k, unaryKernel(UNARY[k])]),
) as { [K in UnaryOp]: Kernel<K> };
const binaryKernels = Object.fromEntries(
  (Object.keys(BINARY) as BinaryOp[]).map((k) => [k, binaryKernel(k)]),
) as { [K in BinaryOp]: Kernel<K> };

export const KERNELS: KernelTable = {
  ...unaryKernels,
  ...binaryKernels,
  where: ([c, a, b], out) => {
    const s = out.shape;
    map3(s, c!.data, broadcastStrides(c!.shape, s), a!.data, broadcastStrides(a!.shape, s), b!.data, broadcastStrides(b!.shape, s), out.data,
      (cc, x, y) => (cc !== 0 ? x : y));
  },
  cast: ([x], out, { dtype }) => {
    const a = x!.data;
    const o = out.data;
    if (dtype === 'bool') for (let i = 0; i < o.length; i++) o[i] = a[i] !== 0 ? 1 : 0;
    else if (dtype === 'int32') for (let i = 0; i < o.length; i++) o[i] = Math.trunc(a[i]!);
    else o.set(a);
  },
  sum: reduceKernel(0, (a, x) => a + x),
  prod: reduceKernel(1, (a, x) => a * x),
  max: reduceKernel(-Infinity, maxStep),
  min: reduceKernel(Infinity, minStep),
  argmax: argKernel((v, b) => v > b || v !== v),
  argmin: argKernel((v, b) => v < b || v !== v),
  permute: ([x], out, { dims }) => {
    const st = stridesOf(x!.shape);
    stridedCopy(x!.data, dims.map((d) => st[d]!), 0, out.shape, out.data);
  },
  expand: ([x], out) => {
    stridedCopy(x!.data, broadcastStrides(x!.shape, out.shape), 0, out.shape, out.data);
  },
  slice: ([x], out, { starts, steps }) => {
    const st = stridesOf(x!.shape);
    const off = starts.reduce((acc, s, d) => acc + s * st[d]!, 0);
    stridedCopy(x!.data, st.map((s, d) => s * steps[d]!), off, out.shape, out.data);
  },
  sliceUpdate: ([base, value], out, { starts, steps }) => {
    out.data.set(base!.data);
    const st = stridesOf(out.shape);
    const off = starts.reduce((acc, s, d) => acc + s * st[d]!, 0);
    const v = value!.data;
    const o = out.data;
    walk1(value!.shape, st.map((s, d) => s * steps[d]!), off, (vi, oi) => { o[oi] = v[vi]!; });
  },
  sliceAdd: ([base, value], out, { starts, steps }) => {
    if (out.data !== base!.data) out.data.set(base!.data); // out may alias base (in-place accumulation)
    const st = stridesOf(out.shape);
    const off = starts.reduce((acc, s, d) => acc + s * st[d]!, 0);
    const v = value!.data;
    const o = out.data;
    walk1(value!.shape, st.map((s, d) => s * steps[d]!), off, (vi, oi) => { o[oi]! += v[vi]!; });
  },
  pad: ([x], out, { pads, value }) => {
    out.data.fill(value);
    const st = stridesOf(out.shape);
    const off = pads.reduce((acc, [before], d) => acc + before * st[d]!, 0);
    const src = x!.data;
    const o = out.data;
    walk1(x!.shape, st, off, (xi, oi) => { o[oi] = src[xi]!; });
  },
  cat: (ins, out, { dim }) => {
    const [outer, , inner] = around(out.shape, dim);
    const rowOut = out.shape[dim]! * inner;
    let at = 0;
    for (const t of ins) {
      const w = t.shape[dim]! * inner;
      for (let a = 0; a < outer; a++) out.data.set(t.data.subarray(a * w, (a + 1) * w), a * rowOut + at);
      at += w;
    }
  },
  flip: ([x], out, { dims }) => {
    const st = stridesOf(x!.shape);
    let off = 0;
    const fst = st.map((s, d) => {
      if (!dims.includes(d)) return s;
      off += (x!.shape[d]! - 1) * s;
      return -s;
    });
    if (numelOf(x!.shape) > 0) stridedCopy(x!.data, fst, off, out.shape, out.data);
  },
  gather: ([x, index], out, { dim }) => {
    const xst = stridesOf(x!.shape);
    const size = x!.shape[dim]!;
    const src = x!.data;
    const idx = index!.data;
    const o = out.data;
    walkIndexed(index!.shape, dim, xst, (p, base) => {
      o[p] = src[base + checkIndex('gather', idx[p]!, size, dim) * xst[dim]!]!;
    });
  },
  scatterAdd: ([x, index, src], out, { dim }) => {
    out.data.set(x!.data);
    const ost = stridesOf(out.shape);
    const size = out.shape[dim]!;
    const idx = index!.data;
    const o = out.data;
    const s = src!.data;
    const sst = stridesOf(src!.shape);
    const ist = stridesOf(index!.shape);
    // Walk the index shape; read src at the same coordinates (src may be larger than index).
    const pos = new Array<number>(index!.shape.length).fill(0);
    const n = numelOf(index!.shape);
    for (let p = 0; p < n; p++) {
      let rem = p;
      let so = 0;
      let oo = 0;
      for (let d = 0; d < pos.length; d++) {
        pos[d] = Math.floor(rem / ist[d]!);
        rem -= pos[d]! * ist[d]!;
        so += pos[d]! * sst[d]!;
        if (d !== dim) oo += pos[d]! * ost[d]!;
      }
      oo += checkIndex('scatterAdd', idx[p]!, size, dim) * ost[dim]!;
      o[oo]! += s[so]!;
    }
  },
  indexSelect: ([x, index], out, { dim }) => {
    const [outer, n, inner] = around(x!.shape, dim);
    const idx = index!.data;
    const m = idx.length;
    const src = x!.data;
    for (let j = 0; j < m; j++) {
      const k = checkIndex('indexSelect', idx[j]!, n, dim);
      for (let a = 0; a < outer; a++) {
        out.data.set(src.subarray((a * n + k) * inner, (a * n + k + 1) * inner), (a * m + j) * inner);
      }
    }
  },
  indexAdd: ([x, index, src], out, { dim }) => {
    out.data.set(x!.data);
    const [outer, n, inner] = around(x!.shape, dim);
    const idx = index!.data;
    const m = idx.length;
    const s = src!.data;
    const o = out.data;
    for (let j = 0; j < m; j++) {
      const k = checkIndex('indexAdd', idx[j]!, n, dim);
      for (let a = 0; a < outer; a++) {
        const oo = (a * n + k) * inner;
        const so = (a * m + j) * inner;
        for (let c = 0; c < inner; c++) o[oo + c]! += s[so + c]!;
      }
    }
  },
  matmul: matmulKernel,
  unfold: unfoldKernel,
  fold: foldKernel,
  maxPoolIndex: maxPoolIndexKernel,
  lstmCell: lstmCellKernel,
  lstmCellGrad: lstmCellGradKernel,
  lstmSequence: lstmSequenceKernel,
  lstmSequenceGrad: lstmSequenceGradKernel,
  gruSequence: gruSequenceKernel,
  gruSequenceGrad: gruSequenceGradKernel,
  rnnSequence: rnnSequenceKernel,
  rnnSequenceGrad: rnnSequenceGradKernel,
  gelu: geluKernel,
  layerNorm: layerNormKernel,
  layerNormGrad: layerNormGradKernel,
  softmax: softmaxKernel,
  softmaxGrad: softmaxGradKernel,
};
