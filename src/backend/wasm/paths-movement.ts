// Fast paths of the movement and indexing primitives: strided copies (permute, expand, slice,
// flip, sliceUpdate, sliceAdd, cat; any dtype), im2col/col2im (unfold/fold), max pooling's window
// argmax, gather and scatterAdd along a dim, indexSelect and indexAdd (row copies and adds). All exact.
import type { TensorView } from '../backend.js';
import { broadcastStrides, numelOf, shapesEqual, stridesOf, type Shape } from '../../tensor/shape.js';
import { bytesPerElement } from '../../tensor/dtype.js';
import { gatherMap } from '../ts/im2col.js';
import { poolMap } from '../ts/max-pool.js';
import { mapRuns } from './window-runs.js';
import { ELEMS_PER_PART, f32, type Engine, type FastPath, type FastPaths } from './engine.js';
import { around } from './layout.js';

const unfold: FastPath<'unfold'> = (e, [x], out, attrs) => {
  if (!f32(x!, out)) return false;
  const [n, c] = x!.shape as [number, number];
  const spatial = x!.shape.slice(2);
  const plane = numelOf(spatial);
  const { map, rows, cols } = gatherMap(spatial, attrs);
  const rc = rows * cols;
  const runs = mapRuns(map);
  e.parallel('unfoldF32', { total: n * c, align: 1, minPart: Math.ceil(ELEMS_PER_PART / Math.max(1, rc)), range: ['p0', 'p1'] },
    { x: e.ptr(x!), out: e.ptr(out), runs: e.constant(runs), nruns: runs.length / 3, plane, rc });
  return true;
};

const maxPoolIndex: FastPath<'maxPoolIndex'> = (e, [x], out, attrs) => {
  if (!f32(x!)) return false;
  const [n, c] = x!.shape as [number, number];
  const spatial = x!.shape.slice(2);
  const { map, taps, windows } = poolMap(spatial, attrs);
  const work = windows * taps;
  e.parallel('maxPoolIndexF32', { total: n * c, align: 1, minPart: Math.ceil(ELEMS_PER_PART / Math.max(1, work)), range: ['p0', 'p1'] },
    { x: e.ptr(x!), out: e.ptr(out), map: e.constant(map), plane: numelOf(spatial), windows, taps });
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
  const runs = mapRuns(map);
  e.parallel('foldF32', { total: n * c, align: 1, minPart: Math.ceil(ELEMS_PER_PART / Math.max(1, rc)), range: ['p0', 'p1'] },
    { cols: e.ptr(cols!), out: e.ptr(out), runs: e.constant(runs), nruns: runs.length / 3, plane, rc });
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
  e.parallel('stridedCopy', { total, align: 16, minPart: ELEMS_PER_PART, range: ['e0', 'e1'] }, { src: e.ptr(src), dst: e.ptr(dst), nd, meta: pm, shift, add: add ? 1 : 0 });
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

/** Each input copied into its block of the output along `dim` (any 1-, 4- or 8-byte dtype). */
const cat: FastPath<'cat'> = (e, ins, out, { dim }) => {
  if (!ins.every((t) => sameDType(t, out))) return false;
  const st = stridesOf(out.shape);
  let at = 0;
  for (const t of ins) {
    copy(e, t, out, t.shape, contiguous(t.shape), st, 0, at * st[dim]!);
    at += t.shape[dim]!;
  }
  return true;
};

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

const indexSelect: FastPath<'indexSelect'> = (e, [x, index], out, { dim }) => {
  if (bytesPerElement(x!.dtype) !== 4 || out.dtype !== x!.dtype || index!.dtype !== 'int32') return false;
  const [outer, n, inner] = around(x!.shape, dim);
  return e.ex.indexSelect32(e.ptr(x!), e.ptr(index!), e.ptr(out), outer, n, numelOf(index!.shape), inner) === 0; // a bad index: the reference names it
};

const indexAdd: FastPath<'indexAdd'> = (e, [x, index, src], out, { dim }) => {
  if (!f32(x!, src!, out) || index!.dtype !== 'int32') return false;
  const [outer, n, inner] = around(x!.shape, dim);
  e.copyBytes(e.ptr(out), e.ptr(x!), numelOf(x!.shape) * 4);
  return e.ex.indexAddF32(e.ptr(out), e.ptr(index!), e.ptr(src!), outer, n, numelOf(index!.shape), inner) === 0;
};

export const MOVEMENT_PATHS = { unfold, fold, maxPoolIndex, permute, expand, slice, flip, sliceUpdate, sliceAdd, cat, gather, scatterAdd, indexSelect, indexAdd } satisfies FastPaths;
