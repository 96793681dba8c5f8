// Fast paths of the reductions on float32: sum/max/min over one adjacent block of dims or over
// leading + trailing dims, and argmax/argmin along a dim.
import { REDUCE_CODES } from './codes.js';
import { ELEMS_PER_PART, f32, type FastPath, type FastPaths } from './engine.js';
import { around, reduceForm, reduceOuterInnerForm } from './layout.js';

function reduce(code: number): FastPath<'sum' | 'max' | 'min'> {
  return (e, [x], out, { dims }) => {
    if (!f32(x!, out)) return false;
    const form = reduceForm(x!.shape, dims);
    if (form === null) {
      const oi = reduceOuterInnerForm(x!.shape, dims);
      if (oi === null || (oi[0] * oi[2] === 0 && code !== REDUCE_CODES.sum)) return false;
      const [r1, k, r2] = oi;
      e.parallel('reduceOuterInnerF32', { total: k, align: 1, minPart: Math.ceil(ELEMS_PER_PART / Math.max(1, r1 * r2)), range: ['k0', 'k1'] },
        { op: code, x: e.ptr(x!), out: e.ptr(out), r1, k, r2 });
      return true;
    }
    const [outer, n, inner] = form;
    if (n === 0 && code !== REDUCE_CODES.sum) return false; // the reference decides what an empty max is
    const rowsPerPart = Math.max(1, Math.ceil(ELEMS_PER_PART / Math.max(1, n * inner)));
    if (code === REDUCE_CODES.sum && outer < rowsPerPart * 2 && inner >= 32) {
      // Too few outer rows to share: split the columns instead (a bias gradient over (T·N, 4H)).
      e.parallel('sumColumnsF32', { total: inner, align: 16, minPart: Math.max(16, Math.ceil(ELEMS_PER_PART / Math.max(1, outer * n))), range: ['c0', 'c1'] },
        { x: e.ptr(x!), out: e.ptr(out), outer, n, inner });
      return true;
    }
    e.parallel('reduceF32', { total: outer, align: 1, minPart: rowsPerPart, range: ['o0', 'o1'] }, { op: code, x: e.ptr(x!), out: e.ptr(out), n, inner });
    return true;
  };
}

function arg(isMax: boolean): FastPath<'argmax' | 'argmin'> {
  return (e, [x], out, { dim }) => {
    if (!f32(x!) || out.dtype !== 'int32') return false;
    const [outer, n, inner] = around(x!.shape, dim);
    if (n === 0) return false; // the reference raises the error
    e.parallel('argF32', { total: outer, align: 1, minPart: Math.ceil(ELEMS_PER_PART / Math.max(1, n * inner)), range: ['o0', 'o1'] },
      { isMax: isMax ? 1 : 0, x: e.ptr(x!), out: e.ptr(out), n, inner });
    return true;
  };
}

export const REDUCE_PATHS = {
  sum: reduce(REDUCE_CODES.sum), max: reduce(REDUCE_CODES.max), min: reduce(REDUCE_CODES.min), argmax: arg(true), argmin: arg(false),
} satisfies FastPaths;
