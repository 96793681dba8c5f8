// Fast paths of the reductions on float32: sum/max/min over one adjacent block of dims or over
// leading + trailing dims, and argmax/argmin along a dim.
import { ELEMS_PER_PART, f32, type FastPath } from './engine.js';
import { around, reduceForm, reduceOuterInnerForm } from './layout.js';

const REDUCE_CODE = { sum: 0, max: 1, min: 2 } as const;

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

function arg(isMax: boolean): FastPath<'argmax' | 'argmin'> {
  return (e, [x], out, { dim }) => {
    if (!f32(x!) || out.dtype !== 'int32') return false;
    const [outer, n, inner] = around(x!.shape, dim);
    if (n === 0) return false; // the reference raises the error
    e.parallel('argF32', outer, 1, Math.ceil(ELEMS_PER_PART / Math.max(1, n * inner)), [isMax ? 1 : 0, e.ptr(x!), e.ptr(out), n, inner, 0, 0], 5);
    return true;
  };
}

export const REDUCE_PATHS = {
  sum: reduce(REDUCE_CODE.sum), max: reduce(REDUCE_CODE.max), min: reduce(REDUCE_CODE.min), argmax: arg(true), argmin: arg(false),
};
