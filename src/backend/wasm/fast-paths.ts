// The primitives the wasm kernels run, for float32 tensors in the layouts of layout.ts. Each path
// returns false when it does not apply (another dtype, an unsupported layout); the backend then
// runs the reference kernel on views of the same memory, so every op works on wasm either way.
import type { TensorView } from '../backend.js';
import type { BinaryOp, KernelOp, PrimAttrs, UnaryOp } from '../../ops/prims.js';
import { broadcastStrides, numelOf, shapesEqual, stridesOf, type Shape } from '../../tensor/shape.js';
import { bytesPerElement } from '../../tensor/dtype.js';
import type { KernelExports } from './loader.js';
import type { ParallelFn } from './protocol.js';
import { broadcastLoop, reduceForm, reduceOuterInnerForm, whereForm } from './layout.js';
import { gatherMap } from '../ts/im2col.js';

/** What the fast paths need from the backend. */
export interface Engine {
  readonly ex: KernelExports;
  /** Byte offset of a tensor's storage in linear memory. */
  ptr(v: TensorView): number;
  /**
   * Run `fn` over [0, total) in chunks aligned to `align` units of at least `minPart` units (one
   * call on the caller when the job is small). `args[range]`, `args[range + 1]` receive a chunk's
   * bounds and `args[scratch]` (if ≥ 0) the running thread's scratch memory.
   */
  parallel(fn: ParallelFn, total: number, align: number, minPart: number, args: number[], range: number, scratch?: number): void;
  /** A cached copy in linear memory of an array that never changes (e.g. an im2col gather map). */
  constant(data: Int32Array): number;
  /** Bytes of scratch each thread has. */
  readonly scratchBytes: number;
  /** Write i32 values into the per-call metadata block (read by the kernel of the next job). */
  meta(values: readonly number[]): number;
  /** memmove within linear memory. */
  copyBytes(dst: number, src: number, bytes: number): void;
}

type FastPath<K extends KernelOp> = (e: Engine, ins: readonly TensorView[], out: TensorView, attrs: PrimAttrs[K]) => boolean;

const ELEMS_PER_PART = 32768; // below this an elementwise op is not worth waking a thread
const FLOPS_PER_PART = 1 << 20;

const f32 = (...vs: TensorView[]): boolean => vs.every((v) => v.dtype === 'float32');

const BIN_CODE: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5 };
const CMP_CODE: Partial<Record<BinaryOp, number>> = { eq: 0, ne: 1, lt: 2, le: 3, gt: 4, ge: 5 };
const UN_CODE: Partial<Record<UnaryOp, number>> = { neg: 0, abs: 1, relu: 2, sqrt: 3 };
const REDUCE_CODE = { sum: 0, max: 1, min: 2 } as const;
const TRANS_CODE: Partial<Record<UnaryOp, number>> = { exp: 0, expm1: 1, log: 2, tanh: 3, sigmoid: 4 };
const TRANS_PER_PART = 8192; // ~20 flops per element: worth a thread sooner than a plain map

function binary(fn: 'binaryF32' | 'compareF32', code: number): FastPath<BinaryOp> {
  return (e, [a, b], out) => {
    if (!f32(a!, b!) || out.dtype !== (fn === 'binaryF32' ? 'float32' : 'bool')) return false;
    const l = broadcastLoop(out.shape, a!.shape, b!.shape);
    if (l === null) return false;
    const { form: f, count } = l;
    const pa = e.ptr(a!); const pb = e.ptr(b!); const po = e.ptr(out);
    const outBytes = fn === 'binaryF32' ? 4 : 1;
    const slice = numelOf(out.shape) / count;
    for (let s = 0; s < count; s++) {
      e.parallel(fn, slice, 16, ELEMS_PER_PART, [code, pa + 4 * s * l.stepA, pb + 4 * s * l.stepB, po + outBytes * s * l.stepOut, f.inner, f.sao, f.sai, f.sbo, f.sbi, 0, 0], 9);
    }
    return true;
  };
}

function unary(code: number): FastPath<UnaryOp> {
  return (e, [x], out) => {
    if (!f32(x!, out)) return false;
    const px = e.ptr(x!); const po = e.ptr(out);
    e.parallel('unaryF32', numelOf(out.shape), 16, ELEMS_PER_PART, [code, px, po, 0, 0], 3);
    return true;
  };
}

function transcendental(code: number): FastPath<UnaryOp> {
  return (e, [x], out) => {
    if (!f32(x!, out)) return false;
    const px = e.ptr(x!); const po = e.ptr(out);
    e.parallel('transcendentalF32', numelOf(out.shape), 16, TRANS_PER_PART, [code, px, po, 0, 0], 3);
    return true;
  };
}

function reduce(code: number): FastPath<'sum' | 'max' | 'min'> {
  return (e, [x], out, { dims }) => {
    if (!f32(x!, out)) return false;
    const form = reduceForm(x!.shape, dims);
    if (form === null) {
      const oi = reduceOuterInnerForm(x!.shape, dims);
      if (oi === null || (oi[0] * oi[2] === 0 && code !== 0)) return false;
      const [r1, k, r2] = oi;
      e.parallel('reduceOuterInnerF32', k, 1, Math.ceil(ELEMS_PER_PART / Math.max(1, r1 * r2)), [code, e.ptr(x!), e.ptr(out), r1, k, r2, 0, 0], 6);
      return true;
    }
    const [outer, n, inner] = form;
    if (n === 0 && code !== 0) return false; // the reference decides what an empty max is
    const px = e.ptr(x!); const po = e.ptr(out);
    const rowsPerPart = Math.max(1, Math.ceil(ELEMS_PER_PART / Math.max(1, n * inner)));
    e.parallel('reduceF32', outer, 1, rowsPerPart, [code, px, po, n, inner, 0, 0, 0], 5, 7);
    return true;
  };
}

const matmul: FastPath<'matmul'> = (e, [a, b], out, { transA, transB }) => {
  if (!f32(a!, b!, out)) return false;
  const [B, M, N] = out.shape as [number, number, number];
  const K = transA ? a!.shape[1]! : a!.shape[2]!;
  const pa = e.ptr(a!); const pb = e.ptr(b!); const pc = e.ptr(out);
  const ta = transA ? 1 : 0; const tb = transB ? 1 : 0;
  const rows = B * M;
  const flopsPerUnit = (u: number): number => Math.max(1, 2 * u * K);
  if (M > 1 && rows >= 16) {
    // Split the output rows (multiples of the 4-row micro-tile).
    const min = Math.ceil(FLOPS_PER_PART / flopsPerUnit(N));
    e.parallel('gemmBatched', rows, 4, min, [pa, pb, pc, B, M, N, K, ta, tb, 0, 0, 0, N, 0], 9, 13);
  } else {
    // Few rows (e.g. batch-1 inference): split the columns instead.
    const min = Math.ceil(FLOPS_PER_PART / flopsPerUnit(rows));
    e.parallel('gemmBatched', N, 8, min, [pa, pb, pc, B, M, N, K, ta, tb, 0, rows, 0, 0, 0], 11, 13);
  }
  return true;
};

const where: FastPath<'where'> = (e, [c, a, b], out) => {
  if (c!.dtype !== 'bool' || !f32(a!, b!, out)) return false;
  const f = whereForm(out.shape, c!.shape, a!.shape, b!.shape);
  if (f === null) return false;
  const pc = e.ptr(c!); const pa = e.ptr(a!); const pb = e.ptr(b!); const po = e.ptr(out);
  e.parallel('whereF32', numelOf(out.shape), 16, ELEMS_PER_PART, [pc, pa, pb, po, f.inner, f.sco, f.sci, f.sao, f.sai, f.sbo, f.sbi, 0, 0], 11);
  return true;
};

const erf: FastPath<'erf'> = (e, [x], out) => {
  if (!f32(x!, out)) return false;
  const px = e.ptr(x!); const po = e.ptr(out);
  e.parallel('erfF32', numelOf(out.shape), 16, TRANS_PER_PART, [px, po, 0, 0], 2);
  return true;
};

const rsqrt: FastPath<'rsqrt'> = (e, [x], out) => {
  if (!f32(x!, out)) return false;
  const px = e.ptr(x!); const po = e.ptr(out);
  e.parallel('rsqrtF32', numelOf(out.shape), 16, ELEMS_PER_PART, [px, po, 0, 0], 2);
  return true;
};

const cast: FastPath<'cast'> = (e, [x], out) => {
  if (!f32(x!, out)) return false;
  const px = e.ptr(x!); const po = e.ptr(out);
  e.parallel('unaryF32', numelOf(out.shape), 16, ELEMS_PER_PART, [4, px, po, 0, 0], 3); // 4 = copy
  return true;
};

const unfold: FastPath<'unfold'> = (e, [x], out, attrs) => {
  if (!f32(x!, out)) return false;
  const [n, c] = x!.shape as [number, number];
  const spatial = x!.shape.slice(2);
  const plane = numelOf(spatial);
  const { map, rows, cols } = gatherMap(spatial, attrs);
  const rc = rows * cols;
  const px = e.ptr(x!); const po = e.ptr(out); const pm = e.constant(map);
  e.parallel('unfoldF32', n * c, 1, Math.ceil(ELEMS_PER_PART / Math.max(1, rc)), [px, po, pm, plane, rc, 0, 0], 5);
  return true;
};

const fold: FastPath<'fold'> = (e, [cols], out, attrs) => {
  if (!f32(cols!, out)) return false;
  const [n, c] = out.shape as [number, number];
  const spatial = out.shape.slice(2);
  const plane = numelOf(spatial);
  if (plane * 8 > e.scratchBytes) return false;
  const { map, rows, cols: l } = gatherMap(spatial, attrs);
  const rc = rows * l;
  const pc = e.ptr(cols!); const po = e.ptr(out); const pm = e.constant(map);
  e.parallel('foldF32', n * c, 1, Math.ceil(ELEMS_PER_PART / Math.max(1, rc)), [pc, po, pm, plane, rc, 0, 0, 0], 5, 7);
  return true;
};

/** dst[dstOff + Σ idx·dstSt] = src[srcOff + Σ idx·srcSt] over `shape`, elements of the views' dtype. */
function copy(e: Engine, src: TensorView, dst: TensorView, shape: Shape, srcSt: readonly number[], dstSt: readonly number[], srcOff: number, dstOff: number, add = false): void {
  const total = numelOf(shape);
  if (total === 0) return;
  const nd = Math.max(1, shape.length);
  const sh = shape.length ? shape : [1];
  const ss = shape.length ? srcSt : [0];
  const ds = shape.length ? dstSt : [0];
  const shift = Math.log2(bytesPerElement(dst.dtype));
  const pm = e.meta([...sh, ...ss, ...ds, srcOff, dstOff]);
  e.parallel('stridedCopy', total, 16, ELEMS_PER_PART, [e.ptr(src), e.ptr(dst), nd, pm, shift, 0, 0, 0, add ? 1 : 0], 5, 7);
}

const contiguous = (s: Shape): number[] => stridesOf(s);
const sameDType = (a: TensorView, b: TensorView): boolean => a.dtype === b.dtype;

const permute: FastPath<'permute'> = (e, [x], out, { dims }) => {
  if (!sameDType(x!, out)) return false;
  const st = stridesOf(x!.shape);
  copy(e, x!, out, out.shape, dims.map((d) => st[d]!), contiguous(out.shape), 0, 0);
  return true;
};

const expand: FastPath<'expand'> = (e, [x], out) => {
  if (!sameDType(x!, out)) return false;
  copy(e, x!, out, out.shape, broadcastStrides(x!.shape, out.shape), contiguous(out.shape), 0, 0);
  return true;
};

const slice: FastPath<'slice'> = (e, [x], out, { starts, steps }) => {
  if (!sameDType(x!, out)) return false;
  const st = stridesOf(x!.shape);
  const off = starts.reduce((acc, s, d) => acc + s * st[d]!, 0);
  copy(e, x!, out, out.shape, st.map((s, d) => s * steps[d]!), contiguous(out.shape), off, 0);
  return true;
};

const flip: FastPath<'flip'> = (e, [x], out, { dims }) => {
  if (!sameDType(x!, out)) return false;
  const st = stridesOf(x!.shape);
  let off = 0;
  const fst = st.map((s, d) => {
    if (!dims.includes(d)) return s;
    off += (x!.shape[d]! - 1) * s;
    return -s;
  });
  copy(e, x!, out, out.shape, fst, contiguous(out.shape), off, 0);
  return true;
};

const sliceUpdate: FastPath<'sliceUpdate'> = (e, [base, value], out, { starts, steps }) => {
  if (!sameDType(base!, out) || !sameDType(value!, out)) return false;
  e.copyBytes(e.ptr(out), e.ptr(base!), numelOf(out.shape) * bytesPerElement(out.dtype));
  const st = stridesOf(out.shape);
  const off = starts.reduce((acc, s, d) => acc + s * st[d]!, 0);
  copy(e, value!, out, value!.shape, contiguous(value!.shape), st.map((s, d) => s * steps[d]!), 0, off);
  return true;
};

const sliceAdd: FastPath<'sliceAdd'> = (e, [base, value], out, { starts, steps }) => {
  if (!f32(base!, value!, out)) return false;
  if (e.ptr(out) !== e.ptr(base!)) e.copyBytes(e.ptr(out), e.ptr(base!), numelOf(out.shape) * 4); // out may alias base
  const st = stridesOf(out.shape);
  const off = starts.reduce((acc, s, d) => acc + s * st[d]!, 0);
  copy(e, value!, out, value!.shape, contiguous(value!.shape), st.map((s, d) => s * steps[d]!), 0, off, true);
  return true;
};

/** [outer, n, inner] around `dim`. */
function around(shape: Shape, dim: number): [number, number, number] {
  return [numelOf(shape.slice(0, dim)), shape[dim]!, numelOf(shape.slice(dim + 1))];
}

function arg(isMax: boolean): FastPath<'argmax' | 'argmin'> {
  return (e, [x], out, { dim }) => {
    if (!f32(x!) || out.dtype !== 'int32') return false;
    const [outer, n, inner] = around(x!.shape, dim);
    if (n === 0) return false; // the reference raises the error
    e.parallel('argF32', outer, 1, Math.ceil(ELEMS_PER_PART / Math.max(1, n * inner)), [isMax ? 1 : 0, e.ptr(x!), e.ptr(out), n, inner, 0, 0], 5);
    return true;
  };
}

/** index has x's shape except along `dim` (the form pooling uses). */
const alongDim = (x: Shape, index: Shape, dim: number): boolean =>
  x.length === index.length && x.every((s, d) => d === dim || s === index[d]);

const gather: FastPath<'gather'> = (e, [x, index], out, { dim }) => {
  if (bytesPerElement(x!.dtype) !== 4 || out.dtype !== x!.dtype || index!.dtype !== 'int32' || !alongDim(x!.shape, index!.shape, dim)) return false;
  const [outer, n, inner] = around(x!.shape, dim);
  return e.ex.gather32(e.ptr(x!), e.ptr(index!), e.ptr(out), outer, n, index!.shape[dim]!, inner) === 0;
};

const scatterAdd: FastPath<'scatterAdd'> = (e, [x, index, src], out, { dim }) => {
  if (!f32(x!, src!, out) || index!.dtype !== 'int32' || !shapesEqual(index!.shape, src!.shape) || !alongDim(x!.shape, index!.shape, dim)) return false;
  const [outer, n, inner] = around(x!.shape, dim);
  e.copyBytes(e.ptr(out), e.ptr(x!), numelOf(x!.shape) * 4);
  return e.ex.scatterAddF32(e.ptr(out), e.ptr(index!), e.ptr(src!), outer, n, index!.shape[dim]!, inner) === 0;
};

const table: Partial<{ [K in KernelOp]: FastPath<K> }> = { matmul, where, rsqrt, erf, cast, argmax: arg(true), argmin: arg(false), gather, scatterAdd, unfold, fold, permute, expand, slice, flip, sliceUpdate, sliceAdd, sum: reduce(REDUCE_CODE.sum), max: reduce(REDUCE_CODE.max), min: reduce(REDUCE_CODE.min) };
for (const [op, code] of Object.entries(BIN_CODE)) (table as Record<string, unknown>)[op] = binary('binaryF32', code);
for (const [op, code] of Object.entries(CMP_CODE)) (table as Record<string, unknown>)[op] = binary('compareF32', code);
for (const [op, code] of Object.entries(UN_CODE)) (table as Record<string, unknown>)[op] = unary(code);
for (const [op, code] of Object.entries(TRANS_CODE)) (table as Record<string, unknown>)[op] = transcendental(code);

/** The ops with a wasm kernel (for tests and docs). */
export const FAST_OPS: readonly KernelOp[] = Object.keys(table) as KernelOp[];

/** Run `op` with a wasm kernel if one applies; false means "use the reference kernel". */
export function runFast<K extends KernelOp>(e: Engine, op: K, ins: readonly TensorView[], out: TensorView, attrs: PrimAttrs[K]): boolean {
  const f = table[op] as FastPath<K> | undefined;
  return f !== undefined && f(e, ins, out, attrs);
}
